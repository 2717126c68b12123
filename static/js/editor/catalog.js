// The node catalog as the server declares it (GET /api/node-types/catalog): node types, kinds with their titles and
// colours, condition operators, roles and the node size. Loaded once, before any module that imports it runs.
import { api } from "../lib/api.js";

const { data } = await api("GET", "/api/node-types/catalog");

export const catalog = {
  list: data.types,
  types: new Map(data.types.map((t) => [`${t.kind}/${t.type}`, t])), // "kind/type" -> entry
  kinds: data.kinds,
  operators: data.operators,
  roles: data.roles,
  nodeSize: data.node_size,
};

const kindsByName = new Map(data.kinds.map((k) => [k.name, k]));
export const kindColour = (kind) => kindsByName.get(kind)?.colour ?? "#495057";

// The output ports of a node: fixed, or one per entry its config names (a human task's outcomes) then fixed ones.
export function portsOf(node, type) {
  const rule = type?.ports_from;
  if (!rule) return type?.ports ?? ["next"];
  const values = Array.isArray(node.config?.[rule.field]) ? node.config[rule.field] : [];
  const names = values.map((v) => (rule.item && v && typeof v === "object" ? v[rule.item] : v))
    .filter((name) => typeof name === "string" && name && !rule.then.includes(name));
  const named = [...new Set(names)];
  return [...(named.length ? named : rule.default), ...rule.then];
}
