// The post editor: relabels the main button when the publish date moves into or out of the
// future (the server decides from the button pressed, so the page works without this), and
// warns before leaving the page with unsaved changes.
(function () {
  "use strict";
  var form = document.getElementById("editor");
  if (!form) return;
  var primary = document.getElementById("primary-action");
  var date = document.getElementById("published_at");

  // The date field is in the site's time zone; data-now is the site's time when the page was
  // made. Reading both as UTC compares them without knowing the zone.
  var base = Date.parse(form.dataset.now + ":00Z");
  var loaded = Date.now();
  function inFuture() {
    var v = date && date.value;
    if (!v || isNaN(base)) return false;
    var t = Date.parse((v.length === 16 ? v + ":00" : v) + "Z");
    return t > base + (Date.now() - loaded);
  }
  function relabel() {
    if (!primary || primary.dataset.mode !== "auto") return;
    var future = inFuture();
    primary.value = future ? "schedule" : "publish";
    primary.textContent = future ? "Schedule" : "Publish";
  }
  if (date) {
    date.addEventListener("input", relabel);
    date.addEventListener("change", relabel);
  }

  var dirty = false;
  var edits = 0; // bumped by every change, so an autosave knows whether it caught the latest
  function changed() { dirty = true; edits++; scheduleAutosave(); }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function (e) {
    // Preview opens the unsaved version in another tab: nothing is saved, so stay dirty.
    if (e.submitter && e.submitter.value === "preview") return;
    dirty = false;
  });

  // Autosave: a few seconds after typing stops, at least every 30 s while editing, and when
  // the tab is hidden. An author's draft is saved in place; edits to anything else are kept
  // apart as an autosave the editor offers to restore, never changing the live post.
  var status = document.getElementById("autosave-status");
  var url = status && status.dataset.url;
  var saved = 0, busy = false, pause = null, last = Date.now();
  function field(name) { var el = form.elements[name]; return el ? el.value : ""; }
  function autosave(leaving) {
    if (!url || busy || edits === saved) return;
    busy = true;
    var at = edits;
    var body = new URLSearchParams();
    body.set("title", field("title"));
    body.set("body", field("body"));
    body.set("excerpt", field("excerpt"));
    var open = form.elements["comments_open"];
    if (open && open.checked) body.set("comments_open", "1");
    status.textContent = "Saving…";
    fetch(url, { method: "POST", body: body, credentials: "same-origin", keepalive: !!leaving,
      headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, j: j }; }); })
      .then(function (res) {
        busy = false;
        last = Date.now();
        if (!res.ok || !res.j.ok) {
          status.textContent = "Autosave failed: " + (res.j.error || "try saving by hand.");
          return;
        }
        saved = at;
        if (res.j.edit_url) { // a new post became a draft: from now on it is edited in place
          form.action = res.j.edit_url;
          url = res.j.edit_url + "/autosave";
          history.replaceState(null, "", res.j.edit_url);
        }
        status.textContent = (res.j.kind === "draft" ? "Draft saved at " : "Autosaved at ") + res.j.saved_at + ".";
        status.dataset.saved = String(saved);
        if (edits === at) dirty = false; // everything typed is on the server now
      })
      .catch(function () { busy = false; status.textContent = "Autosave failed: the server could not be reached."; });
  }
  function scheduleAutosave() {
    clearTimeout(pause);
    pause = setTimeout(autosave, 3000);
    if (Date.now() - last > 30000) autosave();
  }
  setInterval(function () { if (Date.now() - last > 30000) autosave(); }, 10000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") autosave(true);
  });
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = ""; // older browsers show their own message only when this is set
  });
})();
