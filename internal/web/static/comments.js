// Moves the comment form under the comment being replied to, like WordPress's
// comment-reply.js. Without JavaScript the Reply links still work (?replytocom=ID#respond).
(function () {
  "use strict";
  var respond = document.getElementById("respond");
  if (!respond) return;
  var parentInput = document.getElementById("comment_parent");
  var title = document.getElementById("reply-title-text");
  var cancel = document.getElementById("cancel-comment-reply-link");
  // The page says it in the site's language (data-default on the title).
  var defaultTitle = title.getAttribute("data-default") || title.textContent;
  // A placeholder marks where the form lives when it is not replying to anyone.
  var home = document.createElement("div");
  home.id = "respond-home";
  home.hidden = true;
  var comments = document.getElementById("comments");
  if (parentInput.value === "0" || parentInput.value === "") {
    respond.parentNode.insertBefore(home, respond);
  } else if (comments) {
    comments.appendChild(home);
  }

  function moveTo(link) {
    var below = document.getElementById(link.getAttribute("data-belowelement"));
    if (!below) return false;
    below.parentNode.insertBefore(respond, below.nextSibling);
    parentInput.value = link.getAttribute("data-commentid");
    title.textContent = link.getAttribute("data-replyto");
    cancel.hidden = false;
    var field = document.getElementById("comment");
    if (field) field.focus();
    return true;
  }

  function reset() {
    home.parentNode.insertBefore(respond, home);
    parentInput.value = "0";
    title.textContent = defaultTitle;
    cancel.hidden = true;
  }

  document.addEventListener("click", function (e) {
    var link = e.target.closest && e.target.closest(".comment-reply-link");
    if (link && moveTo(link)) {
      e.preventDefault();
      return;
    }
    if (e.target === cancel) {
      e.preventDefault();
      reset();
    }
  });
})();
