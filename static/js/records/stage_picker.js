// A record form's Stage list shows only the stages of the chosen Pipeline.
for (const picker of document.querySelectorAll("select[data-stage-picker]")) {
  const stage = document.getElementById(picker.dataset.stagePicker);
  picker.addEventListener("change", () => {
    for (const group of stage.querySelectorAll("optgroup")) {
      const chosen = group.dataset.pipeline === picker.value;
      group.hidden = group.disabled = !chosen;
      if (chosen) stage.value = group.querySelector("option")?.value ?? "";
    }
  });
}
