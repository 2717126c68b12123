// The form's controls. Each takes a `commit(value, typing)`: text commits on every keystroke (`typing` true, so the
// keystrokes of one visit to a field are one undo step and the form is not rebuilt under the caret); picks commit at once.
// `data-path` names what a control edits, so a rebuilt form can give focus back to the same control.
import { h } from "../lib/dom.js";

const UNITS = [["M", "minutes", "T"], ["H", "hours", "T"], ["D", "days", ""], ["W", "weeks", ""], ["M", "months", ""],
  ["S", "seconds", "T"]];
let uid = 0;

export const newId = () => `f${++uid}`;

export function labelled(title, control, description, ...more) {
  control.id ||= newId();
  return h("div", { class: "field" }, h("label", { for: control.id, text: title }), control, ...more,
    description ? h("small", { class: "muted", text: description }) : null);
}

// A text-like control that commits what it holds on every input.
export function typed(el, path, commit) {
  el.dataset.path = path;
  el.addEventListener("input", () => commit(el.value, true));
  return el;
}

export function textInput(path, value, commit, attrs = {}) {
  return typed(h("input", { type: "text", ...attrs, value: value ?? "" }), path, commit);
}

export function textArea(path, value, commit, attrs = {}) {
  const area = typed(h("textarea", { rows: 4, ...attrs }), path, commit);
  area.value = value ?? "";
  return area;
}

export function select(path, options, current, commit, attrs = {}) {
  const known = options.some(([v]) => v === current);
  const all = known || current === undefined || current === null ? options : [...options, [current, current === "" ? "—" : `${current} (not found)`]];
  const el = h("select", { ...attrs, "data-path": path, onchange: (e) => commit(all[e.target.selectedIndex][0]) },
    all.map(([v, text]) => h("option", { value: String(v), text })));
  el.selectedIndex = Math.max(0, all.findIndex(([v]) => v === current));
  return el;
}

// A template text with a picker that inserts a variable at the caret.
export function templateField(title, path, value, commit, variables, { multiline, description }) {
  const box = multiline ? textArea(path, value, commit) : textInput(path, value, commit);
  const picker = h("select", { "aria-label": "Insert a variable", "data-path": `${path}#variables`, onchange: (e) => {
    if (!e.target.value) return;
    const at = box.selectionStart ?? box.value.length;
    box.value = `${box.value.slice(0, at)}{{ ${e.target.value} }}${box.value.slice(box.selectionEnd ?? at)}`;
    e.target.value = "";
    commit(box.value);
  } }, h("option", { value: "", text: "Insert variable…" }), ...variables.map((v) => h("option", { value: v, text: v })));
  return labelled(title, box, description, picker);
}

export function duration(title, path, value, commit, description) {
  const match = /^P(?:T)?(\d+)([MHDWS])$/.exec(value ?? "");
  const isTime = (value ?? "").includes("T");
  const unitIndex = match ? UNITS.findIndex(([u, , t]) => u === match[2] && (t === "T") === isTime) : 2;
  const amount = h("input", { type: "number", min: 0, value: match ? match[1] : "", "data-path": path });
  const unit = h("select", { "aria-label": `${title} unit`, "data-path": `${path}#unit` },
    UNITS.map(([, name], i) => h("option", { value: i, text: name, selected: i === unitIndex })));
  const current = (typing) => {
    if (amount.value === "") return commit("", typing);
    const [u, , t] = UNITS[Number(unit.value)];
    commit(`P${t}${Math.max(0, Math.floor(Number(amount.value)))}${u}`, typing);
  };
  amount.addEventListener("input", () => current(true));
  unit.addEventListener("change", () => current(false));
  return labelled(title, amount, description ?? (value && !match ? `currently ${value}` : null), unit);
}

// Pick any of `options` ([value, text]); values held but not offered stay listed, so nothing is dropped unseen.
export function checkList(title, path, options, value, edit, description) {
  const held = Array.isArray(value) ? value : [];
  const all = [...options, ...held.filter((v) => !options.some(([o]) => o === v)).map((v) => [v, v])];
  return h("fieldset", { class: "field checks" }, h("legend", { text: title }), ...all.map(([v, text]) => {
    const id = newId();
    return h("span", { class: "day" }, h("input", { type: "checkbox", id, checked: held.includes(v), "data-path": `${path}.${v}`,
      onchange: (e) => edit((now) => { const rest = (now ?? []).filter((d) => d !== v); return e.target.checked ? [...rest, v] : rest; }) }),
    h("label", { for: id, text }));
  }), description ? h("small", { class: "muted", text: description }) : null);
}

// Short names as one comma-separated text.
export function namesInput(path, value, commit) {
  const el = h("input", { type: "text", value: (value ?? []).join(", "), placeholder: "comma, separated" });
  return typed(el, path, (text, typing) => commit(text.split(",").map((v) => v.trim()).filter(Boolean), typing));
}

// Name -> value pairs, each row editable in place; typing into the last, empty row adds a pair (and a new empty row).
// Every edit starts from the pairs as they are now (`edit` hands them over), as rows typed into are not rebuilt.
export function keyValues(title, path, value, edit, names = []) {
  let last = Object.keys(value ?? {}).length; // the index of the empty row at the end
  const list = h("datalist", { id: newId() }, names.map((n) => h("option", { value: n })));
  const write = (i, part, text, el) => edit((now) => {
    const rows = Object.entries(now ?? {});
    if (i >= rows.length) rows.push(["", ""]);
    const taken = part === 0 && rows.some(([other], j) => j !== i && other === text);
    el.setCustomValidity(taken ? `${text} is already set above` : "");
    if (!taken) rows[i][part] = text;
    return Object.fromEntries(rows);
  }, true);
  const row = (i, [k, v]) => {
    const key = h("input", { type: "text", value: k, "aria-label": `${title} name`, list: list.id, placeholder: "name", "data-path": `${path}.${i}.name` });
    const val = h("input", { type: "text", value: v ?? "", "aria-label": `${title} value`, placeholder: "value or {{ template }}", "data-path": `${path}.${i}.value` });
    const typedIn = (part, el) => () => {
      write(i, part, el.value, el);
      if (i === last) fieldset.append(row(last += 1, ["", ""]));
    };
    key.addEventListener("input", typedIn(0, key));
    val.addEventListener("input", typedIn(1, val));
    return h("div", { class: "kv" }, key, val, i < last
      ? h("button", { type: "button", text: "Remove", "aria-label": `Remove ${k}`, onclick: () => edit((now) => Object.fromEntries(Object.entries(now ?? {}).filter((_, j) => j !== i))) })
      : null);
  };
  const fieldset = h("fieldset", { class: "field" }, h("legend", { text: title }), list,
    ...Object.entries(value ?? {}).map((e, i) => row(i, e)));
  fieldset.append(row(last, ["", ""]));
  return fieldset;
}
