// One line under a node's label that says what it is set to do.
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
export function autoLabel(node) {
  const c = node.config ?? {};
  if (node.type === "delay" && !c.days_field) return spokenDuration(c.duration) && `Wait ${spokenDuration(c.duration)}`;
  if (node.type === "until_time") return /^\d\d:\d\d$/.test(c.time ?? "") ? `Wait until ${c.time}` : null;
  return null;
}

export const OPERATORS = [["eq", "is"], ["ne", "is not"], ["in", "is any of"], ["not_in", "is none of"], ["contains", "contains"],
  ["not_contains", "does not contain"], ["gt", "is greater than"], ["gte", "is at least"], ["lt", "is less than"],
  ["lte", "is at most"], ["is_empty", "is empty"], ["is_not_empty", "is not empty"], ["changed", "changed"],
  ["has_tag", "has the tag"]];
export const VALUELESS = ["is_empty", "is_not_empty", "changed"];
const WORDS = Object.fromEntries(OPERATORS);
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

const EVENT_WORDS = {
  field_changed: (c) => ((c.fields ?? []).length ? `until ${c.fields.join(" or ")} changes` : "until the record changes"),
  stage_entered: (c) => `until stage ${c.stage || "?"}`,
  task_done: () => "until a task is done",
  webhook: () => "until reported by webhook",
};

export function summary(node) {
  const text = what(node), filter = node.config?.filter?.rules?.length ? ` if ${describe(node.config.filter)}` : "";
  if (node.kind === "trigger") return `${text}${filter}`;
  return node.config?.business_hours_only ? `${text} · in business hours` : text;
}

function what(node) {
  const c = node.config ?? {};
  switch (node.type) {
    case "record_created": return `when a ${c.object || "record"} is created`;
    case "record_updated": return `when a ${c.object || "record"} changes`;
    case "record_deleted": return `when a ${c.object || "record"} is deleted`;
    case "stage_entered": return `${c.object || "record"} enters ${c.stage || "?"}`;
    case "date_reached": return `${c.field || "date"} ${c.offset && c.offset !== "P0D" ? humanDuration(c.offset) : ""} at ${c.at || "?"}`;
    case "inactive_for": return `no change for ${humanDuration(c.duration)}`;
    case "schedule": return `cron ${c.cron}`;
    case "condition": return (c.rules ?? []).length ? `if ${describe({ match: c.match, rules: c.rules })}` : "no rules: always true";
    case "random_split": return Array.isArray(c.branches)
      ? `split ${c.branches.map((b) => `${b?.name || "?"} ${b?.weight ?? "?"}%`).join(" · ")}` : "split";
    case "delay": return c.days_field ? `wait ${c.days_field} days`
      : `wait ${humanDuration(c.duration)}${c.business_time ? " of business time" : ""}`;
    case "until_date": return `until ${c.field || "date"} ${c.offset && c.offset !== "P0D" ? humanDuration(c.offset) : ""}`;
    case "until_time": return `until ${c.time}${(c.days ?? []).length ? " on " + c.days.join(", ") : ""}`;
    case "wait_event": return `${EVENT_WORDS[c.event]?.(c) ?? "wait for ?"}, up to ${humanDuration(c.timeout)}`;
    case "human_task": return `ask: ${c.title || "?"}`;
    case "send_email": return `email to ${c.to || "?"}`;
    case "send_sms": return `SMS to ${c.to || "?"}`;
    case "send_whatsapp": return `WhatsApp to ${c.to || "?"}`;
    case "create_task": return `task: ${c.title || "?"}`;
    case "update_record": return "update " + [...Object.keys(c.fields ?? {}), c.stage && "stage", c.owner && "owner",
      (c.add_tags ?? []).length && "tags"].filter(Boolean).join(", ");
    case "rotate_owner": return `${c.field ? c.field : "owner"}: next of ${c.role ? `role ${c.role}` : (c.users ?? []).join(", ") || "?"}`
      + (c.only_available ? " (available)" : "");
    case "notify_user": return `notify ${c.user || c.role || (c.owner ? "owner" : "?")}`;
    case "webhook": return node.kind === "action" ? `${c.method || "POST"} ${c.url || "?"}` : "when the hook is called";
    default: return "";
  }
}

const PORT_LABELS = { true: "Yes", false: "No", next: "", error: "Error", timeout: "Timeout" };

// What a port is called under its step ("" for none); a human task's outcomes are user text, so only own keys count.
export const portLabel = (port) => (Object.hasOwn(PORT_LABELS, port) ? PORT_LABELS[port] : port);
