// The condition rule editor: rules and nested AND/OR groups (to depth 3), each value entered in a control that fits
// its field (number, date, stage, owner, tag, options; a list for in/not_in), and the group said in words.
// `edit(fn, typing)` hands `fn` the group as it is now; `fn` changes it in place. Rules are addressed by their
// index path ([0, 2] is the third rule of the first rule's group), so an edit never works on a stale copy.
import { h } from "../lib/dom.js";
import { describe, OPERATORS, VALUELESS } from "./summaries.js";
import { labelled, newId, select, typed } from "./widgets.js";

export const MAX_DEPTH = 3;
const LISTS = ["in", "not_in"];

const isGroup = (rule) => rule && typeof rule === "object" && Array.isArray(rule.rules);

// What a field holds, for choosing its value control: {type, options: [[value, text]]}.
function kindOf(field, env) {
  const changed = /^trigger\.changes\.(.+)\.(old|new)$/.exec(field);
  if (changed) return kindOf(changed[1], env);
  if (field === "stage") return { type: "choice", options: env.stages.map((s) => [s, s]) };
  if (field === "owner") return { type: "choice", options: env.users.map((u) => [u.username, u.username]) };
  if (field === "tags") return { type: "tag" };
  const spec = env.fields[field] ?? {};
  if (spec.type === "user") return { type: "choice", options: env.users.map((u) => [u.username, u.username]) };
  if (spec.type === "boolean") return { type: "choice", options: [[true, "yes"], [false, "no"]] };
  if (spec.options) return { type: "choice", options: spec.options.map((o) => [o, String(o)]) };
  return { type: spec.type ?? "text" };
}

// A value fitted to a new operator: a list for in/not_in, one value otherwise, none for the valueless ones.
function refit(rule) {
  if (VALUELESS.includes(rule.op)) delete rule.value;
  else if (LISTS.includes(rule.op)) rule.value = Array.isArray(rule.value) ? rule.value : rule.value === "" || rule.value == null ? [] : [rule.value];
  else if (Array.isArray(rule.value)) rule.value = rule.value[0] ?? "";
  else rule.value ??= "";
}

export class RuleEditor {
  // env: {fields: name -> spec, stages, users, tags (named in the workflow or on the object's records)}; edit(fn, typing)
  constructor(env, edit) { Object.assign(this, { env, edit }); }

  at(group, path) { return path.reduce((g, i) => g.rules[i], group); }
  change(path, fn, typing = false) { this.edit((group) => fn(this.at(group, path)), typing); }

  // The whole editor for `group` ({match, rules}); `withMatch` false when the match is its own field (condition node).
  render(title, group, base, { withMatch = true } = {}) {
    return h("fieldset", { class: "field rules" }, h("legend", { text: title }),
      ...this.body(group, [], base, withMatch),
      h("p", { class: "rules-summary muted", text: `In words: ${describe(group)}` }));
  }

  body(group, path, base, withMatch) {
    const where = `${base}.${path.join(".")}`;
    const match = withMatch ? labelled("Match", select(`${where}.match`, [["all", "all of these"], ["any", "any of these"]],
      group.match ?? "all", (v) => this.change(path, (g) => { g.match = v; }))) : null;
    const add = (item) => () => this.change(path, (g) => { g.rules.push(item()); });
    return [match, ...group.rules.map((rule, i) => (isGroup(rule) ? this.group(rule, [...path, i], base) : this.rule(rule, [...path, i], base))),
      h("div", { class: "rule-buttons" }, h("button", { type: "button", text: "Add rule", onclick: add(() => ({ field: this.firstField(), op: "eq", value: "" })) }),
        path.length + 1 < MAX_DEPTH ? h("button", { type: "button", text: "Add group",
          onclick: add(() => ({ match: group.match === "any" ? "all" : "any", rules: [{ field: this.firstField(), op: "eq", value: "" }] })) }) : null)];
  }

  group(group, path, base) {
    const remove = () => this.edit((root) => { this.at(root, path.slice(0, -1)).rules.splice(path.at(-1), 1); });
    return h("fieldset", { class: "group", "data-rule-group": path.join(".") }, h("legend", { text: "Group" }),
      ...this.body(group, path, base, true), h("button", { type: "button", text: "Remove group", onclick: remove }));
  }

  firstField() { return Object.keys(this.env.fields)[0] ?? "stage"; }

  rule(rule, path, base) {
    const where = `${base}.${path.join(".")}`;
    const fields = [...new Set(["stage", "owner", "tags", ...Object.keys(this.env.fields), ...this.env.changes, ...(rule.field ? [rule.field] : [])])];
    const remove = () => this.edit((root) => { this.at(root, path.slice(0, -1)).rules.splice(path.at(-1), 1); });
    return h("div", { class: "rule", "data-rule": path.join(".") },
      labelled("Field", select(`${where}.field`, fields.map((f) => [f, f]), rule.field, (v) => this.change(path, (r) => { r.field = v; r.value = LISTS.includes(r.op) ? [] : ""; refit(r); }))),
      labelled("Operator", select(`${where}.op`, OPERATORS, rule.op, (v) => this.change(path, (r) => { r.op = v; refit(r); }))),
      this.value(rule, path, where),
      h("button", { type: "button", text: "Remove rule", onclick: remove }));
  }

  value(rule, path, where) {
    if (VALUELESS.includes(rule.op)) return null;
    const set = (v, typing) => this.change(path, (r) => { r.value = v; }, typing);
    const kind = rule.op === "has_tag" ? { type: "tag" } : kindOf(rule.field, this.env);
    if (LISTS.includes(rule.op)) return kind.type === "tag" ? this.tagsList(rule, where, set) : this.list(rule, kind, where, set);
    if (kind.type === "choice") return labelled("Value", select(`${where}.value`, [["", "Choose…"], ...kind.options], rule.value, set));
    if (kind.type === "tag") return labelled("Value", this.input(`${where}.value`, rule.value, set, { list: this.tagList().id }), null, this.tagList());
    if (kind.type === "number") return labelled("Value", this.input(`${where}.value`, rule.value, set, { type: "number", step: "any" }, Number));
    if (kind.type === "date" || kind.type === "datetime") return labelled("Value", this.input(`${where}.value`, rule.value, set, { type: "date" }));
    return labelled("Value", this.input(`${where}.value`, rule.value, set));
  }

  input(path, value, set, attrs = {}, convert = (v) => v) {
    const el = h("input", { type: "text", ...attrs, value: value ?? "" });
    return typed(el, path, (text, typing) => set(text === "" ? "" : convert(text), typing));
  }

  // in / not_in: tick the known options, or one value per line.
  list(rule, kind, where, set) {
    const held = rule.value ?? [];
    if (kind.type === "choice") {
      const options = [...kind.options, ...held.filter((v) => !kind.options.some(([o]) => o === v)).map((v) => [v, String(v)])];
      return h("fieldset", { class: "field checks" }, h("legend", { text: "Values" }), ...options.map(([v, text]) => {
        const id = newId();
        return h("span", { class: "day" }, h("input", { type: "checkbox", id, checked: held.includes(v), "data-path": `${where}.value.${v}`,
          onchange: (e) => set(e.target.checked ? [...held, v] : held.filter((x) => x !== v)) }), h("label", { for: id, text }));
      }));
    }
    const area = typed(h("textarea", { rows: 3 }), `${where}.value`, (text, typing) => set(text.split("\n").map((v) => v.trim())
      .filter(Boolean).map((v) => (kind.type === "number" && !Number.isNaN(Number(v)) ? Number(v) : v)), typing));
    area.value = held.join("\n");
    return labelled("Values", area, "one per line");
  }

  // Tags for in / not_in: tick the known ones, or type another (suggested as it is typed) and press Enter.
  tagsList(rule, where, set) {
    const box = this.list(rule, { type: "choice", options: this.env.tags.map((t) => [t, t]) }, where, set);
    const other = h("input", { type: "text", list: this.tagList().id, "aria-label": "Another tag",
      placeholder: "another tag, then Enter", "data-path": `${where}.value#other` });
    other.addEventListener("keydown", (e) => {
      const tag = other.value.trim();
      if (e.key !== "Enter" || !tag) return;
      e.preventDefault();
      if (!(rule.value ?? []).includes(tag)) set([...(rule.value ?? []), tag]);
      other.value = "";
    });
    box.append(other, this.tagList());
    return box;
  }

  tagList() {
    this.tags ??= h("datalist", { id: newId() }, this.env.tags.map((t) => h("option", { value: t })));
    return this.tags;
  }
}
