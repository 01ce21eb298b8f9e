/* SafeLoop web shell: the phone menu and small form helpers. Handwritten, no dependencies. */
(function () {
  "use strict";

  function setupMenu() {
    var shell = document.querySelector("[data-shell]");
    var toggle = document.querySelector("[data-testid='menu-toggle']");
    var menu = document.getElementById("shell-menu");
    if (!shell || !toggle || !menu) return;

    function setOpen(open) {
      shell.classList.toggle("menu-open", open);
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    }

    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      setOpen(open);
      if (open) {
        var first = menu.querySelector("a, button");
        if (first) first.focus();
      }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && shell.classList.contains("menu-open")) {
        setOpen(false);
        toggle.focus();
      }
    });
    // On a wide screen the menu is always shown; forget the phone state.
    var wide = window.matchMedia("(min-width: 900px)");
    var onChange = function () { if (wide.matches) setOpen(false); };
    if (wide.addEventListener) wide.addEventListener("change", onChange);
  }

  // Area form: offer only the parents that fit the chosen kind (the server checks too).
  function setupParentChoices() {
    var selects = document.querySelectorAll("select[data-parent-for]");
    Array.prototype.forEach.call(selects, function (parent) {
      var kind = document.getElementById(parent.getAttribute("data-parent-for"));
      var kinds = JSON.parse(parent.getAttribute("data-parent-kinds") || "{}");
      if (!kind) return;

      function refresh() {
        var wanted = kinds[kind.value];
        var known = Object.prototype.hasOwnProperty.call(kinds, kind.value);
        Array.prototype.forEach.call(parent.options, function (option) {
          var fits = !option.value || !known || option.getAttribute("data-kind") === wanted;
          option.hidden = !fits;
          option.disabled = !fits;
          if (!fits && option.selected) parent.value = "";
        });
        parent.disabled = known && !wanted;
      }

      kind.addEventListener("change", refresh);
      refresh();
    });
  }

  // Wide screens have room for every filter: open the boxes that fold them on phones.
  function setupWideDetails() {
    if (!window.matchMedia("(min-width: 900px)").matches) return;
    Array.prototype.forEach.call(document.querySelectorAll("details[data-open-wide]"), function (d) {
      d.open = true;
    });
  }

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  ready(function () {
    setupMenu();
    setupParentChoices();
    setupWideDetails();
  });
})();
