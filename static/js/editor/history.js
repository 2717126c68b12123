// Version history: the published versions, newest first, each with Restore (copies it into the draft).
import { api } from "../lib/api.js";
import { h } from "../lib/dom.js";

export class History {
  constructor({ workflowId, onRestored, say }) {
    Object.assign(this, { workflowId, onRestored, say });
    this.list = h("ul", { class: "versions" });
    this.el = h("section", { class: "dock-panel", "aria-label": "Version history" }, h("h3", { text: "Versions" }), this.list);
  }

  async load() {
    const { data } = await api("GET", `/api/workflows/${this.workflowId}/versions`);
    this.list.replaceChildren(...(data.length ? data.map((v) => h("li", { "data-version": v.number },
      h("strong", { text: `Version ${v.number}` }),
      ` ${new Date(v.published_at).toLocaleString()}${v.published_by ? ` by ${v.published_by}` : ""} `,
      h("button", { type: "button", text: "Restore", "aria-label": `Restore version ${v.number}`, onclick: () => this.restore(v.number) })))
      : [h("li", { class: "muted", text: "Nothing published yet." })]));
  }

  async restore(number) {
    try {
      const { data, etag } = await api("POST", `/api/workflows/${this.workflowId}/versions/${number}/restore`);
      this.onRestored(data, etag);
      this.say(`Version ${number} restored into the draft. Undo brings back what you had.`);
    } catch (error) { this.say(`Not restored: ${error.message}`, "error"); }
  }
}
