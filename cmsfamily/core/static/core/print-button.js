/* A button with data-print prints the page (no inline handler: the Content-Security-Policy
   refuses them). */
document.addEventListener("click", function (event) {
  "use strict";
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});
