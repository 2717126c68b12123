// The workflow's business hours in its settings panel: a tick per weekday with its opening and closing time, and
// holiday dates one per line. Stored as settings.business_hours ({days: {mon: [["09:00", "17:00"]]}, holidays}); a
// day stored with several spans (through the API) keeps them until its times are edited here.
import { h } from "../lib/dom.js";
import { newId } from "./widgets.js";

const DAYS = [["mon", "Mon"], ["tue", "Tue"], ["wed", "Wed"], ["thu", "Thu"], ["fri", "Fri"], ["sat", "Sat"], ["sun", "Sun"]];
const OFFICE = { days: Object.fromEntries(DAYS.slice(0, 5).map(([d]) => [d, [["09:00", "17:00"]]])), holidays: [] };

// `read()` gives the hours as they are now (typing does not redraw the form, so the drawn ones may be older).
export function hoursPanel(read, commit) {
  const hours = read();
  const box = h("fieldset", { class: "field business-hours" }, h("legend", { text: "Business hours" }));
  const use = h("input", { type: "checkbox", id: newId(), checked: !!hours, "data-path": "meta.business_hours" });
  use.addEventListener("change", () => commit(use.checked ? structuredClone(OFFICE) : null));
  box.append(h("div", {}, use, h("label", { for: use.id, text: "Use business hours" })));
  if (!hours) return box;
  const edit = (fn, typing) => { const next = structuredClone(read()); fn(next); commit(next, typing); };
  for (const [day, name] of DAYS) {
    const spans = hours.days?.[day] ?? [];
    const open = h("input", { type: "checkbox", id: newId(), checked: spans.length > 0, "data-path": `meta.business_hours.${day}` });
    const from = h("input", { type: "time", value: spans[0]?.[0] ?? "09:00", "aria-label": `${name} opens`, disabled: !spans.length });
    const to = h("input", { type: "time", value: spans.at(-1)?.[1] ?? "17:00", "aria-label": `${name} closes`, disabled: !spans.length });
    open.addEventListener("change", () => edit((next) => {
      next.days ??= {};
      if (open.checked) next.days[day] = [[from.value, to.value]]; else delete next.days[day];
    }));
    const times = () => edit((next) => { next.days[day] = [[from.value, to.value]]; }, true);
    from.addEventListener("input", times);
    to.addEventListener("input", times);
    box.append(h("div", { class: "hours-day", "data-day": day }, open, h("label", { for: open.id, text: name }), from, h("span", { text: "–" }), to,
      spans.length > 1 ? h("small", { class: "muted", text: `${spans.length} spans stored` }) : null));
  }
  const holidays = h("textarea", { id: newId(), rows: 3, placeholder: "2026-12-25", "data-path": "meta.business_hours.holidays" });
  holidays.value = (hours.holidays ?? []).join("\n");
  holidays.addEventListener("input", () => edit((next) => {
    next.holidays = holidays.value.split(/[\s,]+/).map((d) => d.trim()).filter(Boolean);
  }, true));
  box.append(h("label", { for: holidays.id, text: "Holidays" }), holidays,
    h("small", { class: "muted", text: "One date per line (YYYY-MM-DD). Times are in the workflow's time zone." }));
  return box;
}
