/* Type-ahead for a long picker (progressive enhancement): a text box above each
   <select data-portal-filter> hides the options whose text does not contain what is typed.
   Without JavaScript the select works as it is. A module file, for the Content-Security-Policy. */
for (const select of document.querySelectorAll("select[data-portal-filter]")) {
  const id = `${select.id}-filter`;
  const group = document.createElement("div");
  group.className = "nhsuk-form-group nhsuk-u-margin-bottom-2";
  const label = document.createElement("label");
  label.className = "nhsuk-label";
  label.htmlFor = id;
  label.textContent = `Search the ${select.dataset.portalFilter} (type part of a name)`;
  const input = document.createElement("input");
  input.className = "nhsuk-input nhsuk-input--width-20";
  input.id = id;
  input.type = "search";
  input.autocomplete = "off";
  input.setAttribute("aria-controls", select.id);
  const status = document.createElement("div");
  status.className = "nhsuk-hint nhsuk-u-margin-bottom-0";
  status.setAttribute("aria-live", "polite");
  group.append(label, input, status);
  select.before(group);
  input.addEventListener("input", () => {
    const words = input.value.trim().toLowerCase();
    let shown = 0;
    let first = null;
    for (const option of select.options) {
      if (!option.value) continue;
      const match = !words || option.text.toLowerCase().includes(words);
      option.hidden = !match;
      if (match) { shown += 1; first = first || option; }
    }
    for (const optgroup of select.querySelectorAll("optgroup")) {
      optgroup.hidden = ![...optgroup.children].some((option) => !option.hidden);
    }
    status.textContent = words ? `${shown} matching` : "";
    if (words && first && select.selectedOptions[0]?.hidden) select.value = first.value;
  });
}
