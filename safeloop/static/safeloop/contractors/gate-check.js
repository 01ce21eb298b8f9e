/* The guard's gate check: where the browser reads QR codes itself (BarcodeDetector:
   Chrome on Android), the camera scans the pass and the form is sent with what it read;
   elsewhere the guard pastes the pass link or types its number. The server decides:
   this file only fills the field. Also: the muster list's "Print" button. */
(function () {
  "use strict";

  function scanner(form) {
    var box = form.querySelector("[data-scanner]");
    var field = form.querySelector("[data-gate-code]");
    if (!box || !field) return;
    if (!("BarcodeDetector" in window) || !navigator.mediaDevices ||
        !navigator.mediaDevices.getUserMedia) return;
    var video = box.querySelector("[data-scan-video]");
    var status = box.querySelector("[data-scan-status]");
    var start = box.querySelector("[data-scan-start]");
    box.hidden = false;
    start.addEventListener("click", function () {
      start.hidden = true;
      var detector;
      try {
        detector = new window.BarcodeDetector({ formats: ["qr_code"] });
      } catch (e) {
        status.textContent = box.dataset.textDenied;
        return;
      }
      navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } })
        .then(function (stream) {
          video.srcObject = stream;
          video.hidden = false;
          video.play();
          status.textContent = box.dataset.textLooking;
          var timer = setInterval(function () {
            detector.detect(video).then(function (codes) {
              if (!codes.length) return;
              clearInterval(timer);
              stream.getTracks().forEach(function (track) { track.stop(); });
              field.value = codes[0].rawValue;
              form.submit();
            }).catch(function () {});
          }, 250);
        })
        .catch(function () {
          start.hidden = false;
          status.textContent = box.dataset.textDenied;
        });
    });
  }

  function ready() {
    var form = document.querySelector("[data-gate-form]");
    if (form) scanner(form);
    var field = document.querySelector("[data-gate-code]");
    // After a verdict the field is empty and ready for the next pass.
    if (field && !("ontouchstart" in window)) field.focus();
    Array.prototype.forEach.call(document.querySelectorAll("[data-print]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
