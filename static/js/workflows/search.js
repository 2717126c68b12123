// The workflows list narrows as the person types: a row stays when every typed word is in its text (name,
// description, trigger type, step text: the same text the server searches with ?q=, in data-search).
const box = document.getElementById("wf-search");
const rows = [...document.querySelectorAll("tr[data-workflow-id]")];
const none = document.querySelector("tr.wf-none");

function narrow() {
  const words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const row of rows) {
    row.hidden = !words.every((word) => row.dataset.search.includes(word));
    if (!row.hidden) shown += 1;
  }
  none.hidden = shown > 0;
  if (!shown && rows.length) none.firstElementChild.textContent = `No workflows match “${box.value.trim()}”.`;
}

box.addEventListener("input", narrow);
