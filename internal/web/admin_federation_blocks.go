package web

import (
	"net/http"
	"strconv"

	"github.com/broadside/broadside"
)

// Blocks of remote servers and accounts (the rule and its enforcement are the federation
// service's: internal/activitypub/blocks.go).

type fedBlocksData struct {
	adminPage
	Kind, Value, Note string
	Blocks            []fedBlockRow
}

type fedBlockRow struct {
	ID                int64
	Kind, Value, Note string
	Date              string
}

// GET /admin/federation/blocks
func (s *Server) handleFedBlockList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.renderFedBlocks(w, r, u, http.StatusOK, &fedBlocksData{Kind: broadside.BlockDomain})
}

func (s *Server) renderFedBlocks(w http.ResponseWriter, r *http.Request, u *broadside.User, status int, d *fedBlocksData) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	blocks, err := s.Federation.Blocks(r.Context())
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "federation", "Blocked servers and accounts")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	for _, b := range blocks {
		d.Blocks = append(d.Blocks, fedBlockRow{ID: b.ID, Kind: b.Kind, Value: b.Value, Note: b.Note, Date: formatDateTime(v.Site.Local(b.CreatedAt))})
	}
	v.Data = d
	s.page(w, r, status, "admin/federation_blocks", v)
	return nil
}

// POST /admin/federation/blocks
func (s *Server) handleFedBlockCreate(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	d := &fedBlocksData{Kind: r.PostForm.Get("kind"), Value: r.PostForm.Get("value"), Note: r.PostForm.Get("note")}
	b, removed, err := s.Federation.AddBlock(r.Context(), d.Kind, d.Value, d.Note, u)
	if err != nil {
		if code := statusOf(err); code >= 500 || code == http.StatusForbidden {
			return err
		}
		d.formErr(err)
		return s.renderFedBlocks(w, r, u, statusOf(err), d)
	}
	s.Log.Info("federation block added", "user_id", u.ID, "kind", b.Kind, "value", b.Value, "followers_removed", removed)
	msg := "Blocked " + b.Value + "."
	if removed > 0 {
		msg += " Removed " + strconv.FormatInt(removed, 10) + " follower(s) covered by the block."
	}
	s.flash(w, r, msg)
	redirect(w, r, "/admin/federation/blocks")
	return nil
}

// POST /admin/federation/blocks/{id}/delete
func (s *Server) handleFedBlockDelete(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Federation.RemoveBlock(r.Context(), id, u); err != nil {
		return err
	}
	s.Log.Info("federation block lifted", "user_id", u.ID, "block_id", id)
	s.flash(w, r, "Block lifted. Accounts there can follow the site again.")
	redirect(w, r, "/admin/federation/blocks")
	return nil
}
