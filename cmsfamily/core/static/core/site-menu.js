// The site menu is a <details> (it works without JavaScript). On a wide screen the style sheet shows
// its content whether it is open or not; browsers without ::details-content get it opened here.
// Escape closes it on a phone and gives the focus back to its button.
(function () {
  var menu = document.querySelector("details.site-menu");
  if (!menu || !window.matchMedia) return;
  var wide = window.matchMedia("(min-width: 761px)");
  function follow() {
    menu.open = wide.matches;
  }
  follow();
  wide.addEventListener("change", follow);
  menu.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open && !wide.matches) {
      menu.open = false;
      menu.querySelector("summary").focus();
    }
  });
})();
