// The side form: the selected step's settings, rendered from its type's JSON Schema, or the workflow's own settings
// when no step is selected. What is typed is in the model at once (one undo step per visit to a field), so Save,
// Publish, a click elsewhere or leaving the page never meet text the model does not have.
import { api } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { catalog } from "./catalog.js";
import { commands } from "./model.js";
import { branchesEditor } from "./branches.js";
import { RuleEditor } from "./rules.js";
import { settingsPanel } from "./settings.js";
import { checkList, duration, keyValues, labelled, namesInput, select, templateField, textInput } from "./widgets.js";

const VARIABLES = ["record.owner.name", "record.owner.email", "record.stage", "record.tags", "workflow.name", "now"];
const ROLES = [["", "—"], ...catalog.roles.map((r) => [r, r])];

export class Inspector {
  constructor(el, model, context) {
    Object.assign(this, { el, model, context }); // context: {objects: Map name -> object, users}
    this.nodeId = null;
    this.session = 0; // a new visit to a field starts a new undo step
    this.tagsOf = new Map(); // object -> the tags on its records, fetched once per page
    el.addEventListener("focusin", () => { this.session += 1; });
    model.onChange(() => { if (!this.quiet) this.render(); });
  }

  show(nodeId) { this.nodeId = nodeId; this.render(); }

  render() {
    const node = this.nodeId && this.model.node(this.nodeId);
    const shown = node ? node.id : "workflow";
    const active = this.el.contains(document.activeElement) && this.shown === shown ? document.activeElement : null;
    const keep = active?.dataset.path && { path: active.dataset.path, start: active.selectionStart, end: active.selectionEnd };
    this.el.replaceChildren(...(node ? this.nodeForm(node) : settingsPanel(this)));
    this.shown = shown;
    const again = keep && this.el.querySelector(`[data-path="${CSS.escape(keep.path)}"]`);
    if (again) { // the same control, rebuilt: focus and caret stay where they were
      again.focus();
      try { again.setSelectionRange(keep.start, keep.end); } catch { /* not a text control */ }
    }
  }

  nodeForm(node) {
    const type = this.model.typeOf(node), props = type?.config_schema?.properties ?? {};
    const label = labelled("Label", textInput("label", node.label, (v, typing) => {
      if (v !== node.label) this.write(commands.setLabel(node, node.label, v, this.coalesce(typing, `${node.id}.label`)), typing);
    }));
    // A record-owner flag beside a user (notify_user) is one "Who" picker with them, and the role if there is one.
    const who = props.owner?.type === "boolean" && props.user ? ["user", "role", "owner"].filter((k) => props[k]) : [];
    // A setting that only matters for some values of another (x-when) is shown only then.
    const shown = ([, schema]) => Object.entries(schema["x-when"] ?? {}).every(([k, values]) => values.includes(node.config[k]));
    const controls = Object.entries(props).filter(shown).filter(([key]) => !who.includes(key) || key === "user")
      .map(([key, schema]) => (key === "user" && who.length ? this.recipient(node, who, props) : this.control(node, key, schema)));
    return [h("h2", { text: type?.label ?? node.type }), h("p", { class: "muted", text: type?.help ?? "" }), label, ...controls];
  }

  // Every change goes through the command stack; typing does not rebuild the form under the caret.
  write(command, typing) {
    this.quiet = !!typing;
    try { this.model.execute(command); } finally { this.quiet = false; }
  }

  coalesce(typing, what) { return typing ? `${what}#${this.session}` : undefined; }

  setter(node, key) {
    return (value, typing) => {
      const before = node.config[key];
      if (JSON.stringify(before) === JSON.stringify(value)) return;
      this.write(commands.setConfig(node, key, before, value, this.coalesce(typing, `${node.id}.${key}`)), typing);
    };
  }

  // `fn` gets a copy of the value as it is now and changes it in place, or returns the new value.
  editor(read, set) {
    return (fn, typing) => { const copy = structuredClone(read()); const out = fn(copy); set(out === undefined ? copy : out, typing); };
  }

  fieldsOf(object) { return Object.keys(this.context.objects.get(object)?.fields ?? {}); }
  triggerObject() { return this.model.trigger()?.config?.object; }
  timezone() { return this.model.meta.timezone || "UTC"; }
  users(...first) { return [...first, ...this.context.users.map((u) => [u.username, u.username])]; }

  // The stages of the node's chosen pipeline, or of every pipeline when it names none.
  stages(pipeline) {
    const pipelines = this.context.objects.get(this.triggerObject())?.pipelines ?? {};
    return pipeline && pipelines[pipeline] ? pipelines[pipeline] : [...new Set(Object.values(pipelines).flat())];
  }

  // The tags on the object's records; the form is drawn again when they arrive (focus and caret are kept).
  recordTags(object) {
    if (!object) return [];
    if (!this.tagsOf.has(object)) {
      this.tagsOf.set(object, []);
      api("GET", `/api/objects/${encodeURIComponent(object)}/tags`).then(({ data }) => {
        this.tagsOf.set(object, data.tags);
        if (data.tags.length) this.render();
      }, () => { /* no suggestions then: tags can still be typed */ });
    }
    return this.tagsOf.get(object);
  }

  ruleEnv() {
    const tags = new Set(this.recordTags(this.triggerObject()));
    for (const n of this.model.graph.nodes) [...(n.config?.add_tags ?? []), ...(n.config?.remove_tags ?? [])].forEach((t) => tags.add(t));
    const fields = this.context.objects.get(this.triggerObject())?.fields ?? {};
    const trigger = this.model.trigger(), changed = trigger && this.model.typeOf(trigger)?.event === "updated";
    const changes = changed // the value before and after the change that started the run
      ? Object.keys(fields).flatMap((f) => [`trigger.changes.${f}.old`, `trigger.changes.${f}.new`]) : [];
    return { fields, stages: this.stages(), users: this.context.users, tags: [...tags].sort(), changes };
  }

  rules(title, path, group, edit, options) { return new RuleEditor(this.ruleEnv(), edit).render(title, group, path, options); }

  control(node, key, schema) {
    const value = node.config[key], title = schema.title ?? key, widget = schema["x-widget"] ?? schema.format;
    const set = this.setter(node, key), edit = this.editor(() => node.config[key], set), path = `config.${key}`;
    const pick = (options) => labelled(title, select(path, options, value, set), schema.description);
    if (schema.enum) return pick(schema.enum.map((v) => [v, v]));
    if (schema.type === "boolean") return labelled(title, h("input", { type: "checkbox", checked: !!value, "data-path": path,
      onchange: (e) => set(e.target.checked) }), schema.description);
    const zone = `In ${this.timezone()} (the workflow's time zone)`;
    switch (widget) {
      case "template-multiline": case "template":
        return templateField(title, path, value, set, [...this.fieldsOf(this.triggerObject()).map((f) => `record.fields.${f}`), ...VARIABLES],
          { multiline: widget === "template-multiline", description: schema.description });
      case "duration": return duration(title, path, value, set, schema.description);
      case "time": return labelled(title, textInput(path, value, set, { type: "time" }), zone);
      case "cron": return labelled(title, textInput(path, value, set), `${schema.description ?? ""} · ${zone}`);
      case "weekdays": return checkList(title, path, (schema.items?.enum ?? []).map((d) => [d, d]), value, edit, schema.description);
      case "fields": return checkList(title, path, ["stage", ...this.fieldsOf(this.triggerObject())].map((f) => [f, f]), value, edit, schema.description);
      case "users": return checkList(title, path, this.context.users.map((u) => [u.username, u.username]), value, edit, schema.description);
      case "stages": return checkList(title, path, this.stages().map((st) => [st, st]), value, edit, schema.description);
      case "object": return pick([["", "—"], ...[...this.context.objects.keys()].map((o) => [o, o])]);
      case "field": return pick([["", schema["x-empty-label"] ?? "—"], ...this.fieldsOf(this.triggerObject()).map((f) => [f, f])]);
      case "pipeline": return pick([["", "—"], ...Object.keys(this.context.objects.get(this.triggerObject())?.pipelines ?? {}).map((pl) => [pl, pl])]);
      case "stage": return pick([["", schema["x-empty-label"] ?? "—"], ...this.stages(node.config.pipeline).map((st) => [st, st])]);
      case "user": return pick(this.userOptions(schema));
      case "role": return pick(ROLES);
      case "assignee": return this.assignee(title, path, value ?? {}, set);
      case "condition-rules": return this.rules(title, path, { match: node.config.match ?? "all", rules: value ?? [] },
        this.editor(() => ({ match: node.config.match, rules: node.config[key] ?? [] }), (g, typing) => set(g.rules, typing)), { withMatch: false });
      case "condition-group": return this.rules(title, path, value ?? { match: "all", rules: [] },
        this.editor(() => node.config[key] ?? { match: "all", rules: [] }, (g, typing) => set(g.rules.length ? g : null, typing)));
      case "branches": return branchesEditor(this, node, title, schema.description);
      case "key-value": return keyValues(title, path, value, edit, schema["x-keys"] === "fields" ? this.fieldsOf(this.triggerObject()) : []);
      default:
        if (schema.type === "array") return labelled(title, namesInput(path, value, set), schema.description);
        return labelled(title, textInput(path, value, set), schema.description);
    }
  }

  // Who: an empty choice where the field may be empty (its default), the record's owner where the field offers it.
  userOptions(schema) {
    const empty = schema.default === "" ? [["", schema["x-empty-label"] ?? "—"]] : [];
    return this.users(...empty, ...(schema["x-record-owner"] ? [["record_owner", "Record owner"]] : []));
  }

  // One picker over the keys `who` (user, role, owner flag): picking one target clears the others. Targets stored
  // together, or a user not in the list, stay shown as they are until something else is picked.
  recipient(node, who, props) {
    const c = node.config, held = [c.owner ? "owner:" : null, c.user ? `user:${c.user}` : null, c.role ? `role:${c.role}` : null].filter(Boolean);
    const options = [["", "Choose…"], ["owner:", "Record owner"], ...this.context.users.map((u) => [`user:${u.username}`, u.username]),
      ...(who.includes("role") ? ROLES.filter(([r]) => r).map(([r]) => [`role:${r}`, `anyone with role ${r}`]) : [])];
    const text = (v) => options.find(([o]) => o === v)?.[1] ?? `${v.slice(v.indexOf(":") + 1)} (not in the list)`;
    const current = held.length > 1 ? "as-stored" : held[0] ?? "";
    if (held.length > 1) options.push(["as-stored", held.map(text).join(" and ")]);
    else if (!options.some(([o]) => o === current)) options.push([current, text(current)]);
    const pick = (v) => {
      if (v === "as-stored") return;
      const [kind, name] = v ? [v.slice(0, v.indexOf(":")), v.slice(v.indexOf(":") + 1)] : [null, ""];
      const after = Object.fromEntries(who.map((k) => [k, k === "owner" ? kind === "owner" : kind === k ? name : ""]));
      this.write(commands.setConfigs(node, after));
    };
    return labelled("Who", select("config.user", options, current, pick),
      who.includes("role") ? "The record's owner, one user, or everyone with a role" : "The record's owner or one user");
  }

  assignee(title, path, value, set) {
    const current = value.user ? `user:${value.user}` : value.role ? `role:${value.role}` : "owner:";
    const options = [["owner:", "Record owner"], ...this.context.users.map((u) => [`user:${u.username}`, u.username]),
      ...catalog.roles.map((r) => [`role:${r}`, `anyone with role ${r}`])];
    return labelled(title, select(path, options, current, (v) => {
      const [kind, name] = v.split(":");
      set(kind === "owner" ? { owner: true } : { [kind]: name });
    }));
  }
}
