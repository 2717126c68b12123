// The palette: step types grouped by kind and searchable; drag one onto the canvas (or double-click it).
import { h } from "../lib/dom.js";
import { iconSvg } from "./icons.js";

const KIND_TITLES = { trigger: "Triggers", condition: "Conditions", wait: "Waits", human_task: "People", action: "Actions" };
export const DRAG_TYPE = "text/x-node-type";

export function palette(catalog, onPick) {
  const search = h("input", { type: "search", placeholder: "Search steps", "aria-label": "Search steps" });
  const el = h("nav", { class: "palette", "aria-label": "Steps" }, search,
    ...Object.entries(KIND_TITLES).map(([kind, title]) => h("section", {}, h("h3", { text: title }),
      ...catalog.filter((t) => t.kind === kind).map((t) => h("div", { class: `palette-item kind-${kind}`,
        draggable: "true", "data-node-type": t.type, "data-kind": kind, title: t.help,
        ondragstart: (e) => e.dataTransfer.setData(DRAG_TYPE, `${t.kind}/${t.type}`),
        ondblclick: () => onPick(t) }, iconSvg(t.icon), t.label)))));
  search.addEventListener("input", () => el.querySelectorAll(".palette-item").forEach((item) => {
    item.hidden = !item.textContent.toLowerCase().includes(search.value.toLowerCase());
  }));
  return el;
}
