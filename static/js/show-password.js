// "Show password" (data-show-password): a checkbox that appears only when this script runs and
// turns the password fields of its form into plain text and back. Without it they stay ordinary
// password fields.
(() => {
  "use strict";
  for (const box of document.querySelectorAll("input[data-show-password]")) {
    const form = box.closest("form");
    const label = box.closest("label");
    if (!form || !label) continue;
    const fields = [...form.querySelectorAll("input[type=password]")];
    box.addEventListener("change", () => {
      for (const field of fields) field.type = box.checked ? "text" : "password";
    });
    // Hidden again before sending, so no browser keeps the password as ordinary text.
    form.addEventListener("submit", () => {
      for (const field of fields) field.type = "password";
    });
    label.hidden = false;
  }
})();
