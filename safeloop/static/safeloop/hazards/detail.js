/* The fixer's signature: finger or mouse drawing on a canvas (pointer events), sent as a
   PNG data URL in the hidden `signature` field when the rectification form is submitted. */
(function () {
  "use strict";

  function setupPad(form) {
    var canvas = form.querySelector("[data-signature-pad]");
    var input = form.querySelector("input[type=hidden][name$='signature']");
    var clear = form.querySelector("[data-signature-clear]");
    if (!canvas || !input || !canvas.getContext) return;
    var context = canvas.getContext("2d");
    var drawn = false;
    var drawing = false;
    var last = null;

    function style() {
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#101828";
      context.fillStyle = "#101828";
    }

    function paint(dataUrl) {
      var image = new Image();
      image.onload = function () {
        var box = canvas.getBoundingClientRect();
        context.drawImage(image, 0, 0, box.width, box.height);
        drawn = true;
      };
      image.src = dataUrl;
    }

    // Match the bitmap to the displayed size (sharp on high-density screens), keeping the drawing.
    function fit() {
      var box = canvas.getBoundingClientRect();
      if (!box.width || !box.height) return;
      var ratio = window.devicePixelRatio || 1;
      var width = Math.round(box.width * ratio);
      var height = Math.round(box.height * ratio);
      if (canvas.width === width && canvas.height === height) return;
      // Copied synchronously: a second resize right after (a phone turning, a screenshot)
      // must not find the canvas blank while an image of the drawing still loads.
      var kept = null;
      if (drawn) {
        kept = document.createElement("canvas");
        kept.width = canvas.width;
        kept.height = canvas.height;
        kept.getContext("2d").drawImage(canvas, 0, 0);
      }
      canvas.width = width;
      canvas.height = height;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      style();
      if (kept) context.drawImage(kept, 0, 0, box.width, box.height);
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    canvas.addEventListener("pointerdown", function (event) {
      fit();
      event.preventDefault();
      if (canvas.setPointerCapture) canvas.setPointerCapture(event.pointerId);
      drawing = true;
      last = point(event);
      context.beginPath();
      context.arc(last.x, last.y, context.lineWidth / 2, 0, 2 * Math.PI);
      context.fill();
      drawn = true;
    });
    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) return;
      event.preventDefault();
      var next = point(event);
      context.beginPath();
      context.moveTo(last.x, last.y);
      context.lineTo(next.x, next.y);
      context.stroke();
      last = next;
    });
    ["pointerup", "pointercancel", "lostpointercapture"].forEach(function (name) {
      canvas.addEventListener(name, function () { drawing = false; });
    });

    if (clear) {
      clear.addEventListener("click", function () {
        context.save();
        context.setTransform(1, 0, 0, 1, 0, 0);
        context.clearRect(0, 0, canvas.width, canvas.height);
        context.restore();
        drawn = false;
        input.value = "";
      });
    }

    form.addEventListener("submit", function () {
      input.value = drawn ? canvas.toDataURL("image/png") : "";
    });

    var details = form.closest("details");
    if (details) details.addEventListener("toggle", fit);
    window.addEventListener("resize", fit);
    fit();
    // Back from the server with an error: show the signature that was already given.
    if (input.value.indexOf("data:image/png;base64,") === 0) paint(input.value);
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-signature-form]"), setupPad);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
