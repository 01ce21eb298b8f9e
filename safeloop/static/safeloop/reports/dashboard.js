/* The home dashboard's charts (reports/_home_charts.html): ECharts from our own static
   files, data from json_script, no inline script (CSP). The tables beside the charts
   carry the same numbers without JavaScript; once a chart is drawn its table folds. */
(function () {
  "use strict";
  if (!window.echarts) return;
  var CELL = 44; // a heat map row is a tap target
  var charts = [];

  function read(el) {
    var node = document.getElementById(el.dataset.data);
    return node ? JSON.parse(node.textContent) : null;
  }

  function trendOption(el, d) {
    var unit = el.dataset.unit || "h";
    return {
      animation: false,
      grid: { left: 8, right: 20, top: 28, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (v) { return v == null ? "—" : v + " " + unit; },
      },
      xAxis: { type: "category", data: d.labels, boundaryGap: false },
      yAxis: { type: "value", name: unit, min: 0 },
      series: [{
        type: "line",
        data: d.hours,
        connectNulls: false,
        symbolSize: 8,
        label: { show: true, fontSize: 11 },
        lineStyle: { width: 2, color: "#0b3b5b" },
        itemStyle: { color: "#0b3b5b" },
      }],
    };
  }

  function heatOption(el, d) {
    el.style.height = (d.rows.length * CELL + 48) + "px";
    return {
      animation: false,
      grid: { left: 8, right: 8, top: 32, bottom: 4, containLabel: true },
      tooltip: { position: "top" },
      xAxis: {
        type: "category", data: d.columns, position: "top",
        axisTick: { show: false }, axisLine: { show: false },
        axisLabel: { interval: 0, fontSize: 12 },
      },
      yAxis: {
        type: "category", data: d.rows, inverse: true,
        axisTick: { show: false }, axisLine: { show: false },
        axisLabel: { width: 120, overflow: "truncate", fontSize: 12 },
      },
      visualMap: {
        show: false, min: 0, max: Math.max(d.max, 1), dimension: 2,
        inRange: { color: ["#f2f4f7", "#fedf89", "#f79009", "#d92d20", "#912018"] },
      },
      series: [{
        type: "heatmap",
        data: d.cells.map(function (c) { return { value: [c.x, c.y, c.value], link: c.link }; }),
        label: { show: true, fontSize: 14, fontWeight: "bold" },
        itemStyle: { borderColor: "#fff", borderWidth: 3, borderRadius: 4 },
        emphasis: { itemStyle: { borderColor: "#0b3b5b" } },
        cursor: "pointer",
      }],
    };
  }

  document.querySelectorAll("[data-chart]").forEach(function (el) {
    var d = read(el);
    if (!d) return;
    var heat = el.dataset.chart === "heat";
    var option = heat ? heatOption(el, d) : trendOption(el, d);
    var chart = window.echarts.init(el, null, { locale: el.dataset.locale || "ZH" });
    chart.setOption(option);
    if (heat) {
      chart.on("click", function (p) {
        if (p.data && p.data.link) window.location.assign(p.data.link);
      });
    }
    charts.push(chart);
    el.classList.add("is-drawn");
    var table = el.parentNode.querySelector("details.dash-data");
    if (table) table.open = false;
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });
})();
