// The "Discover more" prompt: a panel at the foot of the window, shown once a reader is
// well into a post. It never covers the text (no backdrop, no scroll lock), closes with its
// buttons or Escape, and stays away for 30 days after it was dismissed or the reader
// subscribed. Without JavaScript the same form is in the page under the post.
(function () {
  "use strict";
  var KEY = "bs-subscribe-dismissed";
  var DAYS = 30;
  var overlay = document.getElementById("subscribe-overlay");

  function remember() {
    try { localStorage.setItem(KEY, String(Date.now())); } catch (e) { /* private mode */ }
  }
  function dismissedRecently() {
    try {
      var t = parseInt(localStorage.getItem(KEY) || "0", 10);
      return t > 0 && Date.now() - t < DAYS * 24 * 3600 * 1000;
    } catch (e) {
      return false;
    }
  }

  // Subscribing from any form on the page counts as an answer.
  document.addEventListener("submit", function (e) {
    if (e.target.classList && e.target.classList.contains("subscribe-form")) remember();
  });

  if (!overlay || dismissedRecently()) return;

  var opener = null;
  function show() {
    if (!overlay.hidden) return;
    opener = document.activeElement;
    overlay.hidden = false;
    document.documentElement.classList.add("has-subscribe-overlay");
  }
  function hide() {
    overlay.hidden = true;
    document.documentElement.classList.remove("has-subscribe-overlay");
    remember();
    if (opener && opener.focus) opener.focus();
  }

  overlay.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-dismiss-subscribe]")) {
      e.preventDefault();
      hide();
    }
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && !overlay.hidden) hide();
  });

  // Show the panel when the reader has read half of the page, or after a minute.
  function onScroll() {
    var doc = document.documentElement;
    var seen = (window.scrollY + window.innerHeight) / Math.max(doc.scrollHeight, 1);
    if (seen > 0.5 && window.scrollY > 200) {
      window.removeEventListener("scroll", onScroll);
      show();
    }
  }
  window.addEventListener("scroll", onScroll, { passive: true });
  window.setTimeout(function () {
    window.removeEventListener("scroll", onScroll);
    if (!dismissedRecently()) show();
  }, 60000);
})();
