/* Live countdowns: the server renders each deadline (data-deadline, ISO 8601) and the text;
   this keeps the text current every minute with the same phrases (#countdown-labels). */
(function () {
  "use strict";

  function fill(template, key, value) {
    return template.replace("{" + key + "}", String(value));
  }

  function duration(labels, seconds) {
    var minutes = Math.floor(Math.abs(seconds) / 60);
    var days = Math.floor(minutes / 1440);
    var hours = Math.floor((minutes % 1440) / 60);
    var mins = minutes % 60;
    var parts = [];
    if (days) {
      parts.push(fill(labels.d, "n", days));
      if (hours) parts.push(fill(labels.h, "n", hours));
    } else if (hours) {
      parts.push(fill(labels.h, "n", hours));
      if (mins) parts.push(fill(labels.min, "n", mins));
    } else {
      parts.push(fill(labels.min, "n", mins));
    }
    return parts.join(" ");
  }

  function update(labels) {
    var now = Date.now();
    var items = document.querySelectorAll("[data-deadline]");
    Array.prototype.forEach.call(items, function (item) {
      var deadline = Date.parse(item.getAttribute("data-deadline"));
      if (isNaN(deadline)) return;
      var seconds = (deadline - now) / 1000;
      var overdue = seconds < 0;
      item.textContent = fill(overdue ? labels.overdue : labels.left, "t", duration(labels, seconds));
      item.classList.toggle("is-overdue", overdue);
      var row = item.closest("[data-hazard-row]");
      if (row) row.classList.toggle("is-overdue", overdue);
    });
  }

  function start() {
    var source = document.getElementById("countdown-labels");
    if (!source) return;
    var labels = JSON.parse(source.textContent);
    update(labels);
    window.setInterval(function () { update(labels); }, 60000);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
