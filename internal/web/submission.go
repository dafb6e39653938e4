package web

import (
	"net/http"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
)

// submission is a comment form as the comments service takes it; the service decides what the
// stamp, honeypot and commenter key are worth.
func submission(r *http.Request, postID, parentID int64, f *commentForm, u *broadside.User, key string) comments.Submission {
	return comments.Submission{
		PostID: postID, ParentID: parentID,
		Author: f.Author, Email: f.Email, URL: f.URL, Body: f.Body,
		IP: ClientIP(r), UserAgent: r.UserAgent(), User: u, Via: comments.ViaForm,
		Honeypot: r.PostForm.Get("website_hp"), Stamp: r.PostForm.Get("ts"), CommenterKey: key,
		NotifyAll: r.PostForm.Get("notify_comments") != "", NotifyReplies: r.PostForm.Get("notify_replies") != "",
	}
}
