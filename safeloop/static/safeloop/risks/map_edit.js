/* Drawing zones on the site plan (/r/map/edit/). Pick an area; each click or tap on
   the plan adds a corner (pointer events: mouse, pen and touch alike; a drag or a
   scroll adds nothing). Points are fractions 0–1 of the image. "Save zone" posts
   {plan, area, polygon} as JSON with the CSRF token; the server checks it and
   answers the saved zone or {errors: {field: [{code, message}]}}. */
(function () {
  "use strict";

  var SVG = "http://www.w3.org/2000/svg";
  var TAP_SLOP = 10; // px a pointer may move and still count as a click

  function round(value) {
    return Math.round(Math.min(1, Math.max(0, value)) * 100000) / 100000;
  }

  function svgPoints(polygon) {
    return polygon.map(function (p) { return p[0] + "," + p[1]; }).join(" ");
  }

  function start() {
    var root = document.querySelector("[data-map-editor]");
    if (!root) return;
    var data = JSON.parse(document.getElementById("map-editor-data").textContent);
    var text = JSON.parse(document.getElementById("map-editor-messages").textContent);
    var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
    var canvas = root.querySelector("[data-editor-canvas]");
    var vertices = root.querySelector("[data-editor-vertices]");
    var select = root.querySelector("[data-editor-area]");
    var buttons = {
      undo: root.querySelector("[data-editor-undo]"),
      clear: root.querySelector("[data-editor-clear]"),
      save: root.querySelector("[data-editor-save]"),
      remove: root.querySelector("[data-editor-delete]")
    };
    var status = root.querySelector("[data-editor-status]");
    var error = root.querySelector("[data-editor-error]");
    var zones = data.zones.slice();
    var draft = [];
    var busy = false;

    function areaId() { return select.value ? Number(select.value) : null; }

    function zoneOf(id) {
      for (var i = 0; i < zones.length; i++) if (zones[i].area.id === id) return zones[i];
      return null;
    }

    function showError(message) {
      error.textContent = message;
      error.hidden = !message;
    }

    function say(message) { status.textContent = message; }

    function shape(tag, attrs) {
      var el = document.createElementNS(SVG, tag);
      Object.keys(attrs).forEach(function (key) { el.setAttribute(key, attrs[key]); });
      return el;
    }

    function render() {
      var current = areaId();
      while (canvas.firstChild) canvas.removeChild(canvas.firstChild);
      zones.forEach(function (zone) {
        canvas.appendChild(shape("polygon", {
          "class": "rmap-zone" + (zone.area.id === current ? " is-selected" : ""),
          points: svgPoints(zone.polygon),
          fill: zone.colour,
          "data-zone-id": zone.id,
          "data-testid": "zone-" + zone.area.code
        }));
      });
      if (draft.length >= 2) {
        canvas.appendChild(shape(draft.length >= 3 ? "polygon" : "polyline", {
          "class": "rmap-draft",
          points: svgPoints(draft),
          "data-testid": "zone-draft"
        }));
      }
      vertices.textContent = "";
      draft.forEach(function (p, i) {
        var dot = document.createElement("span");
        dot.className = "rmap-vertex" + (i === 0 ? " is-first" : "");
        dot.style.left = p[0] * 100 + "%";
        dot.style.top = p[1] * 100 + "%";
        vertices.appendChild(dot);
      });
      buttons.undo.disabled = busy || !draft.length;
      buttons.clear.disabled = busy || !draft.length;
      buttons.save.disabled = busy || current === null || draft.length < 3;
      buttons.remove.hidden = current === null || !zoneOf(current);
      buttons.remove.disabled = busy;
      canvas.setAttribute("data-points", String(draft.length));
    }

    function addPoint(event) {
      if (areaId() === null) { showError(text.pickArea); select.focus(); return; }
      if (draft.length >= data.maxPoints) { showError(text.tooMany); return; }
      var box = canvas.getBoundingClientRect();
      if (!box.width || !box.height) return;
      draft.push([round((event.clientX - box.left) / box.width), round((event.clientY - box.top) / box.height)]);
      showError("");
      say(text.points.replace("{n}", draft.length));
      render();
    }

    var down = null;
    canvas.addEventListener("pointerdown", function (event) {
      if (!event.isPrimary || event.button !== 0) return;
      down = { id: event.pointerId, x: event.clientX, y: event.clientY };
    });
    canvas.addEventListener("pointerup", function (event) {
      var start = down;
      down = null;
      if (!start || start.id !== event.pointerId) return;
      if (Math.abs(event.clientX - start.x) > TAP_SLOP || Math.abs(event.clientY - start.y) > TAP_SLOP) return;
      event.preventDefault();
      addPoint(event);
    });
    canvas.addEventListener("pointercancel", function () { down = null; });

    function optionFor(id) { return select.querySelector('option[value="' + id + '"]'); }

    function markOption(id, zoned) {
      var option = optionFor(id);
      if (!option) return;
      var label = option.textContent.replace(/ ✓$/, "");
      option.textContent = zoned ? label + " ✓" : label;
    }

    function post(url, body) {
      busy = true;
      render();
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": csrf },
        body: JSON.stringify(body || {})
      })
        .then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (json) {
            return { ok: response.ok, json: json };
          });
        })
        .catch(function () { return { ok: false, json: { errors: { __all__: [{ message: text.failed }] } } }; })
        .then(function (result) {
          busy = false;
          if (!result.ok) {
            var errors = (result.json && result.json.errors) || {};
            var lines = [];
            Object.keys(errors).forEach(function (field) {
              errors[field].forEach(function (e) { lines.push(e.message); });
            });
            showError(lines.join(" ") || text.failed);
          }
          render();
          return result;
        });
    }

    buttons.undo.addEventListener("click", function () {
      draft.pop();
      say(text.points.replace("{n}", draft.length));
      render();
    });
    buttons.clear.addEventListener("click", function () {
      draft = [];
      say("");
      render();
    });
    buttons.save.addEventListener("click", function () {
      var area = areaId();
      if (area === null) { showError(text.pickArea); return; }
      if (draft.length < 3) { showError(text.needPoints); return; }
      post(data.saveUrl, { plan: data.plan.id, area: area, polygon: draft }).then(function (result) {
        if (!result.ok) return;
        var saved = result.json.zone;
        zones = zones.filter(function (z) { return z.area.id !== saved.area.id; });
        zones.push({ id: saved.id, area: saved.area, polygon: saved.polygon, colour: saved.colour });
        markOption(saved.area.id, true);
        draft = [];
        showError("");
        say(text.saved);
        root.setAttribute("data-saved-zone", String(saved.id));
        render();
      });
    });
    buttons.remove.addEventListener("click", function () {
      var zone = zoneOf(areaId());
      if (!zone || !window.confirm(text.confirmDelete)) return;
      post(data.deleteUrl.replace(/\/0\/delete\/$/, "/" + zone.id + "/delete/")).then(function (result) {
        if (!result.ok) return;
        zones = zones.filter(function (z) { return z.id !== zone.id; });
        markOption(zone.area.id, false);
        showError("");
        say(text.deleted);
        render();
      });
    });
    select.addEventListener("change", function () {
      draft = [];
      showError("");
      say("");
      render();
    });
    document.addEventListener("keydown", function (event) {
      var key = event.key;
      if ((event.ctrlKey || event.metaKey) && key === "z" && draft.length) {
        event.preventDefault();
        buttons.undo.click();
      }
    });
    render();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
