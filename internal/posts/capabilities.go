package posts

import "github.com/broadside/broadside"

// mayWrite is the one check of who may create, edit, publish or delete p (p.ID 0: a new
// post of p.Type), for every channel that writes posts: the admin and the REST API call
// Save and Delete and keep no copy of it. The capabilities themselves are the domain's
// (broadside.User.CanCreate, CanEditPost).
//
// An attachment's page (broadside.TypeAttachment, made by the import) is the attachment's,
// edited with its file as WordPress does, never as a post: no channel saves, trashes or
// deletes it here. One trashed before that rule held may still be restored.
func (s *Service) mayWrite(u *broadside.User, p *broadside.Post) error {
	noun := "posts"
	if p.Type == broadside.TypePage {
		noun = "pages"
	}
	switch {
	case u == nil:
		return broadside.Errorf(broadside.EUNAUTHORIZED, "Sign in to write %s.", noun)
	case p.Type == broadside.TypeAttachment && p.Status != broadside.StatusTrash:
		return broadside.Errorf(broadside.EINVALID, "This is the page of an attachment: edit the file under Media, and its comments under Comments.")
	case p.ID == 0 && !u.CanCreate(p.Type):
		return broadside.Errorf(broadside.EFORBIDDEN, "Your role cannot create %s.", noun)
	case p.ID != 0 && !u.CanEditPost(p):
		if !u.CanCreate(p.Type) {
			return broadside.Errorf(broadside.EFORBIDDEN, "Your role cannot edit %s.", noun)
		}
		return broadside.Errorf(broadside.EFORBIDDEN, "You can only edit your own %s.", noun)
	}
	return nil
}
