package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/subscriptions"
)

// The admin's way back from mail trouble: lifting bounce suspensions in bulk and resuming a
// newsletter that paused itself. Routes are in routes.go.

type suspensionRow struct {
	PostID       int64
	Title, First string
	Count        int
}

type suspendedData struct {
	adminPage
	Total  int
	Groups []suspensionRow
	Rows   []subscriberRow
	More   int // suspended subscribers not listed for ticking
	// Confirm is set on the confirmation step: how many the choice restores, and the
	// choice itself to submit again.
	Confirm *liftConfirm
}

type liftConfirm struct {
	Count  int
	What   string
	Fields url.Values
}

const suspendedListed = 200

// GET /admin/subscribers/suspended
func (s *Server) handleSuspended(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.renderSuspended(w, r, u, http.StatusOK, nil, nil)
}

func (s *Server) renderSuspended(w http.ResponseWriter, r *http.Request, u *broadside.User, code int, confirm *liftConfirm, formErr error) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	ctx := r.Context()
	groups, err := s.Subscriptions.SuspensionGroups(ctx, u)
	if err != nil {
		return err
	}
	v, ap := s.adminView(w, r, "subscribers", "Suspended subscribers")
	if formErr != nil {
		ap.formErr(formErr)
	}
	d := &suspendedData{adminPage: ap, Confirm: confirm}
	st := v.Site
	for _, g := range groups {
		row := suspensionRow{PostID: g.PostID, Title: g.PostTitle, Count: g.Count}
		if g.PostID != 0 && row.Title == "" {
			row.Title = "(deleted post)"
		}
		if !g.First.IsZero() {
			row.First = formatDate(st.Local(g.First))
		}
		d.Groups = append(d.Groups, row)
		d.Total += g.Count
	}
	rows, n, err := s.Subscriptions.Suspended(ctx, u, suspendedListed)
	if err != nil {
		return err
	}
	for _, sub := range rows {
		d.Rows = append(d.Rows, subscriberRow{ID: sub.ID, Email: sub.Email, Name: sub.Name, Status: sub.LastError,
			Date: formatDate(st.Local(sub.UpdatedAt))})
	}
	d.More = n - len(rows)
	v.Data = d
	s.page(w, r, code, "admin/suspended", v)
	return nil
}

// POST /admin/subscribers/suspended/lift
// Two steps: the first answers with how many subscribers the choice restores; the second
// (confirm=1, the same choice) lifts their suspensions.
func (s *Server) handleLiftSuspensions(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	in, what, err := liftInput(r.PostForm, st.loc)
	if err != nil {
		return s.renderSuspended(w, r, u, statusOf(err), nil, err)
	}
	if r.PostForm.Get("confirm") != "1" {
		n, err := s.Subscriptions.CountSuspended(r.Context(), u, in)
		if err != nil {
			return s.renderSuspended(w, r, u, statusOf(err), nil, err)
		}
		fields := url.Values{}
		for _, k := range []string{"post", "since", "id", "all"} {
			if vs := r.PostForm[k]; len(vs) > 0 {
				fields[k] = vs
			}
		}
		return s.renderSuspended(w, r, u, http.StatusOK, &liftConfirm{Count: n, What: what, Fields: fields}, nil)
	}
	n, err := s.Subscriptions.LiftSuspensions(r.Context(), u, in)
	if err != nil {
		return s.renderSuspended(w, r, u, statusOf(err), nil, err)
	}
	s.flash(w, r, plural(int(n), "subscriber", "subscribers")+" will receive newsletters again.")
	redirect(w, r, "/admin/subscribers/suspended")
	return nil
}

// liftInput reads the choice of the suspended-subscribers page, and says it in words.
func liftInput(f url.Values, loc *time.Location) (subscriptions.LiftInput, string, error) {
	var in subscriptions.LiftInput
	var what []string
	if v := strings.TrimSpace(f.Get("post")); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return in, "", broadside.Errorf(broadside.EINVALID, "Choose a newsletter from the list.")
		}
		in.PostID = id
		what = append(what, "suspended by that newsletter")
	}
	if v := strings.TrimSpace(f.Get("since")); v != "" {
		t, err := time.ParseInLocation("2006-01-02", v, loc)
		if err != nil {
			fe := broadside.FieldErrors{}
			fe.Add("since", "Give a date like 2026-03-01.")
			return in, "", fe.Err()
		}
		in.Since = t
		what = append(what, "suspended since "+v)
	}
	for _, v := range f["id"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			return in, "", broadside.Errorf(broadside.EINVALID, "The ticked subscribers could not be read.")
		}
		in.IDs = append(in.IDs, id)
	}
	if len(in.IDs) > 0 {
		what = append(what, "ticked")
	}
	if f.Get("all") == "1" {
		in.All = true
		what = append(what, "all suspended")
	}
	return in, strings.Join(what, ", "), nil
}

// plural is n and the noun for it: "1 file", "3 files".
func plural(n int, one, many string) string {
	return strconv.Itoa(n) + " " + pluralWord(n, one, many)
}

// POST /admin/newsletters/{id}/resume
// Sends a paused newsletter on from where it stopped (id is the post's id).
func (s *Server) handleNewsletterResume(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.Newsletter.Resume(r.Context(), u, id); err != nil {
		return err
	}
	s.flash(w, r, "Sending resumed where it stopped: nobody receives it twice.")
	redirect(w, r, "/admin/newsletters/"+strconv.FormatInt(id, 10))
	return nil
}
