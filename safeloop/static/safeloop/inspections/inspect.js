/* The checklist on the QR point hub: location (never required), photo tiles, "all pass",
   live range hints, a failed item's photo and note, one submission at a time.
   Works without it: the form is plain HTML. */
(function () {
  "use strict";

  function gps(form) {
    var status = form.querySelector("[data-gps-status]");
    var lat = form.querySelector("input[name=latitude]");
    var lng = form.querySelector("input[name=longitude]");
    var accuracy = form.querySelector("input[name=gps_accuracy_m]");
    if (!status || !lat || !("geolocation" in navigator)) return;
    function say(state, text) { status.setAttribute("data-state", state); status.textContent = text; }
    say("wait", form.getAttribute("data-msg-gps-wait"));
    var fixed = false;
    navigator.geolocation.watchPosition(function (position) {
      var c = position.coords;
      fixed = true;
      lat.value = c.latitude.toFixed(6);
      lng.value = c.longitude.toFixed(6);
      if (accuracy) accuracy.value = Math.round(c.accuracy);
      say("on", form.getAttribute("data-msg-gps-on") + " (±" + Math.round(c.accuracy) + " m)");
    }, function () {
      if (!fixed) say("off", form.getAttribute("data-msg-gps-off"));
    }, { enableHighAccuracy: true, maximumAge: 30000, timeout: 20000 });
  }

  // The camera tiles: preview, × and a smaller JPEG, as on the hazard report (report.js).
  function photos(form) {
    if (window.SafeLoop && window.SafeLoop.photoSlots) window.SafeLoop.photoSlots.setupPlainForm(form);
  }

  function itemOf(node) { return node.closest("[data-item]"); }

  // A failed item opens its finding (photo and note); a passed one folds it away.
  function showFinding(item, failed) {
    var finding = item.querySelector("[data-finding]");
    if (!finding) return;
    item.classList.toggle("is-failed", failed);
    finding.hidden = !failed;
    if (failed) finding.open = true;
  }

  function findings(form) {
    form.querySelectorAll("[data-item]").forEach(function (item) {
      var checked = item.querySelector("input[type=radio]:checked");
      var note = item.querySelector("[data-finding] textarea");
      var failed = !!(checked && checked.hasAttribute("data-fails")) || !!(note && note.value.trim());
      if (!item.querySelector("input[type=number][data-min], input[type=number][data-max]")) {
        showFinding(item, failed);
      }
    });
    form.addEventListener("change", function (event) {
      var input = event.target;
      if (input.type !== "radio") return;
      var item = itemOf(input);
      if (item) showFinding(item, input.hasAttribute("data-fails"));
    });
  }

  // Numbers: out of range is said while typing, not after submitting.
  function ranges(form) {
    form.querySelectorAll("input[type=number][data-min], input[type=number][data-max]").forEach(function (input) {
      var item = itemOf(input);
      var hint = item.querySelector("[data-range]");
      var state = item.querySelector("[data-range-state]");
      var min = input.hasAttribute("data-min") ? Number(input.getAttribute("data-min")) : null;
      var max = input.hasAttribute("data-max") ? Number(input.getAttribute("data-max")) : null;
      function check() {
        var text = input.value.trim();
        var value = Number(text);
        var known = text !== "" && isFinite(value);
        var out = known && ((min !== null && value < min) || (max !== null && value > max));
        hint.classList.toggle("is-out", out);
        hint.classList.toggle("is-in", known && !out);
        input.setAttribute("aria-invalid", out ? "true" : "false");
        state.textContent = !known ? "" : hint.getAttribute(out ? "data-msg-out" : "data-msg-in");
        showFinding(item, out);
      }
      input.addEventListener("input", check);
      check();
    });
  }

  // "All pass": one tap for the unanswered pass/fail items, then the exceptions by hand.
  function allPass(form) {
    var bar = form.querySelector("[data-all-pass-bar]");
    var button = form.querySelector("[data-all-pass]");
    if (!bar || !button) return;
    bar.hidden = false;
    button.addEventListener("click", function () {
      form.querySelectorAll(".in-passfail").forEach(function (group) {
        if (group.querySelector("input:checked")) return;
        var pass = group.querySelector("input[value=pass]");
        pass.checked = true;
        showFinding(itemOf(pass), false);
      });
    });
  }

  function once(form) {
    form.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;  // still making the photos smaller
      var button = form.querySelector("[data-submit]");
      window.setTimeout(function () {
        if (button) { button.disabled = true; button.textContent = form.getAttribute("data-msg-sending"); }
      }, 0);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("[data-checklist-form]");
    if (!form) return;
    gps(form);
    photos(form);
    findings(form);
    ranges(form);
    allPass(form);
    once(form);
  });
})();
