// Test run: walk the draft for a chosen record (nothing is sent or changed), light up the path on the canvas
// and say when each step would happen, waits fast-forwarded.
import { api } from "../lib/api.js";
import { h } from "../lib/dom.js";

const WORDS = { done: "done", skipped: "skipped", waiting: "waits", failed: "fails" };

export class TestRun {
  constructor({ workflowId, model, canvas, save, say }) {
    Object.assign(this, { workflowId, model, canvas, save, say });
    this.record = h("select", { id: "test-record" });
    this.steps = h("ol", { class: "test-steps" });
    this.el = h("section", { class: "dock-panel", "aria-label": "Test run" }, h("h3", { text: "Test run" }),
      h("div", { class: "test-form" }, h("label", { for: "test-record", text: "Record" }), this.record,
        h("button", { type: "button", text: "Run test", onclick: () => this.run() }),
        h("button", { type: "button", text: "Clear", onclick: () => this.clear() })),
      this.steps);
    model.onChange(() => {
      if (canvas.trace) this.clear(); // a changed graph makes the shown path stale
      if (this.model.trigger()?.config?.object !== this.object) {
        this.loadRecords().catch((error) => this.say(`Records not loaded: ${error.message}`, "error"));
      }
    });
  }

  async loadRecords() {
    const object = this.object = this.model.trigger()?.config?.object;
    const options = [h("option", { value: "", text: object ? "Choose a record…" : "No record (the trigger has none)" })];
    if (object) {
      const { data } = await api("GET", `/api/records/${encodeURIComponent(object)}?per_page=200`);
      options.push(...data.items.map((r) => h("option", { value: r.id,
        text: `#${r.id} ${r.fields.name ?? r.fields.title ?? r.fields.number ?? ""}`.trim() })));
    }
    this.record.replaceChildren(...options);
  }

  async run() {
    if (this.model.dirty && !(await this.save())) return;
    try {
      const { data } = await api("POST", `/api/workflows/${this.workflowId}/test`,
        { record_id: this.record.value ? Number(this.record.value) : null });
      this.show(data.path);
    } catch (error) { this.say(`Test not run: ${error.message}`, "error"); }
  }

  show(path) {
    const start = path.length ? Date.parse(path[0].at) : 0, order = new Map(path.map((p, i) => [p.node_id, i]));
    const when = (step) => ({ short: `${later(Date.parse(step.at) - start)} · ${this.clock(step.at, true)}`,
      long: `${later(Date.parse(step.at) - start)} · ${this.clock(step.at)}` });
    this.canvas.trace = {
      nodes: new Map(path.map((step) => [step.node_id, { status: step.status, when: when(step) }])),
      edges: new Set(this.model.graph.edges.filter((e) => order.has(e.source) && order.get(e.target) > order.get(e.source)).map((e) => e.id)),
    };
    this.canvas.draw();
    this.steps.replaceChildren(...path.map((step) => h("li", { "data-node-step": step.node_id, "data-status": step.status,
      onclick: () => { this.canvas.selected = new Set([step.node_id]); this.canvas.select(); } },
    h("strong", { text: this.model.node(step.node_id)?.label ?? step.node_id }), ` ${WORDS[step.status] ?? step.status} `,
    h("time", { datetime: step.at, text: when(step).long }),
    step.until ? ` until ${this.clock(step.until)}` : "", step.reason ? h("span", { class: "muted", text: ` — ${step.reason}` }) : null)));
    this.say(`Test run: ${path.length} step(s) reached; nothing was sent or changed.`);
  }

  clock(iso, short = false) { // in the workflow's time zone, where its waits count
    const parts = short ? { weekday: "short" } : { weekday: "short", day: "numeric", month: "short" };
    return new Intl.DateTimeFormat(undefined, { ...parts, hour: "2-digit", minute: "2-digit",
      timeZone: this.model.workflow.timezone || undefined }).format(new Date(iso));
  }

  clear() {
    this.canvas.trace = null;
    this.steps.replaceChildren();
    this.canvas.draw();
  }
}

// "now", "+1 d 2 h", "+10 min": how long after the trigger a step happens.
function later(ms) {
  const minutes = Math.round(ms / 60000);
  if (minutes <= 0) return "now";
  const parts = [[Math.floor(minutes / 1440), "d"], [Math.floor((minutes % 1440) / 60), "h"], [minutes % 60, "min"]];
  return `+${parts.filter(([n]) => n).map(([n, unit]) => `${n} ${unit}`).join(" ")}`;
}
