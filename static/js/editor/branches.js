// A random split's branches: one row per branch (name, weight in percent, Remove) and Add branch. The total is
// shown as it is typed; renaming a branch takes its connections along (they leave the port of that name).
import { h } from "../lib/dom.js";
import { commands } from "./model.js";

const MIN = 2, MAX = 5;

// `weights` shared out evenly, the first ones taking what does not divide: 3 branches -> 34, 33, 33.
const even = (count) => Array.from({ length: count }, (_, i) => Math.floor(100 / count) + (i < 100 % count ? 1 : 0));

export function branchesEditor(inspector, node, title, description) {
  const list = () => (Array.isArray(node.config.branches) ? node.config.branches : []);
  const set = (after, typing, what, renamed) => inspector.write(commands.setBranches(inspector.model.graph, node,
    structuredClone(list()), after, renamed, inspector.coalesce(typing, `${node.id}.branches.${what}`)), typing);
  const total = h("p", { class: "branch-total", "data-branch-total": "" });
  const showTotal = () => {
    const sum = list().reduce((acc, b) => acc + (Number(b?.weight) || 0), 0);
    total.textContent = sum === 100 ? "Total: 100%" : `Total: ${sum}% — the weights must add up to 100`;
    total.classList.toggle("warn", sum !== 100);
  };
  const resized = (branches) => branches.map((b, i) => ({ ...b, weight: even(branches.length)[i] }));
  const row = (branch, i) => {
    const name = h("input", { type: "text", value: branch?.name ?? "", "aria-label": `Branch ${i + 1} name`,
      "data-path": `config.branches.${i}.name` });
    const weight = h("input", { type: "number", min: 1, max: 99, value: branch?.weight ?? "", class: "weight",
      "aria-label": `Branch ${i + 1} weight`, "data-path": `config.branches.${i}.weight` });
    let wired = branch?.name; // the port this branch's connections leave from; a cleared name leaves them there
    name.addEventListener("input", () => {
      const after = structuredClone(list());
      after[i] = { ...after[i], name: name.value };
      const free = name.value && !after.some((b, j) => j !== i && b?.name === name.value);
      set(after, true, `${i}.name`, free && wired ? { from: wired, to: name.value } : null);
      if (free) wired = name.value;
    });
    weight.addEventListener("input", () => {
      const after = structuredClone(list());
      after[i] = { ...after[i], weight: weight.value === "" ? 0 : Math.floor(Number(weight.value)) };
      set(after, true, `${i}.weight`);
      showTotal();
    });
    const remove = h("button", { type: "button", text: "Remove", "aria-label": `Remove branch ${branch?.name ?? i + 1}`,
      disabled: list().length <= MIN, onclick: () => set(resized(list().filter((_, j) => j !== i)), false, "remove") });
    return h("div", { class: "branch", "data-branch": String(i) }, name, weight, h("span", { text: "%" }), remove);
  };
  const add = h("button", { type: "button", text: "Add branch", disabled: list().length >= MAX, onclick: () => {
    const names = new Set(list().map((b) => b?.name));
    const name = [..."ABCDEFGHIJ"].find((letter) => !names.has(letter));
    set(resized([...list(), { name, weight: 0 }]), false, "add");
  } });
  showTotal();
  return h("fieldset", { class: "field branches" }, h("legend", { text: title }), ...list().map(row), total, add,
    description ? h("small", { class: "muted", text: `${description}. Adding or removing a branch shares the weights out evenly.` }) : null);
}
