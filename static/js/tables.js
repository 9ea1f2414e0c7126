// A table wider than the screen scrolls inside its own box (see app.css); such a box must be
// reachable by keyboard, so it gets a tab stop while, and only while, it scrolls.
// A static file, so that the Content-Security-Policy keeps allowing no inline script.
(function () {
  function mark() {
    document.querySelectorAll("table.data").forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) {
        table.setAttribute("tabindex", "0");
      } else if (table.getAttribute("tabindex") === "0") {
        table.removeAttribute("tabindex");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", mark);
  } else {
    mark();
  }
  window.addEventListener("resize", mark);
})();
