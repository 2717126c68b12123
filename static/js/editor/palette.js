// The palette: step types grouped by kind and searchable; drag one onto the canvas (or double-click it).
import { h } from "../lib/dom.js";
import { catalog } from "./catalog.js";
import { iconSvg } from "./icons.js";

export const DRAG_TYPE = "text/x-node-type";

export function palette(onPick) {
  const search = h("input", { type: "search", placeholder: "Search steps", "aria-label": "Search steps" });
  const el = h("nav", { class: "palette", "aria-label": "Steps" }, search,
    ...catalog.kinds.map(({ name: kind, title, colour }) => h("section", {}, h("h3", { text: title }),
      ...catalog.list.filter((t) => t.kind === kind).map((t) => h("div", { class: "palette-item",
        draggable: "true", "data-node-type": t.type, "data-kind": kind, title: t.help, style: `--kind-colour: ${colour}`,
        ondragstart: (e) => e.dataTransfer.setData(DRAG_TYPE, `${t.kind}/${t.type}`),
        ondblclick: () => onPick(t) }, iconSvg(t.icon), t.label)))));
  search.addEventListener("input", () => el.querySelectorAll(".palette-item").forEach((item) => {
    item.hidden = !item.textContent.toLowerCase().includes(search.value.toLowerCase());
  }));
  return el;
}
