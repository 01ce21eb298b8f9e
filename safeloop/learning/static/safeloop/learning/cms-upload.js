// The Wagtail admin (课程编辑): refuse a lesson file the server would refuse, before
// a 200 MB upload starts. Pictures: the image types and size limit; documents: PDF
// and MP4/WebM videos, each with its own limit. The server checks again, always
// (safeloop/learning/cms_uploads.py), also by the file's first bytes.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var data = script.dataset;
  var MB = 1024 * 1024;
  var imageTypes = (data.imageTypes || "").split(",");
  var documentLimits = {
    pdf: parseInt(data.documentMax, 10),
    mp4: parseInt(data.videoMax, 10),
    webm: parseInt(data.videoMax, 10)
  };
  var imageMax = parseInt(data.imageMax, 10);

  function extension(name) {
    var dot = name.lastIndexOf(".");
    return dot < 0 ? "" : name.slice(dot + 1).toLowerCase();
  }

  // Which files this input (or drop zone) takes: "image", "document" or null (not ours).
  function kindOf(element) {
    var accept = (element.getAttribute && element.getAttribute("accept")) || "";
    if (accept.indexOf("image") >= 0) return "image";
    var form = element.closest ? element.closest("form") : null;
    var where = ((form && form.getAttribute("action")) || "") + " " + window.location.pathname;
    if (where.indexOf("/images/") >= 0) return "image";
    if (where.indexOf("/documents/") >= 0) return "document";
    return null;
  }

  function format(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key]; });
  }

  // The first problem with these files, or "".
  function problem(files, kind) {
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      var ext = extension(file.name);
      var limit = kind === "image" ? (imageTypes.indexOf(ext) >= 0 ? imageMax : null)
        : (documentLimits[ext] || null);
      if (limit === null) {
        var allowed = kind === "image" ? imageTypes.join(", ") : "pdf, mp4, webm";
        return format(data.msgType, { name: file.name, allowed: allowed });
      }
      if (file.size > limit) {
        return format(data.msgSize, {
          name: file.name,
          size: (file.size / MB).toFixed(1),
          limit: Math.round(limit / MB)
        });
      }
    }
    return "";
  }

  function show(element, message) {
    var holder = element.closest("form") || element.parentNode;
    var box = holder.querySelector("[data-upload-refused]");
    if (!box) {
      box = document.createElement("p");
      box.className = "error-message";
      box.setAttribute("role", "alert");
      box.setAttribute("data-upload-refused", "");
      holder.insertBefore(box, holder.firstChild);
    }
    box.textContent = message;
    box.hidden = !message;
  }

  // Capturing, so Wagtail's own upload handlers never see a refused file.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || input.type !== "file" || !input.files || !input.files.length) return;
    var kind = kindOf(input);
    if (!kind) return;
    var message = problem(input.files, kind);
    show(input, message);
    if (message) {
      input.value = "";
      event.stopImmediatePropagation();
      event.preventDefault();
    }
  }, true);

  document.addEventListener("drop", function (event) {
    var files = event.dataTransfer && event.dataTransfer.files;
    if (!files || !files.length) return;
    var target = event.target.closest ? (event.target.closest("form") || event.target) : event.target;
    var kind = kindOf(target);
    if (!kind) return;
    var message = problem(files, kind);
    show(target, message);
    if (message) {
      event.stopImmediatePropagation();
      event.preventDefault();
    }
  }, true);
}());
