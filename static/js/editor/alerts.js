// "When a run fails" in the workflow settings panel: who is told, how, how often, and the error workflow.
// Kept in settings.on_failure, which is only written once something here is changed.
import { api } from "../lib/api.js";
import { h } from "../lib/dom.js";
import { catalog } from "./catalog.js";
import { checkList, labelled, select } from "./widgets.js";

const DEFAULTS = { owner: true, users: [], roles: [], in_app: true, email: true, mode: "each", error_workflow: null };

export function failureSection(ins, settings, write) {
  const now = () => ({ ...DEFAULTS, ...(settings().on_failure ?? {}) });
  const put = (key) => (value) => write({ ...now(), [key]: value });
  const tick = (key, title) => {
    const box = h("input", { type: "checkbox", checked: !!now()[key], "data-path": `meta.on_failure.${key}`,
      onchange: (e) => put(key)(e.target.checked) });
    return labelled(title, box);
  };
  const current = now().error_workflow;
  const picker = select("meta.on_failure.error_workflow", [["", "None"]], current ?? "", (v) => put("error_workflow")(v === "" ? null : Number(v)));
  api("GET", "/api/workflows?error_workflows=true").then(({ data }) => {
    const options = [["", "None"], ...data.map((w) => [w.id, `${w.name} (#${w.id})`])];
    picker.replaceWith(Object.assign(select("meta.on_failure.error_workflow", options, current ?? "",
      (v) => put("error_workflow")(v === "" ? null : Number(v))), { id: picker.id }));
  }).catch(() => {}); // the picker keeps what is set; saving still checks it
  return h("section", { class: "alerts", "data-section": "on-failure" }, h("h3", { text: "When a run fails" }),
    tick("owner", "Tell the owner"),
    checkList("Tell these users", "meta.on_failure.users", ins.context.users.map((u) => [u.username, u.username]),
      now().users, (edit) => put("users")(edit(now().users))),
    checkList("Tell everyone with the role", "meta.on_failure.roles", catalog.roles.map((r) => [r, r]), now().roles,
      (edit) => put("roles")(edit(now().roles))),
    tick("in_app", "In the app"),
    tick("email", "By email"),
    labelled("How often", select("meta.on_failure.mode", [["each", "One message per failure"], ["digest", "A daily digest"]],
      now().mode, put("mode")), "A digest goes out once a day, at the hour the administrator set (ALERT_DIGEST_AT)"),
    labelled("Error workflow", picker, "A workflow with a manual trigger, started with the failed run's data as its payload"));
}
