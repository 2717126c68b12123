// The workflow's own settings, shown in the side form when no step is selected: name, description, time zone,
// re-enrollment, the exit condition and business hours. Edited through the command stack and saved with the graph.
import { h } from "../lib/dom.js";
import { hoursPanel } from "./hours.js";
import { commands } from "./model.js";
import { labelled, select, textArea, textInput } from "./widgets.js";

export const zones = (current) => [...new Set(["UTC", ...Intl.supportedValuesOf("timeZone"), current].filter(Boolean))].sort();

export function settingsPanel(ins) {
  const meta = ins.model.meta;
  const set = (key) => (value, typing) => {
    if (JSON.stringify(meta[key]) === JSON.stringify(value)) return;
    ins.write(commands.setMeta(meta, key, meta[key], value, ins.coalesce(typing, `meta.${key}`)), typing);
  };
  const setting = (name) => (value, typing) => set("settings")({ ...meta.settings, [name]: value }, typing);
  const hours = (value, typing) => { // no business hours: the key is left out, as workflows made before them have it
    const { business_hours: _, ...rest } = meta.settings;
    set("settings")(value ? { ...rest, business_hours: value } : rest, typing);
  };
  const reenroll = h("input", { type: "checkbox", checked: !!meta.settings.reenroll, "data-path": "meta.reenroll",
    onchange: (e) => setting("reenroll")(e.target.checked) });
  const exit = ins.editor(() => meta.settings.exit_when ?? { match: "all", rules: [] },
    (group, typing) => setting("exit_when")(group.rules.length ? group : null, typing));
  return [h("h2", { text: "Workflow settings" }), h("p", { class: "muted", text: "Select a step to configure it." }),
    labelled("Name", textInput("meta.name", meta.name, set("name"), { maxlength: 200 })),
    labelled("Description", textArea("meta.description", meta.description, set("description"), { rows: 3 })),
    labelled("Time zone", select("meta.timezone", zones(meta.timezone).map((z) => [z, z]), meta.timezone, set("timezone")),
      "Times of day, dates and schedules in this workflow are in this zone"),
    labelled("Re-enroll records", reenroll, "A record may start this workflow again while an earlier run of it is still live"),
    ins.rules("Exit condition", "meta.exit_when", meta.settings.exit_when ?? { match: "all", rules: [] }, exit),
    hoursPanel(() => ins.model.meta.settings.business_hours ?? null, hours)];
}
