package posts

import (
	"context"
	"fmt"
	"time"

	"github.com/broadside/broadside"
)

// Bulk actions of the posts list.
const (
	BulkPublish  = "publish"
	BulkDraft    = "draft"
	BulkTrash    = "trash"
	BulkRestore  = "restore"
	BulkDelete   = "delete" // permanently; only posts in the trash
	BulkCategory = "category"
)

// BulkResult counts what a bulk action did and names why the rest were skipped.
type BulkResult struct {
	Done    int
	Skipped []string // "“Title”: reason", in the order of the ids
}

// Bulk applies action to each post of ids as user, each through the same method a single
// post's button uses (Save, Trash, Restore, DeleteForever), so every capability check holds
// per post. categoryID is the category of BulkCategory (replacing the posts' categories).
func (s *Service) Bulk(ctx context.Context, action string, ids []int64, categoryID int64, user *broadside.User) (BulkResult, error) {
	var res BulkResult
	switch action {
	case BulkPublish, BulkDraft, BulkTrash, BulkRestore, BulkDelete:
	case BulkCategory:
		if _, err := s.Store.CategoryByID(ctx, categoryID); err != nil {
			return res, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
				Fields: map[string]string{"category": "Choose an existing category."}}
		}
	default:
		return res, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"action": "Choose publish, draft, trash, restore, delete permanently or set category."}}
	}
	if len(ids) == 0 {
		return res, &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"ids": "Select at least one item."}}
	}
	for _, id := range ids {
		p, err := s.Store.PostByID(ctx, id)
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			continue
		} else if err != nil {
			return res, err
		}
		if err := s.bulkOne(ctx, action, p, categoryID, user); err != nil {
			if code := broadside.ErrorCode(err); code == broadside.EINTERNAL || code == "" {
				return res, err
			}
			title := p.Title
			if title == "" {
				title = "(no title)"
			}
			res.Skipped = append(res.Skipped, fmt.Sprintf("“%s”: %s", title, broadside.ErrorMessage(err)))
			continue
		}
		res.Done++
	}
	return res, nil
}

func (s *Service) bulkOne(ctx context.Context, action string, p *broadside.Post, categoryID int64, user *broadside.User) error {
	switch action {
	case BulkTrash:
		_, err := s.Trash(ctx, p.ID, user)
		return err
	case BulkRestore:
		_, err := s.Restore(ctx, p.ID, user)
		return err
	case BulkDelete:
		return s.DeleteForever(ctx, p.ID, user)
	}
	in := InputOf(p)
	switch action {
	case BulkPublish:
		if p.Status == broadside.StatusPublished {
			return nil
		}
		in.Status = broadside.StatusPublished
		if p.Status != broadside.StatusScheduled {
			in.PublishedAt = time.Time{} // publishing a draft: now, not when the draft was started
		}
	case BulkDraft:
		in.Status = broadside.StatusDraft
	case BulkCategory:
		if p.Type != broadside.TypePost {
			return broadside.Errorf(broadside.EINVALID, "Pages have no categories.")
		}
		in.CategoryIDs = []int64{categoryID}
	}
	_, err := s.Save(ctx, p.ID, in, user)
	return err
}

// InputOf is the input that saves p unchanged: the starting point of a change to a few of
// its fields.
func InputOf(p *broadside.Post) Input {
	in := Input{Type: p.Type, Title: p.Title, Slug: p.Slug, Body: p.RawBody, BodyFormat: p.BodyFormat,
		Excerpt: p.RawExcerpt, Status: p.Status, PublishedAt: p.PublishedAt, FeaturedImageURL: p.FeaturedImageURL,
		FeaturedImageAlt: p.FeaturedImageAlt, CommentsOpen: p.CommentsOpen, ParentID: p.ParentID, AuthorID: p.AuthorID}
	for _, c := range p.Categories {
		in.CategoryIDs = append(in.CategoryIDs, c.ID)
	}
	for _, t := range p.Tags {
		in.Tags = append(in.Tags, t.Name)
	}
	return in
}
