// "Print" buttons (data-print): shown only when this script runs, since printing needs it.
(() => {
  "use strict";
  if (typeof window.print !== "function") return;
  for (const button of document.querySelectorAll("button[data-print]")) {
    button.addEventListener("click", () => window.print());
    button.hidden = false;
  }
})();
