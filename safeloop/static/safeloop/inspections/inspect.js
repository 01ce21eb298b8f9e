/* The checklist on the QR point hub: location (never required), photo previews,
   one submission at a time. Works without it: the form is plain HTML. */
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

  function previews(form) {
    form.querySelectorAll("[data-photo-slot]").forEach(function (slot) {
      var input = slot.querySelector("input[type=file]");
      var img = slot.querySelector("[data-photo-preview]");
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file || !img) return;
        img.src = URL.createObjectURL(file);
        img.hidden = false;
        slot.classList.add("has-photo");
      });
    });
  }

  function once(form) {
    form.addEventListener("submit", function () {
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
    previews(form);
    once(form);
  });
})();
