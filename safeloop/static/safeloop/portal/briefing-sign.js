/* The safety briefing's signature box: draw with a finger, a pen or the mouse (pointer
   events); after every stroke the drawing goes into the form's hidden "signature" field
   as a PNG data URL. "Clear" starts again. Handwritten, no dependencies. */
(function () {
  "use strict";

  function setup(form) {
    var canvas = form.querySelector("[data-signature-pad]");
    var field = form.querySelector("input[name='signature']");
    var clear = form.querySelector("[data-signature-clear]");
    if (!canvas || !field || !canvas.getContext) return;
    var context = canvas.getContext("2d");
    var drawing = false;
    var last = null;

    function style() {
      context.lineWidth = 4;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#111";
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }

    function save() {
      field.value = canvas.toDataURL("image/png");
      form.classList.add("is-signed");
      // The "sign in the box" error no longer applies once something is drawn.
      var error = form.querySelector("[data-testid='signature-error']");
      if (error) error.hidden = true;
    }

    canvas.addEventListener("pointerdown", function (event) {
      event.preventDefault();
      drawing = true;
      last = point(event);
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      style();
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = "#111";
      context.fill();
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var next = point(event);
      style();
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    function end() {
      if (!drawing) return;
      drawing = false;
      last = null;
      save();
    }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    canvas.addEventListener("pointerleave", end);

    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        field.value = "";
        form.classList.remove("is-signed");
      });
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-signature-form]"), setup);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
