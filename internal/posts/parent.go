package posts

import (
	"context"

	"github.com/broadside/broadside"
)

// maxPageDepth bounds the walk up a page's ancestors; no real site nests pages this deep.
const maxPageDepth = 100

// checkPageParent is the one check of a page's new parent, for every channel (the admin's form
// offers only valid choices, the REST API sends any id): an existing page, not in the trash,
// that is not p itself or one of its subpages, which would make a loop. A post has no parent.
// Only a changed parent is checked, so a page whose parent was deleted can still be saved.
func (s *Service) checkPageParent(ctx context.Context, p *broadside.Post, parent int64) error {
	if parent == 0 {
		return nil
	}
	bad := &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"parent": "Choose an existing page that is not this page or one of its subpages."}}
	if p.Type != broadside.TypePage {
		return bad
	}
	seen := map[int64]bool{}
	for id, depth := parent, 0; id != 0; depth++ {
		if (p.ID != 0 && id == p.ID) || seen[id] || depth > maxPageDepth {
			return bad
		}
		seen[id] = true
		a, err := s.Store.PostByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			if id == parent {
				return bad
			}
			return nil // an ancestor further up is gone: the chain ends there
		} else if err != nil {
			return err
		}
		if id == parent && (a.Type != broadside.TypePage || a.Status == broadside.StatusTrash) {
			return bad
		}
		id = a.ParentID
	}
	return nil
}
