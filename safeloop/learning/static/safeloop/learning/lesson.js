// A lesson page: report to the server when the end of the lesson scrolls into view and
// how much of each video was played (the browser's "played" ranges, so dragging the
// slider to the end does not count). The server keeps the highest share and decides
// when the lesson is done (safeloop/learning/progress_services.py).
(function () {
  "use strict";
  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    var end = document.querySelector("[data-lesson-end]");
    if (!end) return;
    var url = end.getAttribute("data-progress-url");
    var token = end.getAttribute("data-csrf");
    var status = end.querySelector("[role=status]");
    var read = end.getAttribute("data-read") === "1";

    function report(body) {
      return fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": token },
        body: JSON.stringify(body)
      }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.json();
      }).then(function (state) {
        if (state.status === "done") {
          status.textContent = end.getAttribute("data-done-text");
          end.classList.add("is-done");
          // The tag under the title says so too, as it will after a reload.
          var tag = document.querySelector("[data-lesson-status] .tag");
          if (tag) {
            tag.className = "tag tag-done";
            tag.textContent = end.getAttribute("data-done-tag");
          }
        } else if (state.readToEnd) {
          status.textContent = end.getAttribute("data-videos-left-text");
        }
        return state;
      });
    }

    // The end marker in view: the lesson was read to its end (reported once per page).
    if (!read && "IntersectionObserver" in window) {
      var sending = false;
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (!entry.isIntersecting || read || sending) return;
          sending = true;
          report({ readToEnd: true }).then(function () {
            read = true;
            observer.disconnect();
          }).catch(function () {
            status.textContent = end.getAttribute("data-failed-text");
          }).then(function () { sending = false; });
        });
      });
      observer.observe(end);
    }

    // Videos: the share played, reported when it grows by 10 points, at 90 % and at the end.
    Array.prototype.forEach.call(document.querySelectorAll("video[data-video-id]"), function (video) {
      var id = video.getAttribute("data-video-id");
      var label = video.parentNode.querySelector("[data-video-watched]");
      var sent = 0;
      function played() {
        if (!video.duration || !isFinite(video.duration)) return 0;
        var seconds = 0;
        for (var i = 0; i < video.played.length; i++) seconds += video.played.end(i) - video.played.start(i);
        return Math.min(100, Math.floor(100 * seconds / video.duration + 0.5));
      }
      function update(force) {
        var percent = played();
        if (label) label.textContent = label.getAttribute("data-label").replace("{n}", percent + " %");
        if (percent > sent && (force || percent - sent >= 10 || (percent >= 90 && sent < 90))) {
          var before = sent;
          sent = percent;
          report({ video: id, percent: percent }).catch(function () { sent = before; });
        }
      }
      // A WebM recorded in a browser (MediaRecorder: screen and phone recorders) has no
      // duration in its header, so the browser says Infinity and nothing could be
      // reported. Asking for a time far past the end makes it find the end (with byte
      // ranges); then back to where the video was.
      function findDuration() {
        if (video.duration !== Infinity) return;
        var back = video.currentTime;
        video.addEventListener("durationchange", function found() {
          if (!isFinite(video.duration)) return;
          video.removeEventListener("durationchange", found);
          video.currentTime = back;
        });
        video.currentTime = 1e101;
      }
      video.addEventListener("loadedmetadata", findDuration);
      if (video.readyState >= 1) findDuration();
      video.addEventListener("timeupdate", function () { update(false); });
      video.addEventListener("pause", function () { update(true); });
      video.addEventListener("ended", function () { update(true); });
    });
  });
})();
