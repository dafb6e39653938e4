// The post editor's media picker: "Upload or choose from library" for the featured image, and
// "Add image" to insert one into the body at the cursor (Markdown or HTML, as the post is
// written). It lists and uploads through the site's REST API (wp/v2/media, signed in by the
// admin's cookie, same origin), so the rules are the media service's. Without JavaScript the
// featured image URL field and Admin → Media do the same job.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  var dialog = document.getElementById("media-picker");
  if (!form || !dialog || typeof dialog.showModal !== "function") return;
  var api = "/wp-json/wp/v2/media";
  var list = document.getElementById("mp-list");
  var search = document.getElementById("mp-search");
  var file = document.getElementById("mp-file");
  var progress = document.getElementById("mp-progress");
  var status = document.getElementById("mp-status");
  var errBox = document.getElementById("mp-error");
  var body = document.getElementById("body");
  var urlField = document.getElementById("featured_image_url");
  var altField = document.getElementById("featured_image_alt");
  var idField = document.getElementById("featured_media");
  var preview = document.getElementById("featured-preview");
  var mode = "featured";
  var cursor = null; // the body's selection when the picker opened

  document.querySelectorAll("[data-needs-js]").forEach(function (el) { el.hidden = false; });

  function showError(msg) {
    errBox.textContent = msg || "";
    errBox.hidden = !msg;
  }

  // A site path for an absolute URL of this site: what the posts service compares.
  function sitePath(u) {
    try {
      var x = new URL(u, location.href);
      return x.origin === location.origin ? x.pathname : u;
    } catch (e) { return u; }
  }

  function smallest(m) {
    var sizes = (m.media_details && m.media_details.sizes) || {};
    var s = sizes.thumbnail || sizes.medium;
    return s ? s.source_url : m.source_url;
  }

  function render(items) {
    list.textContent = "";
    if (!items.length) {
      var li = document.createElement("li");
      li.className = "empty";
      li.textContent = search.value ? "No image matches." : "No images yet: upload one.";
      list.appendChild(li);
      return;
    }
    items.forEach(function (m) {
      var li = document.createElement("li");
      li.className = "media-item";
      var b = document.createElement("button");
      b.type = "button";
      b.className = "media-choice";
      b.dataset.id = m.id;
      var img = document.createElement("img");
      img.src = smallest(m);
      img.alt = "";
      img.loading = "lazy";
      var name = document.createElement("span");
      name.className = "media-name";
      name.textContent = (m.title && (m.title.raw || m.title.rendered)) || m.slug;
      b.appendChild(img);
      b.appendChild(name);
      b.addEventListener("click", function () { choose(m); });
      li.appendChild(b);
      list.appendChild(li);
    });
  }

  var loadSeq = 0;
  function load() {
    var seq = ++loadSeq;
    var q = "?media_type=image&per_page=30&context=edit";
    if (search.value) q += "&search=" + encodeURIComponent(search.value);
    fetch(api + q, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, body: j }; }); })
      .then(function (r) {
        if (seq !== loadSeq) return;
        if (!r.ok) { showError(r.body.message || "The library could not be loaded."); return; }
        showError("");
        render(r.body);
      })
      .catch(function () { if (seq === loadSeq) showError("The library could not be loaded."); });
  }

  function escapeAttr(s) {
    return String(s).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function insertIntoBody(m) {
    var alt = m.alt_text || "";
    var src = sitePath(m.source_url);
    var text;
    if (form.dataset.format === "html" || form.dataset.format === "wordpress") {
      var w = m.media_details && m.media_details.width, h = m.media_details && m.media_details.height;
      text = '<img src="' + escapeAttr(src) + '" alt="' + escapeAttr(alt) + '"' +
        (w && h ? ' width="' + w + '" height="' + h + '"' : "") + ">";
    } else {
      // Library keys are letters, digits, dashes and dots: the URL needs no escaping.
      text = "![" + alt.replace(/([\[\]\\])/g, "\\$1") + "](" + src + ")";
    }
    var start = cursor ? cursor.start : body.value.length, end = cursor ? cursor.end : start;
    body.setRangeText(text, start, end, "end");
    body.focus();
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function setFeatured(m) {
    urlField.value = sitePath(m.source_url);
    idField.value = m.id;
    if (m.alt_text) altField.value = m.alt_text;
    preview.src = smallest(m);
    preview.hidden = false;
    urlField.dispatchEvent(new Event("input", { bubbles: true }));
    if (!altField.value) altField.focus();
  }

  function choose(m) {
    if (mode === "insert") insertIntoBody(m); else setFeatured(m);
    dialog.close();
  }

  function upload(f) {
    if (!f) return;
    showError("");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", api);
    xhr.setRequestHeader("Content-Type", f.type || "application/octet-stream");
    // RFC 6266: a plain name for old servers, the UTF-8 one for the rest.
    var ascii = f.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
    xhr.setRequestHeader("Content-Disposition", 'attachment; filename="' + ascii + '"; filename*=UTF-8\'\'' + encodeURIComponent(f.name));
    progress.hidden = false;
    progress.value = 0;
    status.textContent = "Uploading " + f.name + "…";
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) progress.value = Math.round(100 * e.loaded / e.total);
    });
    xhr.addEventListener("load", function () {
      progress.hidden = true;
      var j = null;
      try { j = JSON.parse(xhr.responseText); } catch (e) { /* not JSON: a proxy's page */ }
      if (xhr.status === 201 && j) {
        status.textContent = f.name + " uploaded.";
        choose(j);
        return;
      }
      status.textContent = "";
      showError((j && j.message) || ("The upload failed (" + xhr.status + ")."));
    });
    xhr.addEventListener("error", function () {
      progress.hidden = true;
      status.textContent = "";
      showError("The upload failed: the connection broke off.");
    });
    xhr.send(f);
  }

  function open(m) {
    mode = m;
    cursor = m === "insert" ? { start: body.selectionStart, end: body.selectionEnd } : null;
    document.getElementById("media-picker-title").textContent = m === "insert" ? "Add an image to the post" : "Choose the featured image";
    status.textContent = "";
    showError("");
    dialog.showModal();
    load();
  }

  document.getElementById("choose-featured").addEventListener("click", function () { open("featured"); });
  document.getElementById("insert-media").addEventListener("click", function () { open("insert"); });
  document.getElementById("remove-featured").addEventListener("click", function () {
    urlField.value = "";
    altField.value = "";
    idField.value = "";
    preview.hidden = true;
    preview.removeAttribute("src");
    urlField.dispatchEvent(new Event("input", { bubbles: true }));
  });
  // A URL typed by hand is no longer the library file.
  urlField.addEventListener("input", function (e) {
    if (e.isTrusted) idField.value = "";
  });
  var timer = null;
  search.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(load, 250);
  });
  file.addEventListener("change", function () {
    upload(file.files[0]);
    file.value = "";
  });
})();
