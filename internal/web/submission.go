package web

import (
	"net/http"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/comments"
)

func submission(r *http.Request, postID, parentID int64, f *commentForm, u *broadside.User, loaded time.Time) comments.Submission {
	return comments.Submission{
		PostID: postID, ParentID: parentID,
		Author: f.Author, Email: f.Email, URL: f.URL, Body: f.Body,
		IP: ClientIP(r), UserAgent: r.UserAgent(), User: u,
		Honeypot: r.PostForm.Get("website_hp"), FormLoaded: loaded, CheckTiming: true,
	}
}
