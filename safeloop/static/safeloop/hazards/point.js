/* The QR point hub's switch between the hazard report and the checklist. Without
 * it the tabs are links (?mode=) and the server shows the chosen form; with it the
 * swap is instant and keeps whatever was already filled in on either side. */
(function () {
  "use strict";

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    var nav = document.querySelector("[data-point-switch]");
    if (!nav) return;
    var tabs = nav.querySelectorAll("[data-mode]");

    function show(mode, focus) {
      each(tabs, function (tab) {
        var on = tab.getAttribute("data-mode") === mode;
        tab.setAttribute("aria-selected", on ? "true" : "false");
        if (on) tab.removeAttribute("tabindex");
        else tab.setAttribute("tabindex", "-1");
        if (on && focus) tab.focus();
      });
      // A hidden form's camera slots can't be tapped: photos land where the eye is.
      each(document.querySelectorAll("[data-point-pane]"), function (pane) {
        pane.hidden = pane.getAttribute("data-point-pane") !== mode;
      });
      // A reload (or the way back from the result) shows the same form.
      if (window.URL && window.history && history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.set("mode", mode);
        history.replaceState(history.state, "", url.toString());
      }
    }

    nav.addEventListener("click", function (event) {
      var tab = event.target.closest("[data-mode]");
      if (!tab || event.metaKey || event.ctrlKey || event.shiftKey) return;
      event.preventDefault();
      show(tab.getAttribute("data-mode"), false);
    });
    // Arrow keys move between tabs, as in any tab list.
    nav.addEventListener("keydown", function (event) {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      var list = Array.prototype.slice.call(tabs);
      var now = list.indexOf(document.activeElement);
      if (now === -1) return;
      event.preventDefault();
      var next = list[(now + (event.key === "ArrowRight" ? 1 : list.length - 1)) % list.length];
      show(next.getAttribute("data-mode"), true);
    });
  });
})();
