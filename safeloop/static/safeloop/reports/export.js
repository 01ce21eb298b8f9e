// The export page: while an export runs, ask for its progress every two seconds and
// show it; when it is done (or failed) reload, so the download link appears.
(function () {
  "use strict";
  document.querySelectorAll("[data-export-active]").forEach(function (item) {
    var url = item.getAttribute("data-status-url");
    var bar = item.querySelector("[data-export-bar]");
    var count = item.querySelector("[data-export-count]");
    var label = item.querySelector("[data-export-label]");
    function poll() {
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (state) {
          if (!state) { return setTimeout(poll, 5000); }
          if (!state.active) { return window.location.reload(); }
          label.textContent = state.label;
          if (count) { count.textContent = state.done + " / " + (state.total || "…"); }
          if (bar) {
            bar.setAttribute("aria-valuenow", state.percent);
            bar.firstElementChild.style.width = state.percent + "%";
          }
          setTimeout(poll, 2000);
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    setTimeout(poll, 1500);
  });
})();
