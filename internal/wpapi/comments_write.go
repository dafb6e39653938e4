package wpapi

import (
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
)

func sortStable[T any](xs []T, less func(a, b T) bool) {
	sort.SliceStable(xs, func(i, j int) bool { return less(xs[i], xs[j]) })
}

// POST /wp/v2/comments
// Anyone may comment (Broadside allows anonymous comments through the API, which WordPress
// leaves to a filter); the comment goes through the comments service exactly like the form
// (access, moderation rules, disallowed words, links, per-IP rate limit, duplicates). An
// anonymous API client has neither a form stamp nor a commenter key, so it cannot show that
// a human loaded a form or that it wrote an approved comment before: its comments are always
// held for moderation. A signed-in client (application password or cookie session) is known
// by its account, which is the proof of identity.
func (q *req) createComment() (*result, error) {
	mod := q.user.CanModerate()
	if q.p.has("id") {
		return nil, newErr(http.StatusBadRequest, "rest_comment_exists", "Cannot create existing comment.")
	}
	if t := q.p.str("type"); t != "" && t != broadside.KindComment {
		return nil, newErr(http.StatusBadRequest, "rest_invalid_comment_type", "Cannot create a comment with that type.")
	}
	var c checker
	postID := int64(c.integer(&q.p, "post", 0, 0, 0))
	parentID := int64(c.integer(&q.p, "parent", 0, 0, 0))
	authorID := int64(c.integer(&q.p, "author", 0, 0, 0))
	if err := c.err(); err != nil {
		return nil, err
	}
	notAllowed := func(param string) error {
		return newErr(q.authCode(), "rest_comment_invalid_"+param, "Sorry, you are not allowed to edit '"+param+"' for comments.")
	}
	switch {
	case q.p.has("author") && (q.user == nil || authorID != q.user.ID) && !mod:
		return nil, notAllowed("author")
	case q.p.has("author_ip") && !mod && q.p.str("author_ip") != q.ip():
		return nil, notAllowed("author_ip")
	case q.p.has("status") && !mod:
		return nil, notAllowed("status")
	}
	noPost := newErr(http.StatusForbidden, "rest_comment_invalid_post_id", "Sorry, you are not allowed to create this comment without a post.")
	if postID == 0 {
		return nil, noPost
	}
	p, err := q.loadPost("", postID)
	if err != nil {
		return nil, noPost
	}
	switch {
	case p.Status == broadside.StatusDraft:
		return nil, newErr(http.StatusForbidden, "rest_comment_draft_post", "Sorry, you are not allowed to create a comment on this post.")
	case !p.IsPublic(q.a.now()):
		return nil, newErr(q.authCode(), "rest_cannot_read_post", "Sorry, you are not allowed to read the post for this comment.")
	case !p.CommentsOpen:
		return nil, errCommentsClosed()
	}
	if err := q.discussionErr(p); err != nil {
		return nil, err
	}
	body, _ := q.p.text("content")
	if strings.TrimSpace(body) == "" {
		return nil, &apiError{Code: "rest_comment_content_invalid", Message: "Invalid comment content.", Status: http.StatusBadRequest,
			Params: map[string]string{"content": "Please type your comment."}}
	}
	sub := comments.Submission{PostID: p.ID, ParentID: parentID, Author: q.p.str("author_name"), Email: q.p.str("author_email"),
		URL: q.p.str("author_url"), Body: body, IP: q.ip(), UserAgent: q.r.UserAgent(), Post: p, Via: comments.ViaAPI,
		PostPassword: q.p.str("password")} // the service checks it again (discussionErr throttled the guesses)
	if ua := q.p.str("author_user_agent"); ua != "" {
		sub.UserAgent = ua
	}
	if st, given := q.p.lookup("status"); given { // only a moderator gets here with one (refused above)
		sub.Status, sub.StatusBy = commentStatuses[scalar(st)], q.user // an unknown one ("") leaves it to the rules
	}
	if q.user != nil && sub.Author == "" && sub.Email == "" && sub.URL == "" {
		sub.User = q.user // WordPress fills a signed-in user's details when none were given
	}
	if sub.User == nil && q.site.Settings().Discussion.RequireNameEmail {
		missing := map[string]string{}
		if strings.TrimSpace(sub.Author) == "" {
			missing["author_name"] = "Please enter your name."
		}
		if strings.TrimSpace(sub.Email) == "" {
			missing["author_email"] = "Please enter your email address (it will not be published)."
		}
		if len(missing) > 0 {
			return nil, &apiError{Code: "rest_comment_author_data_required", Message: "Creating a comment requires valid author name and email values.",
				Status: http.StatusBadRequest, Params: missing}
		}
	}
	res, err := q.a.Comments.Submit(q.ctx, sub)
	if err != nil {
		switch broadside.ErrorCode(err) {
		case broadside.ECONFLICT:
			return nil, newErr(http.StatusConflict, "comment_duplicate", broadside.ErrorMessage(err))
		case broadside.ETOOMANYREQUEST:
			q.retryAfter(err) // the sliding window's own wait
			return nil, newErr(http.StatusBadRequest, "comment_flood", broadside.ErrorMessage(err))
		case broadside.EFORBIDDEN:
			return nil, errCommentsClosed()
		case broadside.ENOTFOUND:
			return nil, noPost
		}
		return nil, q.domainErr(err, "rest_comment_invalid_post_id", "Sorry, you are not allowed to create this comment without a post.")
	}
	cm := res.Comment
	context := "view"
	if mod {
		context = "edit"
	}
	q.header().Set("Location", q.rest(Namespace+"/comments/"+strconv.FormatInt(cm.ID, 10)))
	return &result{status: http.StatusCreated, body: q.commentObject(cm, p, context)}, nil
}

func errCommentsClosed() *apiError {
	return newErr(http.StatusForbidden, "rest_comment_closed", "Sorry, comments are closed for this item.")
}

func (q *req) ip() string {
	if q.a.ClientIP == nil {
		return ""
	}
	return q.a.ClientIP(q.r)
}

// POST|PUT|PATCH /wp/v2/comments/{id}
// Moderation: status approve/hold/spam/trash, and edits of the author fields and content.
// Editors and administrators only (Broadside's moderation rule, stricter than WordPress,
// which also lets authors moderate comments on their own posts).
func (q *req) updateComment() (*result, error) {
	cm, p, err := q.loadComment()
	if err != nil {
		return nil, err
	}
	if !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_cannot_edit", "Sorry, you are not allowed to edit this comment.")
	}
	if t := q.p.str("type"); t != "" && t != cm.Kind {
		return nil, newErr(http.StatusNotFound, "rest_comment_invalid_type", "Sorry, you are not allowed to change the comment type.")
	}
	var c checker
	if q.p.has("post") && int64(c.integer(&q.p, "post", 0, 0, 0)) != cm.PostID {
		c.bad("post", "rest_comment_move_unsupported", "Moving a comment to another post is not supported.")
	}
	if q.p.has("parent") && int64(c.integer(&q.p, "parent", 0, 0, 0)) != cm.ParentID {
		c.bad("parent", "rest_comment_move_unsupported", "Moving a comment in its thread is not supported.")
	}
	status := cm.Status
	if q.p.has("status") {
		s, known := commentStatuses[q.p.str("status")]
		if !known {
			c.bad("status", "rest_not_in_enum", "status is not one of approve, approved, hold, spam, and trash.")
		}
		status = s
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	e := comments.Edit{Author: cm.AuthorName, Email: cm.AuthorEmail, URL: cm.AuthorURL, Body: cm.RawBody, Status: status}
	edited := false
	for name, dst := range map[string]*string{"author_name": &e.Author, "author_email": &e.Email, "author_url": &e.URL} {
		if q.p.has(name) {
			*dst, edited = q.p.str(name), true
		}
	}
	if body, given := q.p.text("content"); given {
		if strings.TrimSpace(body) == "" {
			return nil, newErr(http.StatusBadRequest, "rest_comment_content_invalid", "Invalid comment content.")
		}
		e.Body, edited = body, true
	}
	switch {
	case edited:
		cm, err = q.a.Comments.Update(q.ctx, cm.ID, e, q.user)
	case status != cm.Status:
		_, err = q.a.Comments.SetStatus(q.ctx, []int64{cm.ID}, status, q.user)
		cm.Status = status
	}
	if err != nil {
		return nil, q.domainErr(err, "rest_comment_invalid_id", "Invalid comment ID.")
	}
	return ok(q.commentObject(cm, p, "edit"))
}

// DELETE /wp/v2/comments/{id}
// Without force the comment goes to the trash (410 when it is there already); force=true
// deletes it for good and answers {"deleted": true, "previous": …}.
func (q *req) deleteComment() (*result, error) {
	cm, p, err := q.loadComment()
	if err != nil {
		return nil, err
	}
	if !q.user.CanModerate() {
		return nil, newErr(q.authCode(), "rest_cannot_delete", "Sorry, you are not allowed to delete this comment.")
	}
	var c checker
	force := c.boolean(&q.p, "force", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	if !force {
		if cm.Status == broadside.CommentTrash {
			return nil, newErr(http.StatusGone, "rest_already_trashed", "The comment has already been trashed.")
		}
		if _, err := q.a.Comments.SetStatus(q.ctx, []int64{cm.ID}, broadside.CommentTrash, q.user); err != nil {
			return nil, err
		}
		cm.Status = broadside.CommentTrash
		return ok(q.commentObject(cm, p, "edit"))
	}
	previous := q.commentObject(cm, p, "edit")
	if cm.Status != broadside.CommentSpam && cm.Status != broadside.CommentTrash {
		// The service deletes only what is already in the trash or spam, so that the admin's
		// delete button cannot destroy a published comment by mistake; force=true is the
		// API's explicit "delete permanently".
		if _, err := q.a.Comments.SetStatus(q.ctx, []int64{cm.ID}, broadside.CommentTrash, q.user); err != nil {
			return nil, err
		}
	}
	if err := q.a.Comments.Delete(q.ctx, cm.ID, q.user); err != nil {
		return nil, q.domainErr(err, "rest_comment_invalid_id", "Invalid comment ID.")
	}
	return ok(obj{{"deleted", true}, {"previous", previous}})
}
