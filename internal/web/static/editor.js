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
  function changed() { dirty = true; }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { dirty = false; });
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = ""; // older browsers show their own message only when this is set
  });
})();
