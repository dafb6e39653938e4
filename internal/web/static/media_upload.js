// Admin → Media: the upload form without a page reload in the way. Files dropped on the upload
// box or pasted into the page are sent with the form's own request (POST /admin/media, several
// files, each checked separately by the server), with a progress bar. The server's answer is
// the page to show: the library after a redirect, or the form with each refused file named.
// Without JavaScript the plain form does the same.
(function () {
  "use strict";
  var form = document.getElementById("media-upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) return;
  var input = document.getElementById("files");
  var zone = document.getElementById("media-drop");
  var progress = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  var busy = false;

  document.querySelectorAll("[data-needs-js]").forEach(function (el) { el.hidden = false; });

  function send(files) {
    if (busy || !files || !files.length) return;
    busy = true;
    var data = new FormData();
    for (var i = 0; i < files.length; i++) data.append("files", files[i], files[i].name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "Uploading " + files.length + (files.length === 1 ? " file…" : " files…");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.addEventListener("load", function () {
      // The page the form would have led to (the library with its notice after the
      // redirect, or the form with each refused file named), shown as the server wrote it.
      var url = xhr.responseURL;
      document.open();
      document.write(xhr.responseText);
      document.close();
      if (url) history.replaceState(null, "", url);
    });
    xhr.addEventListener("error", function () {
      busy = false;
      progress.hidden = true;
      status.textContent = "The upload failed: the connection broke off. Nothing after that point was saved.";
    });
    xhr.send(data);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    send(input.files);
  });
  ["dragenter", "dragover"].forEach(function (t) {
    zone.addEventListener(t, function (e) {
      if (!e.dataTransfer || Array.prototype.indexOf.call(e.dataTransfer.types, "Files") < 0) return;
      e.preventDefault();
      zone.classList.add("dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (t) {
    zone.addEventListener(t, function () { zone.classList.remove("dragging"); });
  });
  zone.addEventListener("drop", function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files.length) return;
    e.preventDefault();
    send(e.dataTransfer.files);
  });
  // Pasting an image (a screenshot) anywhere on the page but in a text field uploads it.
  document.addEventListener("paste", function (e) {
    var t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA") && t.type !== "file") return;
    var files = e.clipboardData && e.clipboardData.files;
    if (!files || !files.length) return;
    e.preventDefault();
    send(files);
  });
})();
