// The side form of the selected node, rendered from its type's JSON Schema alone.
import { h } from "../lib/dom.js";
import { commands } from "./model.js";

const OPERATORS = ["eq", "ne", "in", "not_in", "contains", "not_contains", "gt", "gte", "lt", "lte", "is_empty",
  "is_not_empty", "changed", "has_tag"];
const UNITS = [["M", "minutes", "T"], ["H", "hours", "T"], ["D", "days", ""], ["W", "weeks", ""], ["M", "months", ""],
  ["S", "seconds", "T"]];
let uid = 0;

export class Inspector {
  constructor(el, model, context) {
    Object.assign(this, { el, model, context }); // context: {objects: Map name -> object, users}
    this.nodeId = null;
    model.onChange(() => this.render());
  }

  show(nodeId) { this.nodeId = nodeId; this.render(); }

  render() {
    const node = this.nodeId && this.model.node(this.nodeId);
    if (!node) { this.el.replaceChildren(h("p", { class: "muted", text: "Select a step to configure it." })); return; }
    const type = this.model.typeOf(node), props = type?.config_schema?.properties ?? {};
    const label = this.field("Label", h("input", { value: node.label ?? "", onchange: (e) =>
      this.model.execute(commands.setLabel(node, node.label, e.target.value)) }));
    this.el.replaceChildren(h("h2", { text: type?.label ?? node.type }), h("p", { class: "muted", text: type?.help ?? "" }),
      label, ...Object.entries(props).map(([key, schema]) => this.control(node, key, schema)));
  }

  field(title, control, description) {
    const id = control.id || `f${++uid}`;
    control.id = id;
    return h("div", { class: "field" }, h("label", { for: id, text: title }), control,
      description ? h("small", { class: "muted", text: description }) : null);
  }

  set(node, key, value) {
    const before = node.config[key];
    if (JSON.stringify(before) !== JSON.stringify(value)) this.model.execute(commands.setConfig(node, key, before, value));
  }

  fieldsOf(object) { return Object.keys(this.context.objects.get(object)?.fields ?? {}); }
  triggerObject() { return this.model.trigger()?.config?.object; }

  control(node, key, schema) {
    const value = node.config[key], title = schema.title ?? key, widget = schema["x-widget"] ?? schema.format;
    const set = (v) => this.set(node, key, v);
    const select = (options, current) => h("select", { onchange: (e) => set(e.target.value) },
      options.map(([v, text]) => h("option", { value: v, text, selected: v === current })));
    if (schema.enum) return this.field(title, select(schema.enum.map((v) => [v, v]), value), schema.description);
    if (schema.type === "boolean") return this.field(title, h("input", { type: "checkbox", checked: !!value,
      onchange: (e) => set(e.target.checked) }), schema.description);
    switch (widget) {
      case "template-multiline": return this.templateArea(title, value, set, schema.description);
      case "duration": return this.duration(title, value, set, schema.description);
      case "time": return this.field(title, h("input", { type: "time", value: value ?? "", onchange: (e) => set(e.target.value) }));
      case "weekdays": return this.weekdays(title, value ?? [], set, schema.items?.enum ?? []);
      case "object": return this.field(title, select([["", "—"], ...[...this.context.objects.keys()].map((o) => [o, o])], value));
      case "field": return this.field(title, select([["", "—"], ...this.fieldsOf(this.triggerObject()).map((f) => [f, f])], value), schema.description);
      case "pipeline": return this.field(title, select([["", "—"], ...Object.keys(this.context.objects.get(this.triggerObject())?.pipelines ?? {}).map((pl) => [pl, pl])], value), schema.description);
      case "stage": return this.field(title, select([["", "—"], ...this.stages(node.config.pipeline).map((st) => [st, st])], value), schema.description);
      case "user": return this.field(title, select([["", "—"], ...this.context.users.map((u) => [u.username, u.username])], value), schema.description);
      case "assignee": return this.assignee(title, value ?? {}, set);
      case "condition-rules": return this.rules(title, value ?? [], set);
      case "condition-group": return this.rules(title, value?.rules ?? [], (rules) => set(rules.length ? { match: value?.match ?? "all", rules } : null));
      case "key-value": return this.keyValues(title, value ?? {}, set);
      default:
        if (schema.type === "array") return this.field(title, h("input", { value: (value ?? []).join(", "),
          placeholder: "comma, separated", onchange: (e) => set(e.target.value.split(",").map((v) => v.trim()).filter(Boolean)) }), schema.description);
        return this.field(title, h("input", { value: value ?? "", onchange: (e) => set(e.target.value) }), schema.description);
    }
  }

  // The stages of the node's chosen pipeline, or of every pipeline when it names none.
  stages(pipeline) {
    const pipelines = this.context.objects.get(this.triggerObject())?.pipelines ?? {};
    return pipeline && pipelines[pipeline] ? pipelines[pipeline] : [...new Set(Object.values(pipelines).flat())];
  }

  templateArea(title, value, set, description) {
    const area = h("textarea", { rows: 4, onchange: (e) => set(e.target.value) });
    area.value = value ?? "";
    const picker = h("select", { "aria-label": `Insert a variable into ${title}`, onchange: (e) => {
      if (!e.target.value) return;
      const at = area.selectionStart ?? area.value.length;
      area.value = `${area.value.slice(0, at)}{{ ${e.target.value} }}${area.value.slice(at)}`;
      e.target.value = "";
      set(area.value);
    } }, h("option", { value: "", text: "Insert variable…" }),
      ...this.fieldsOf(this.triggerObject()).map((f) => h("option", { value: `record.fields.${f}`, text: `record.fields.${f}` })),
      ...["record.owner.name", "record.owner.email", "record.stage", "workflow.name", "now"].map((v) => h("option", { value: v, text: v })));
    const field = this.field(title, area, description);
    field.append(picker);
    return field;
  }

  duration(title, value, set, description) {
    const match = /^P(?:T)?(\d+)([MHDWS])$/.exec(value ?? "");
    const amount = h("input", { type: "number", min: 0, value: match ? match[1] : "" });
    const isTime = (value ?? "").includes("T");
    const unitIndex = match ? UNITS.findIndex(([u, , t]) => u === match[2] && (t === "T") === isTime) : 2;
    const unit = h("select", { "aria-label": `${title} unit` }, UNITS.map(([, name], i) => h("option", { value: i, text: name, selected: i === unitIndex })));
    const update = () => {
      if (amount.value === "") return set("");
      const [u, , t] = UNITS[Number(unit.value)];
      set(`P${t}${Math.max(0, Number(amount.value))}${u}`);
    };
    amount.addEventListener("change", update);
    unit.addEventListener("change", update);
    const field = this.field(title, amount, description ?? (value && !match ? `currently ${value}` : null));
    field.append(unit);
    return field;
  }

  weekdays(title, value, set, days) {
    return h("fieldset", { class: "field" }, h("legend", { text: title }), ...days.map((day) => {
      const id = `f${++uid}`;
      return h("span", { class: "day" }, h("input", { type: "checkbox", id, checked: value.includes(day), onchange: (e) =>
        set(e.target.checked ? [...value, day] : value.filter((d) => d !== day)) }), h("label", { for: id, text: day }));
    }));
  }

  assignee(title, value, set) {
    const current = value.owner ? "owner:" : value.user ? `user:${value.user}` : value.role ? `role:${value.role}` : "owner:";
    const options = [["owner:", "Record owner"], ...this.context.users.map((u) => [`user:${u.username}`, u.username]),
      ...["viewer", "editor", "admin"].map((r) => [`role:${r}`, `anyone with role ${r}`])];
    return this.field(title, h("select", { onchange: (e) => {
      const [kind, name] = e.target.value.split(":");
      set(kind === "owner" ? { owner: true } : { [kind]: name });
    } }, options.map(([v, text]) => h("option", { value: v, text, selected: v === current }))));
  }

  rules(title, rules, set) {
    const fields = ["stage", "owner", "tags", ...this.fieldsOf(this.triggerObject())];
    const row = (rule, i) => {
      const change = (patch) => set(rules.map((r, j) => (j === i ? { ...r, ...patch } : r)));
      return h("div", { class: "rule" },
        this.field("Field", h("select", { onchange: (e) => change({ field: e.target.value }) },
          fields.map((f) => h("option", { value: f, text: f, selected: f === rule.field })))),
        this.field("Operator", h("select", { onchange: (e) => change({ op: e.target.value }) },
          OPERATORS.map((o) => h("option", { value: o, text: o, selected: o === rule.op })))),
        this.field("Value", h("input", { value: rule.value ?? "", onchange: (e) => change({ value: e.target.value }) })),
        h("button", { type: "button", text: "Remove rule", onclick: () => set(rules.filter((_, j) => j !== i)) }));
    };
    return h("fieldset", { class: "field rules" }, h("legend", { text: title }), ...rules.map(row),
      h("button", { type: "button", text: "Add rule", onclick: () => set([...rules, { field: fields[3] ?? "stage", op: "eq", value: "" }]) }));
  }

  keyValues(title, value, set) {
    const entries = Object.entries(value);
    const key = h("input", { placeholder: "field" }), val = h("input", { placeholder: "value or {{ template }}" });
    return h("fieldset", { class: "field" }, h("legend", { text: title }),
      ...entries.map(([k, v]) => h("div", { class: "kv" }, h("code", { text: k }), h("span", { text: ` = ${v}` }),
        h("button", { type: "button", text: "Remove", onclick: () => { const copy = { ...value }; delete copy[k]; set(copy); } }))),
      this.field("New field name", key), this.field("New field value", val),
      h("button", { type: "button", text: "Add", onclick: () => key.value && set({ ...value, [key.value]: val.value }) }));
  }
}
