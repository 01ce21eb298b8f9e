/* The four-colour map: the server renders it; this re-reads /r/map/data.json every
   minute (every few seconds when sensors are on site: a zone with an open alarm
   turns to the alarm colour) (and when the tab comes back, or on a "safeloop:map-refresh" event) so a
   re-assessment recolours the zones without a reload. A new plan or a zone added or
   removed reloads the page instead. Also: a zoom toggle for phones. */
(function () {
  "use strict";

  function lookup(obj, path) {
    return path.split(".").reduce(function (o, key) {
      return o == null ? undefined : o[key];
    }, obj);
  }

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  function points(polygon) {
    return polygon.map(function (p) { return p[0] + "," + p[1]; }).join(" ");
  }

  function sameZones(map, zones) {
    var shown = [];
    each(map, "polygon[data-zone-id]", function (el) { shown.push(el.getAttribute("data-zone-id")); });
    var now = zones.map(function (z) { return String(z.id); });
    return shown.sort().join() === now.sort().join();
  }

  function updateCounts(el, zone) {
    each(el, "[data-count]", function (count) {
      var value = lookup(zone, count.getAttribute("data-count")) || 0;
      count.hidden = !value;
      var target = count.querySelector("[data-value]") || count;
      target.textContent = String(value);
    });
  }

  function apply(map, data) {
    if (!data.plan || String(data.plan.id) !== map.getAttribute("data-plan") || !sameZones(map, data.zones)) {
      window.location.reload();
      return;
    }
    data.zones.forEach(function (zone) {
      var id = '[data-zone-id="' + zone.id + '"]';
      var polygon = map.querySelector("polygon" + id);
      polygon.setAttribute("fill", zone.alarm ? zone.alarmColour : zone.colour);
      polygon.setAttribute("data-alarm", String(zone.alarm || 0));
      polygon.setAttribute("data-band", zone.band);
      polygon.setAttribute("points", points(zone.polygon));
      var label = map.querySelector(".rmap-label" + id);
      if (label) {
        label.style.left = (zone.label[0] * 100).toFixed(3) + "%";
        label.style.top = (zone.label[1] * 100).toFixed(3) + "%";
      }
      each(document, ".rmap-label" + id + ", .rmap-list " + id, function (el) { updateCounts(el, zone); });
      each(document, ".rmap-list " + id + " [data-zone-swatch]", function (el) { el.style.background = zone.colour; });
    });
    map.setAttribute("data-updated", new Date().toISOString());
  }

  function start() {
    var map = document.querySelector("[data-map]");
    if (!map) return;
    var busy = false;
    function refresh() {
      if (busy) return;
      busy = true;
      fetch(map.getAttribute("data-src"), {
        credentials: "same-origin",
        headers: { Accept: "application/json" },
        cache: "no-store"
      })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) { if (data) apply(map, data); })
        .catch(function () { /* offline for a moment: the next tick tries again */ })
        .then(function () { busy = false; });
    }
    var seconds = parseInt(map.getAttribute("data-refresh"), 10) || 60;
    window.setInterval(refresh, seconds * 1000);
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") refresh();
    });
    document.addEventListener("safeloop:map-refresh", refresh);

    var zoom = map.querySelector("[data-map-zoom]");
    if (zoom) {
      zoom.hidden = false;
      zoom.addEventListener("click", function () {
        var on = map.classList.toggle("is-zoomed");
        zoom.setAttribute("aria-pressed", on ? "true" : "false");
      });
    }
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
