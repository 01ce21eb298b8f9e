// The attempt page: save each answer as it is tapped, count down, confirm an
// incomplete submit. Without JavaScript the form still submits every answer.
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var form = document.querySelector("[data-quiz-paper]");
    if (!form) return;
    var url = form.getAttribute("data-autosave-url");
    var token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var status = form.querySelector("[data-save-status]");
    var counter = form.querySelector("[data-answered-count]");
    var total = parseInt(form.getAttribute("data-total"), 10);
    var submitting = false;

    function chosen(question) {
      return Array.prototype.map.call(
        question.querySelectorAll("input:checked"), function (i) { return parseInt(i.value, 10); });
    }
    function answered() {
      return Array.prototype.filter.call(
        form.querySelectorAll("[data-question]"), function (q) { return chosen(q).length > 0; }).length;
    }
    function showCount() {
      if (counter) counter.textContent = counter.textContent.replace(/^\d+/, String(answered()));
    }
    function say(text, failed) {
      status.textContent = text;
      status.classList.toggle("is-failed", !!failed);
    }
    function save(question) {
      say(form.getAttribute("data-saving"));
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify({ question: parseInt(question.getAttribute("data-question"), 10), choices: chosen(question) })
      }).then(function (response) {
        return response.json().then(function (body) {
          if (response.ok) { say(form.getAttribute("data-saved")); return; }
          say(body.error || form.getAttribute("data-save-failed"), true);
          if (body.closed) window.location.reload();
        });
      }).catch(function () { say(form.getAttribute("data-save-failed"), true); });
    }
    form.addEventListener("change", function (event) {
      var question = event.target.closest("[data-question]");
      if (!question) return;
      showCount();
      save(question);
    });
    form.addEventListener("submit", function (event) {
      if (submitting) return;
      var missing = total - answered();
      if (missing > 0 && !window.confirm(form.getAttribute("data-confirm-unanswered").replace("{n}", missing))) {
        event.preventDefault();
        return;
      }
      submitting = true;
    });
    // A phone back from sleep: reload so the page shows the server's state (answers, time).
    var hiddenAt = null;
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { hiddenAt = Date.now(); return; }
      if (hiddenAt && Date.now() - hiddenAt > 60000 && !submitting) window.location.reload();
    });

    // Seconds left as the server counted them: the phone's own clock may be wrong.
    var secondsLeft = form.getAttribute("data-seconds-left");
    var timer = form.querySelector("[data-timer]");
    if (secondsLeft !== null && timer) {
      var end = Date.now() + parseInt(secondsLeft, 10) * 1000;
      var tick = function () {
        var left = Math.max(0, Math.round((end - Date.now()) / 1000));
        var m = Math.floor(left / 60), s = left % 60;
        timer.textContent = m + ":" + (s < 10 ? "0" : "") + s;
        timer.classList.toggle("is-low", left <= 60);
        if (left === 0) {
          clearInterval(handle);
          if (!submitting) { submitting = true; form.submit(); }
        }
      };
      var handle = setInterval(tick, 1000);
      tick();
    }
  });
})();
