// One line under a node's label that says what it is set to do, and conditions in words.
import { catalog } from "./catalog.js";

const UNITS = { Y: "year", M: "month", W: "week", D: "day", H: "h", S: "s" };

export function humanDuration(text) {
  const match = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text ?? "");
  if (!match) return text || "?";
  const [, minus, y, mo, w, d, hh, mm, ss] = match;
  const parts = [[y, "Y"], [mo, "M"], [w, "W"], [d, "D"], [hh, "H"], [mm, "min"], [ss, "S"]]
    .filter(([n]) => n)
    .map(([n, unit]) => (unit === "min" ? `${n} min` : `${n} ${UNITS[unit]}${Number(n) > 1 && unit.length === 1 && "YMWD".includes(unit) ? "s" : ""}`));
  return `${minus ? "-" : ""}${parts.join(" ") || "0"}`;
}

// A duration in words: "PT5M" -> "5 minutes", "P1DT2H" -> "1 day 2 hours"; null when it is not a duration.
export function spokenDuration(text) {
  const match = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(text ?? "");
  if (!match || !match.slice(1).some(Boolean)) return null;
  const names = ["year", "month", "week", "day", "hour", "minute", "second"];
  return match.slice(1).map((n, i) => n && `${n} ${names[i]}${Number(n) === 1 ? "" : "s"}`).filter(Boolean).join(" ");
}

// The label a step takes from its settings while nobody has named it by hand; null where its type has none.
export const autoLabel = (node) =>
  render(catalog.types.get(`${node.kind}/${node.type}`)?.auto_label, node.config ?? {}, false) || null;

const WORDS = Object.fromEntries(catalog.operators.map((o) => [o.op, o.words]));
export const OPERATORS = catalog.operators.map((o) => [o.op, o.words]);
export const VALUELESS = catalog.operators.filter((o) => o.valueless).map((o) => o.op);
const isGroup = (rule) => rule && typeof rule === "object" && Array.isArray(rule.rules);
const show = (v) => (typeof v === "string" ? `"${v}"` : String(v));

// The group in words: "stage is any of "won", "lost" and (owner is not "maria" or amount is greater than 10000)".
export function describe(group, nested = false) {
  const rules = group?.rules ?? [];
  if (!rules.length) return "always";
  const parts = rules.map((r) => (isGroup(r) ? describe(r, true) : describeRule(r)));
  const text = parts.join(group.match === "any" ? " or " : " and ");
  return nested && parts.length > 1 ? `(${text})` : text;
}

function describeRule(rule) {
  if (rule.op === "has_tag") return `has the tag ${show(rule.value ?? "")}`;
  if (VALUELESS.includes(rule.op)) return `${rule.field} ${WORDS[rule.op] ?? rule.op}`;
  const value = Array.isArray(rule.value) ? rule.value.map(show).join(", ") || "(nothing)" : show(rule.value ?? "");
  return `${rule.field} ${WORDS[rule.op] ?? rule.op} ${value}`;
}

// The node's summary from its type's templates; the twin of builder/summaries.py (docs/NODE_TYPES.md says how
// templates read): {name}, {name:filter}, {name|word}, {!name}, and [...] around a part shown only when its values are set.
const PART = /\[([^\]]*)\]|\{([^}]*)\}/g;
const FILTERS = {
  duration: (v) => (v ? humanDuration(v) : null),
  spoken: (v) => spokenDuration(v),
  clock: (v) => (/^\d\d:\d\d$/.test(v ?? "") ? v : null),
  offset: (v) => (v && v !== "P0D" ? humanDuration(v) : null),
  rules: (v, c) => (Array.isArray(v) && v.length ? describe({ match: c.match ?? "all", rules: v }) : null),
  condition: (v) => (v && typeof v === "object" && v.rules?.length ? describe(v) : null),
  weights: (v) => (Array.isArray(v) && v.length ? v.map((b) => `${b?.name || "?"} ${b?.weight ?? "?"}%`).join(" · ") : null),
  waited: (v, c) => (WAITED[v] ? render([WAITED[v]], { ...c, fields: (c.fields ?? []).join(" or ") || null }) : null),
};
const WAITED = { field_changed: "until {fields|the record} changes", stage_entered: "until stage {stage|?}",
  task_done: "until a task is done", webhook: "until reported by webhook" };

function plain(v) {
  if (v === undefined || v === null || v === false || v === "") return null;
  if (v === true) return "";
  if (Array.isArray(v)) return v.length ? v.map(String).join(", ") : null;
  if (typeof v === "object") return Object.keys(v).length ? Object.keys(v).join(", ") : null;
  return String(v);
}

function value(placeholder, config) {
  const [spec, ...word] = placeholder.split("|"), [name, filter] = spec.split(":");
  if (spec.startsWith("!")) return plain(config[spec.slice(1)]) === null ? "" : null;
  const text = (FILTERS[filter] ?? plain)(config[name], config);
  return text ?? (word.join("|") || null);
}

const placeholders = (text) => [...text.matchAll(PART)].filter((m) => m[2] !== undefined).map((m) => m[2]);

// A step ticked to run only within business hours says so after its summary.
export function summary(node, type) {
  const text = render(type?.summary, node.config ?? {});
  return text && node.config?.business_hours_only === true ? `${text} · in business hours` : text;
}

function render(templates = [], config = {}, lastResort = true) {
  const chosen = templates.find((t) => placeholders(t).every((p) => value(p, config) !== null)) ?? (lastResort ? templates.at(-1) : null);
  if (!chosen) return "";
  return chosen.replace(PART, (_, optional, placeholder) => {
    if (placeholder !== undefined) return value(placeholder, config) ?? "?";
    if (placeholders(optional).some((p) => value(p, config) === null)) return "";
    return optional.replace(PART, (__, ___, inner) => value(inner, config));
  });
}

const PORT_LABELS = { true: "Yes", false: "No", next: "", error: "Error", timeout: "Timeout" };

// What a port is called under its step ("" for none); a human task's outcomes are user text, so only own keys count.
export const portLabel = (port) => (Object.hasOwn(PORT_LABELS, port) ? PORT_LABELS[port] : port);
