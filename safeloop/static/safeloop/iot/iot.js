/* The sensor pages: the alarm board re-reads its alarm and device part every few
   seconds (/iot/live/, server-rendered HTML) so a new alarm shows without a reload;
   each [data-iot-chart] draws its sensor's curve (ECharts, buckets the server
   computed: min-max band and mean) with the threshold lines, refreshed live on the
   15-minute and last-hour ranges. No inline script (CSP). */
(function () {
  "use strict";

  function every(seconds, fn) {
    var busy = false;
    function tick() {
      if (busy || document.visibilityState === "hidden") return;
      busy = true;
      Promise.resolve(fn()).catch(function () { /* offline a moment: next tick */ })
        .then(function () { busy = false; });
    }
    window.setInterval(tick, seconds * 1000);
    document.addEventListener("visibilitychange", tick);
  }

  function startBoard(box) {
    every(parseInt(box.getAttribute("data-refresh"), 10) || 3, function () {
      return fetch(box.getAttribute("data-src"), { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          if (html == null) return;
          box.innerHTML = html;
          box.setAttribute("data-updated", new Date().toISOString());
        });
    });
  }

  function nice(v) {
    if (!(v > 0)) return 1;
    var step = Math.pow(10, Math.floor(Math.log10(v)));
    return Math.ceil(v / step * 2) / 2 * step;
  }

  function chartOption(el, d) {
    var unit = d.unit || el.getAttribute("data-unit") || "";
    var times = d.points.map(function (p) { return p[0]; });
    var lines = d.thresholds.map(function (t) {
      return {
        yAxis: t.limit,
        name: "L" + t.level,
        lineStyle: { color: t.colour, type: "dashed", width: 1.5 },
        label: { formatter: "L" + t.level + " " + t.limit, color: t.colour, position: "insideEndTop" },
      };
    });
    var limitMax = d.thresholds.reduce(function (m, t) { return Math.max(m, t.limit); }, 0);
    return {
      animation: false,
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return v == null ? "—" : (+v).toFixed(2) + " " + unit; },
      },
      xAxis: { type: "time", boundaryGap: false, min: d.start, max: d.end },
      yAxis: {
        type: "value", name: unit, min: 0,
        max: function (v) { return nice(Math.max(v.max, limitMax) * 1.1); },
        axisLabel: { formatter: function (v) { return +v.toPrecision(3); } },
      },
      series: [
        { name: "min", type: "line", data: d.points.map(function (p, i) { return [times[i], p[1]]; }),
          lineStyle: { opacity: 0 }, symbol: "none", stack: "band" },
        { name: "max", type: "line", data: d.points.map(function (p, i) { return [times[i], p[3] - p[1]]; }),
          lineStyle: { opacity: 0 }, symbol: "none", stack: "band", areaStyle: { color: "rgba(11,59,91,0.15)" },
          tooltip: { show: false } },
        { name: "mean", type: "line", data: d.points.map(function (p, i) { return [times[i], p[2]]; }),
          symbol: d.points.length < 40 ? "circle" : "none", symbolSize: 7, lineStyle: { width: 2, color: "#0b3b5b" }, itemStyle: { color: "#0b3b5b" },
          markLine: { symbol: "none", silent: true, data: lines } },
      ],
    };
  }

  function startChart(el) {
    if (!window.echarts) return;
    var chart = window.echarts.init(el, null, { locale: el.getAttribute("data-locale") || "ZH" });
    var range = el.getAttribute("data-range") || "hour";
    var box = el.closest(".iot-chart-box");
    function load() {
      var url = el.getAttribute("data-src") + "?range=" + range;
      return fetch(url, { credentials: "same-origin", cache: "no-store" })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (d) {
          if (!d) return;
          chart.setOption(chartOption(el, d), true);
          el.setAttribute("data-points", String(d.points.length));
          el.setAttribute("data-last", d.points.length ? String(d.points[d.points.length - 1][3]) : "");
        });
    }
    if (box) {
      box.querySelectorAll("[data-range]").forEach(function (button) {
        button.addEventListener("click", function () {
          range = button.getAttribute("data-range");
          box.querySelectorAll("[data-range]").forEach(function (b) {
            b.setAttribute("aria-pressed", b === button ? "true" : "false");
          });
          load();
        });
      });
    }
    load();
    every(parseInt(el.getAttribute("data-refresh"), 10) || 3, function () {
      return range === "hour" || range === "live" ? load() : null;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() {
    document.querySelectorAll("[data-iot-live]").forEach(startBoard);
    document.querySelectorAll("[data-iot-chart]").forEach(startChart);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
