/* The QR point page: photo slots, library search, location and a resilient submit.
 * The photo slots (hazards/_photo_slots.html) serve other forms too, such as the
 * rectification: a form marked data-photo-form posts as usual with the smaller photos.
 * Handwritten, no dependencies. The page works without it; the server checks everything. */
(function () {
  "use strict";

  var MAX_EDGE = 1600;            // the server stores photos at this size anyway
  var SHRINK_ABOVE_BYTES = 900 * 1024;
  var JPEG_QUALITY = 0.85;
  var GPS_WATCH_MS = 2 * 60 * 1000;

  function ready(fn) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", fn);
    else fn();
  }

  function each(list, fn) { Array.prototype.forEach.call(list, fn); }

  /* --- Photos: preview, and a smaller JPEG for slow networks --------------- */

  // Keep the camera's EXIF (its clock is how the server spots an old photo),
  // but with orientation 1: the canvas has already turned the pixels upright.
  function exifSegment(buffer) {
    var view = new DataView(buffer);
    if (view.byteLength < 4 || view.getUint16(0) !== 0xffd8) return null;
    var offset = 2;
    while (offset + 4 <= view.byteLength) {
      var marker = view.getUint16(offset);
      if ((marker & 0xff00) !== 0xff00 || marker === 0xffda) return null;
      var length = view.getUint16(offset + 2);
      if (marker === 0xffe1 && offset + 10 <= view.byteLength &&
          view.getUint32(offset + 4) === 0x45786966 && view.getUint16(offset + 8) === 0) {
        var segment = new Uint8Array(buffer.slice(offset, offset + 2 + length));
        resetOrientation(segment);
        return segment;
      }
      offset += 2 + length;
    }
    return null;
  }

  function resetOrientation(segment) {
    try {
      var view = new DataView(segment.buffer);
      var tiff = 10;
      var little = view.getUint16(tiff) === 0x4949;
      var ifd = tiff + view.getUint32(tiff + 4, little);
      var count = view.getUint16(ifd, little);
      for (var i = 0; i < count; i++) {
        var entry = ifd + 2 + i * 12;
        if (view.getUint16(entry, little) === 0x0112) {
          view.setUint16(entry + 8, 1, little);
          return;
        }
      }
    } catch (err) { /* a broken EXIF block is left as it is */ }
  }

  function decode(file) {
    if (window.createImageBitmap) {
      return createImageBitmap(file, { imageOrientation: "from-image" });
    }
    return new Promise(function (resolve, reject) {
      var url = URL.createObjectURL(file);
      var img = new Image();
      img.onload = function () { resolve(img); };
      img.onerror = reject;
      img.src = url;
    });
  }

  function shrink(file) {
    if (file.type !== "image/jpeg" || !window.Promise || !window.Blob) {
      return Promise.resolve(null);
    }
    return Promise.all([decode(file), file.arrayBuffer ? file.arrayBuffer() : null])
      .then(function (parts) {
        var image = parts[0];
        var width = image.width;
        var height = image.height;
        var scale = Math.min(1, MAX_EDGE / Math.max(width, height));
        if (scale === 1 && file.size <= SHRINK_ABOVE_BYTES) return null;
        var canvas = document.createElement("canvas");
        canvas.width = Math.round(width * scale);
        canvas.height = Math.round(height * scale);
        canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
        if (image.close) image.close();
        return new Promise(function (resolve) {
          canvas.toBlob(function (blob) {
            if (!blob || blob.size >= file.size) return resolve(null);
            var exif = parts[1] ? exifSegment(parts[1]) : null;
            if (!exif) return resolve(blob);
            blob.arrayBuffer().then(function (jpeg) {
              var bytes = new Uint8Array(jpeg);
              resolve(new Blob([bytes.subarray(0, 2), exif, bytes.subarray(2)], { type: "image/jpeg" }));
            }, function () { resolve(blob); });
          }, "image/jpeg", JPEG_QUALITY);
        });
      })
      .catch(function () { return null; });  // the original goes up instead
  }

  function setupPhotos(form) {
    var slots = [];
    each(form.querySelectorAll("[data-photo-slot]"), function (slot) {
      var input = slot.querySelector("input[type=file]");
      var preview = slot.querySelector("[data-photo-preview]");
      var clear = slot.querySelector("[data-photo-clear]");
      var state = { input: input, file: null, smaller: null, pending: Promise.resolve() };
      slots.push(state);
      // A file the browser can't show (HEIC on some phones) still goes up.
      preview.addEventListener("error", function () { preview.hidden = true; });

      function show(file) {
        if (preview.src) URL.revokeObjectURL(preview.src);
        slot.classList.toggle("has-photo", !!file);
        preview.hidden = !file;
        clear.hidden = !file;
        if (file) preview.src = URL.createObjectURL(file);
        else preview.removeAttribute("src");
      }

      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        state.file = file || null;
        state.smaller = null;
        show(state.file);
        if (!file) return;
        slot.removeAttribute("data-upload-bytes");
        state.pending = shrink(file).then(function (blob) {
          if (state.file !== file) return;
          state.smaller = blob;
          slot.setAttribute("data-upload-bytes", String((blob || file).size));
        });
      });
      clear.addEventListener("click", function () {
        input.value = "";
        state.file = state.smaller = null;
        slot.removeAttribute("data-upload-bytes");
        show(null);
      });
    });
    return slots;
  }

  // A plain form (no XHR): the smaller photo takes the original's place in its input,
  // and a submit waits for the photos still being made smaller.
  function replaceFile(input, blob, original) {
    if (!blob || !window.DataTransfer || !window.File) return;
    try {
      var name = (original.name || "photo").replace(/\.[^.]*$/, "") + ".jpg";
      var files = new DataTransfer();
      files.items.add(new File([blob], name, { type: "image/jpeg", lastModified: original.lastModified }));
      input.files = files.files;
    } catch (err) { /* the original goes up instead */ }
  }

  function setupPlainPhotoForm(form) {
    var slots = setupPhotos(form);
    var settled = false;
    slots.forEach(function (slot) {
      slot.input.addEventListener("change", function () {
        var file = slot.file;
        settled = false;
        slot.pending = slot.pending.then(function () {
          if (slot.file === file && slot.smaller) replaceFile(slot.input, slot.smaller, file);
        });
      });
    });
    form.addEventListener("submit", function (event) {
      if (settled) return;
      event.preventDefault();
      var button = form.querySelector("[type=submit]");
      if (button) button.disabled = true;
      Promise.all(slots.map(function (slot) { return slot.pending; })).then(function () {
        // Out of this submit's dispatch: a form ignores a new submit while it fires one.
        window.setTimeout(function () {
          settled = true;
          if (button) button.disabled = false;
          if (form.requestSubmit) form.requestSubmit(button || undefined);
          else form.submit();
        }, 0);
      });
    });
  }

  window.SafeLoop = window.SafeLoop || {};
  window.SafeLoop.photoSlots = { setup: setupPhotos, setupPlainForm: setupPlainPhotoForm };

  /* --- Hazard library: search, pick, un-pick -------------------------------- */

  function setupLibrary(form, onPick) {
    var search = form.querySelector("[data-library-search]");
    var list = form.querySelector("[data-library-list]");
    if (!list) return;
    var items = list.querySelectorAll("[data-library-item]");
    var groups = list.querySelectorAll("[data-library-group]");
    var empty = list.querySelector("[data-library-empty]");
    var checked = list.querySelector("input[name=library_entry]:checked");
    var current = checked ? checked.value : null;

    if (search) {
      search.addEventListener("input", function () {
        var words = search.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
        var shown = 0;
        each(items, function (item) {
          var text = item.getAttribute("data-search") || "";
          var match = words.every(function (w) { return text.indexOf(w) !== -1; });
          item.hidden = !match;
          if (match) shown++;
        });
        each(groups, function (group) {
          group.hidden = !group.querySelector("[data-library-item]:not([hidden])");
        });
        if (empty) empty.hidden = shown > 0;
      });
      // "Enter" in the search box must not send the report half-done.
      search.addEventListener("keydown", function (event) {
        if (event.key === "Enter") event.preventDefault();
      });
    }

    // Tapping the picked entry again un-picks it (a radio alone can't). A new
    // pick (tap or arrow keys) arrives as "change", after this "click".
    list.addEventListener("click", function (event) {
      var input = event.target;
      if (!input || input.name !== "library_entry" || input.value !== current) return;
      input.checked = false;
      current = null;
      onPick(null);
    });
    list.addEventListener("change", function (event) {
      var input = event.target;
      if (!input || input.name !== "library_entry" || !input.checked) return;
      current = input.value;
      onPick(input);
    });
    onPick(checked);
  }

  /* --- Location: on when the phone allows it, never required --------------- */

  function setupLocation(form) {
    var status = form.querySelector("[data-gps-status]");
    var lat = form.querySelector("input[name=latitude]");
    var lng = form.querySelector("input[name=longitude]");
    var accuracy = form.querySelector("input[name=gps_accuracy_m]");
    var fixed = false;

    function say(state, text) {
      status.setAttribute("data-state", state);
      status.textContent = text;
    }

    if (!status || !lat || !("geolocation" in navigator)) return function () {};
    say("wait", form.getAttribute("data-msg-gps-wait"));
    var watch = navigator.geolocation.watchPosition(function (position) {
      var c = position.coords;
      if (fixed && accuracy.value && c.accuracy > Number(accuracy.value) * 2) return;
      fixed = true;
      lat.value = c.latitude.toFixed(6);
      lng.value = c.longitude.toFixed(6);
      accuracy.value = Math.round(c.accuracy);
      say("on", form.getAttribute("data-msg-gps-on") + " (±" + Math.round(c.accuracy) + " m)");
    }, function () {
      if (!fixed) say("off", form.getAttribute("data-msg-gps-off"));
    }, { enableHighAccuracy: true, maximumAge: 60000, timeout: 20000 });
    function stop() { navigator.geolocation.clearWatch(watch); }
    setTimeout(stop, GPS_WATCH_MS);
    return stop;
  }

  /* --- Submit: progress, errors in place, photos kept on failure ------------ */

  function setupSubmit(form, slots, stopLocation) {
    var button = form.querySelector("[data-submit]");
    var progress = form.querySelector("[data-progress]");
    var bar = form.querySelector("[data-progress-bar]");
    var text = form.querySelector("[data-progress-text]");
    var errors = form.querySelector("[data-report-errors]");
    var description = form.querySelector("[data-description]");
    var sending = false;

    function busy(on, message) {
      sending = on;
      button.disabled = on;
      form.classList.toggle("is-sending", on);
      progress.hidden = !on;
      if (on) {
        text.textContent = message;
        bar.removeAttribute("value");
      }
    }

    function showErrors(html) {
      errors.innerHTML = html;
      var alert = errors.querySelector("[role=alert]");
      if (alert) {
        alert.scrollIntoView({ block: "center" });
        alert.focus({ preventScroll: true });
      }
    }

    function alertHtml(message) {
      var div = document.createElement("div");
      div.className = "alert alert-error rp-errors";
      div.setAttribute("role", "alert");
      div.setAttribute("tabindex", "-1");
      div.setAttribute("data-testid", "report-errors");
      div.textContent = message;
      return div.outerHTML;
    }

    function applyServerErrors(html) {
      var page = new DOMParser().parseFromString(html, "text/html");
      var summary = page.querySelector("[data-report-errors]");
      if (!summary) return false;
      // The photos are still in this page: the "add them again" note does not apply.
      each(summary.querySelectorAll("[data-photos-lost]"), function (n) { n.remove(); });
      each(form.querySelectorAll("[data-error-for]"), function (box) {
        var fresh = page.querySelector('[data-error-for="' + box.getAttribute("data-error-for") + '"]');
        box.innerHTML = fresh ? fresh.innerHTML : "";
      });
      showErrors(summary.innerHTML);
      return true;
    }

    function send() {
      var data = new FormData(form);
      data.delete("photos");
      var count = 0;
      slots.forEach(function (slot) {
        if (!slot.file) return;
        count++;
        var name = slot.file.name || "photo.jpg";
        if (slot.smaller) data.append("photos", slot.smaller, name.replace(/\.[^.]*$/, "") + ".jpg");
        else data.append("photos", slot.file, name);
      });
      busy(true, form.getAttribute(count ? "data-msg-sending-photos" : "data-msg-sending"));
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.upload.addEventListener("progress", function (event) {
        if (event.lengthComputable) bar.value = Math.round((event.loaded / event.total) * 100);
      });
      xhr.onload = function () {
        var landed = xhr.responseURL && xhr.responseURL.split("#")[0] !== form.action;
        if (xhr.status >= 200 && xhr.status < 300 && landed) {
          stopLocation();
          window.location.assign(xhr.responseURL);
          return;
        }
        busy(false);
        if (xhr.status === 400 && applyServerErrors(xhr.responseText)) return;
        showErrors(alertHtml(form.getAttribute("data-msg-failed")));
      };
      xhr.onerror = xhr.ontimeout = function () {
        busy(false);
        showErrors(alertHtml(form.getAttribute("data-msg-failed")));
      };
      xhr.send(data);
    }

    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest || !window.DOMParser) {
        button.disabled = true;  // plain post: the browser shows its own progress
        form.classList.add("is-sending");
        return;
      }
      event.preventDefault();
      if (sending) return;
      var picked = form.querySelector("input[name=library_entry]:checked");
      if (!picked && !(description && description.value.trim())) {
        showErrors(alertHtml(form.getAttribute("data-msg-need-pick")));
        return;
      }
      busy(true, form.getAttribute("data-msg-preparing"));
      Promise.all(slots.map(function (slot) { return slot.pending; })).then(send, send);
    });

    // Back from the confirmation (page cache): the button must work again.
    window.addEventListener("pageshow", function (event) {
      if (event.persisted) busy(false);
    });
  }

  ready(function () {
    each(document.querySelectorAll("form[data-photo-form]"), setupPlainPhotoForm);
  });

  ready(function () {
    var form = document.querySelector("[data-report-form]");
    if (!form) return;
    var summary = form.querySelector("[data-picked-summary]");
    var slots = setupPhotos(form);
    setupLibrary(form, function (input) {
      each(form.querySelectorAll(".rp-entry.is-picked"), function (n) { n.classList.remove("is-picked"); });
      if (!summary) return;
      if (!input) {
        summary.textContent = "";
        return;
      }
      var label = input.closest("label");
      label.classList.add("is-picked");
      var title = label.querySelector(".rp-entry-title");
      summary.textContent = form.getAttribute("data-msg-picked") + " " + (title ? title.textContent : "");
    });
    var stopLocation = setupLocation(form);
    setupSubmit(form, slots, stopLocation);
  });
})();
