package posts

import (
	"context"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/render"
	"github.com/broadside/broadside/internal/store"
)

// keepRevision runs in the transaction of every save: when the title, body or excerpt
// changed (or the post is new) it stores them as a revision by user, and it drops user's
// autosave, which the save supersedes.
func (s *Service) keepRevision(ctx context.Context, tx *store.Store, p *broadside.Post, user *broadside.User, changed bool) error {
	if changed {
		if err := tx.AddRevision(ctx, &broadside.Revision{PostID: p.ID, AuthorID: user.ID, Title: p.Title, TitleMarkup: p.RawTitleMarkup,
			RawBody: p.RawBody, RawExcerpt: p.RawExcerpt, BodyFormat: p.BodyFormat, CreatedAt: s.Now()}); err != nil {
			return err
		}
	}
	return tx.DeleteAutosave(ctx, p.ID, user.ID)
}

// editable loads a post user may edit (the one check, mayWrite).
func (s *Service) editable(ctx context.Context, id int64, user *broadside.User) (*broadside.Post, error) {
	p, err := s.Store.PostByID(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := s.mayWrite(user, p); err != nil {
		return nil, err
	}
	return p, nil
}

// Revisions returns the saved revisions of post id, newest first, for those who may edit it.
func (s *Service) Revisions(ctx context.Context, id int64, user *broadside.User) ([]broadside.Revision, error) {
	if _, err := s.editable(ctx, id, user); err != nil {
		return nil, err
	}
	return s.Store.Revisions(ctx, id, broadside.RevisionSaved)
}

// RevisionCount returns how many saved revisions post id has and the id of the newest. It
// asks for no permission: WordPress names both in the links of every post it serves (the
// version-history link), while reading the revisions themselves needs the right to edit.
func (s *Service) RevisionCount(ctx context.Context, id int64) (int, int64, error) {
	return s.Store.RevisionCount(ctx, id, broadside.RevisionSaved)
}

// Autosaves returns the autosaves of post id (one per author), newest first.
func (s *Service) Autosaves(ctx context.Context, id int64, user *broadside.User) ([]broadside.Revision, error) {
	if _, err := s.editable(ctx, id, user); err != nil {
		return nil, err
	}
	return s.Store.Revisions(ctx, id, broadside.RevisionAutosave)
}

// Revision returns revision (or autosave) rid of post id.
func (s *Service) Revision(ctx context.Context, id, rid int64, user *broadside.User) (*broadside.Revision, error) {
	if _, err := s.editable(ctx, id, user); err != nil {
		return nil, err
	}
	v, err := s.Store.RevisionByID(ctx, rid)
	if err != nil {
		return nil, err
	}
	if v.PostID != id {
		return nil, broadside.Errorf(broadside.ENOTFOUND, "Revision not found.")
	}
	return v, nil
}

// DeleteRevision deletes revision rid of post id.
func (s *Service) DeleteRevision(ctx context.Context, id, rid int64, user *broadside.User) error {
	if _, err := s.Revision(ctx, id, rid, user); err != nil {
		return err
	}
	return s.Store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteRevision(ctx, rid) })
}

// RestoreRevision makes revision (or autosave) rid the current title, body and excerpt of
// post id; the restore is itself a save, so it keeps a revision too.
func (s *Service) RestoreRevision(ctx context.Context, id, rid int64, user *broadside.User) (*broadside.Post, error) {
	v, err := s.Revision(ctx, id, rid, user)
	if err != nil {
		return nil, err
	}
	return s.setContent(ctx, id, v, user, true)
}

// setContent writes v's title, body and excerpt into post id as user, keeping a revision
// when revision is true (a restore) and not otherwise (an autosave of a draft, which, as in
// WordPress, updates the draft without a revision).
func (s *Service) setContent(ctx context.Context, id int64, v *broadside.Revision, user *broadside.User, revision bool) (*broadside.Post, error) {
	p, err := s.editable(ctx, id, user)
	if err != nil {
		return nil, err
	}
	if p.Status == broadside.StatusTrash {
		return nil, broadside.Errorf(broadside.EINVALID, "This %s is in the trash. Restore it before editing it.", p.Type)
	}
	changed := !v.SameContent(p)
	p.Title, p.RawTitleMarkup, p.RawBody, p.RawExcerpt = v.Title, v.TitleMarkup, v.RawBody, v.RawExcerpt
	if v.BodyFormat != "" {
		p.BodyFormat = v.BodyFormat
	}
	p.UpdatedAt = s.Now()
	if err := p.Validate(); err != nil {
		return nil, err
	}
	err = s.Store.InTx(ctx, func(tx *store.Store) error {
		old, err := stored(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if err := tx.UpdatePost(ctx, p); err != nil {
			return err
		}
		if revision {
			if err := s.keepRevision(ctx, tx, p, user, changed); err != nil {
				return err
			}
		} else if err := tx.DeleteAutosave(ctx, p.ID, user.ID); err != nil {
			return err
		}
		return announce(ctx, tx, old, p.ID)
	})
	if err != nil {
		return nil, err
	}
	s.changed()
	return s.Store.PostByID(ctx, id)
}

// AutosaveInput is the unsaved title, body and excerpt the editor sends.
type AutosaveInput struct {
	Title, Body, Excerpt string
}

// Autosave keeps user's unsaved edits of post id. As in WordPress, the author's own draft
// is updated in place (without a revision); for anything else (a published, scheduled or
// pending post, or someone else's draft) the edits go to user's autosave revision and the
// post itself is left alone. It returns the autosave (for an in-place draft, a revision
// value holding what was saved, with ID 0) and the post as stored now.
func (s *Service) Autosave(ctx context.Context, id int64, in AutosaveInput, user *broadside.User) (*broadside.Revision, *broadside.Post, error) {
	p, err := s.editable(ctx, id, user)
	if err != nil {
		return nil, nil, err
	}
	if p.Status == broadside.StatusTrash {
		return nil, nil, broadside.Errorf(broadside.EINVALID, "This %s is in the trash. Restore it before editing it.", p.Type)
	}
	v := &broadside.Revision{PostID: id, AuthorID: user.ID, Author: user, Kind: broadside.RevisionAutosave,
		RawBody:    strings.ReplaceAll(in.Body, "\r\n", "\n"),
		RawExcerpt: strings.TrimSpace(strings.ReplaceAll(in.Excerpt, "\r\n", "\n")), BodyFormat: p.BodyFormat, CreatedAt: s.Now()}
	// The editor sends the title as written, markup included, as a save does.
	v.Title, v.TitleMarkup = render.SplitTitle(strings.TrimSpace(in.Title))
	probe := *p
	probe.Title, probe.RawTitleMarkup, probe.RawBody, probe.RawExcerpt = v.Title, v.TitleMarkup, v.RawBody, v.RawExcerpt
	if err := probe.Validate(); err != nil {
		return nil, nil, err
	}
	if p.Status == broadside.StatusDraft && p.AuthorID == user.ID {
		np, err := s.setContent(ctx, id, v, user, false)
		if err != nil {
			return nil, nil, err
		}
		return v, np, nil
	}
	if v.SameContent(p) {
		// Nothing unsaved: an old autosave would only offer to bring back older text.
		if err := s.Store.InTx(ctx, func(tx *store.Store) error { return tx.DeleteAutosave(ctx, id, user.ID) }); err != nil {
			return nil, nil, err
		}
		return v, p, nil
	}
	if err := s.Store.InTx(ctx, func(tx *store.Store) error { return tx.SaveAutosave(ctx, v) }); err != nil {
		return nil, nil, err
	}
	return v, p, nil
}

// PendingAutosave returns user's autosave of p when it is newer than p's last save and
// differs from it (what the editor offers to restore), or nil.
func (s *Service) PendingAutosave(ctx context.Context, p *broadside.Post, user *broadside.User) (*broadside.Revision, error) {
	if user == nil || p == nil || p.ID == 0 {
		return nil, nil
	}
	autos, err := s.Store.Revisions(ctx, p.ID, broadside.RevisionAutosave)
	if err != nil {
		return nil, err
	}
	for i := range autos {
		a := &autos[i]
		if a.AuthorID == user.ID && a.CreatedAt.After(p.UpdatedAt) && !a.SameContent(p) {
			return a, nil
		}
	}
	return nil, nil
}

// LatestVersion returns p with the newest unsaved autosave (of any author) laid over its
// title, body and excerpt when that autosave is newer than p's last save: what a shared
// preview link shows.
func (s *Service) LatestVersion(ctx context.Context, p *broadside.Post) (*broadside.Post, error) {
	autos, err := s.Store.Revisions(ctx, p.ID, broadside.RevisionAutosave)
	if err != nil {
		return nil, err
	}
	if len(autos) == 0 || !autos[0].CreatedAt.After(p.UpdatedAt) {
		return p, nil
	}
	cp := *p
	cp.Title, cp.RawBody, cp.RawExcerpt = autos[0].Title, autos[0].RawBody, autos[0].RawExcerpt
	return &cp, nil
}
