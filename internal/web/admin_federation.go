package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/activitypub"
)

// The admin's Federation area (issue 14): the settings (an on/off switch, the site actor's
// username, author actors, approval of follows, Article or Note), the followers with the
// follow requests held for approval, and blocks (admin_federation_blocks.go). Only
// administrators see it: followers are personal data, and the switch is a site setting.

const followersPerPage = 50

type federationData struct {
	adminPage
	Values             map[string]string
	Followers, Pending int
	Blocks             int
	Username           string // as the site actor is found: @username@host
	On                 bool
}

// federationValues are the form's inputs for f, keyed by input name.
func federationValues(f broadside.Federation) map[string]string {
	v := map[string]string{"fed_username": f.Username, "fed_object": "article"}
	if f.Notes {
		v["fed_object"] = "note"
	}
	for name, on := range map[string]bool{"fed_enabled": !f.Off, "fed_author_actors": f.AuthorActors, "fed_approve_follows": f.ApproveFollows} {
		if on {
			v[name] = "on"
		}
	}
	return v
}

// readFederation applies the submitted form to f, returning what was typed and the errors
// the form itself can find (the rest are broadside.Federation's Validate).
func readFederation(form url.Values, f *broadside.Federation) (map[string]string, broadside.FieldErrors) {
	fe := broadside.FieldErrors{}
	vals := map[string]string{"fed_username": form.Get("fed_username"), "fed_object": form.Get("fed_object")}
	for _, name := range []string{"fed_enabled", "fed_author_actors", "fed_approve_follows"} {
		if form.Get(name) != "" {
			vals[name] = "on"
		}
	}
	f.Off = vals["fed_enabled"] == ""
	f.Username = strings.TrimSpace(vals["fed_username"])
	f.AuthorActors, f.ApproveFollows = vals["fed_author_actors"] != "", vals["fed_approve_follows"] != ""
	switch vals["fed_object"] {
	case "article":
		f.Notes = false
	case "note":
		f.Notes = true
	default:
		fe.Add("fed_object", "Choose whether posts are sent as articles or as notes.")
	}
	return vals, fe
}

// GET /admin/federation
func (s *Server) handleFederationForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	set, err := s.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	return s.renderFederation(w, r, http.StatusOK, &federationData{Values: federationValues(set.Federation)})
}

func (s *Server) renderFederation(w http.ResponseWriter, r *http.Request, status int, d *federationData) error {
	ctx := r.Context()
	v, ap := s.adminView(w, r, "federation", "Federation")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	st := v.Site
	d.On = !st.Federation.Off
	d.Username = "@" + st.Federation.SiteUsername(siteHost(st)) + "@" + siteHost(st)
	var err error
	if _, d.Followers, err = s.Federation.ListFollowers(ctx, broadside.FollowerQuery{Status: broadside.FollowAccepted, Limit: 1}); err != nil {
		return err
	}
	if _, d.Pending, err = s.Federation.ListFollowers(ctx, broadside.FollowerQuery{Status: broadside.FollowPending, Limit: 1}); err != nil {
		return err
	}
	blocks, err := s.Federation.Blocks(ctx)
	if err != nil {
		return err
	}
	d.Blocks = len(blocks)
	v.Data = d
	s.page(w, r, status, "admin/federation", v)
	return nil
}

// POST /admin/federation
// Saves only the federation part of the settings, through the settings service (which
// validates the whole and records the change).
func (s *Server) handleFederationSave(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	read := func(form url.Values, set *broadside.Settings) (map[string]string, broadside.FieldErrors) {
		return readFederation(form, &set.Federation)
	}
	return s.saveSettingsForm(w, r, u, read, func(vals map[string]string, err error) error {
		d := &federationData{Values: vals}
		d.formErr(err)
		if d.Message == "" || len(d.Errors) > 0 {
			d.Message = "The federation settings were not saved: see the fields marked below."
		}
		return s.renderFederation(w, r, http.StatusUnprocessableEntity, d)
	}, func(set *broadside.Settings) {
		s.Log.Info("federation settings saved", "user_id", u.ID, "off", set.Federation.Off)
		s.flash(w, r, "Federation settings saved.")
		redirect(w, r, "/admin/federation")
	})
}

type followersData struct {
	adminPage
	Query          string
	Total          int
	Rows, Requests []followerRow
	Pager          pager
	On             bool
}

type followerRow struct {
	Actor, Follows   string // our actor's name and how it is shown
	FollowerID, Acct string
	Name, Profile    string
	Host, Since      string
}

// GET /admin/federation/followers
func (s *Server) handleFollowerList(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	ctx := r.Context()
	v, ap := s.adminView(w, r, "federation", "Followers")
	st := v.Site
	d := &followersData{adminPage: ap, Query: strings.TrimSpace(r.URL.Query().Get("q")), On: !st.Federation.Off}
	row := func(f *broadside.Follower) followerRow {
		fr := followerRow{Actor: f.Actor, Follows: "the site", FollowerID: f.FollowerID, Acct: f.Acct, Name: f.Name,
			Profile: f.URL, Host: activitypub.Host(f.FollowerID), Since: formatDate(st.Local(f.CreatedAt))}
		if fr.Profile == "" {
			fr.Profile = f.FollowerID
		}
		if fr.Acct == "" {
			fr.Acct = f.FollowerID
		}
		if id := activitypub.AuthorOf(f.Actor); id != 0 {
			fr.Follows = "author #" + strconv.FormatInt(id, 10)
			if a, err := s.Users.ByID(ctx, id); err == nil {
				fr.Follows = a.Name()
			}
		}
		return fr
	}
	pending, _, err := s.Federation.ListFollowers(ctx, broadside.FollowerQuery{Status: broadside.FollowPending, Limit: 200})
	if err != nil {
		return err
	}
	for _, f := range pending {
		d.Requests = append(d.Requests, row(f))
	}
	page := pageParam(r)
	rows, total, err := s.Federation.ListFollowers(ctx, broadside.FollowerQuery{Status: broadside.FollowAccepted, Search: d.Query,
		Limit: followersPerPage, Offset: (page - 1) * followersPerPage})
	if err != nil {
		return err
	}
	d.Total = total
	for _, f := range rows {
		d.Rows = append(d.Rows, row(f))
	}
	d.Pager = adminPager(r, page, total, followersPerPage)
	v.Data = d
	s.page(w, r, http.StatusOK, "admin/federation_followers", v)
	return nil
}

// POST /admin/federation/followers/approve (actor: our actor's name; follower: the remote
// actor's id): the held follow is accepted and an Accept sent.
func (s *Server) handleFollowerApprove(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.followerAction(w, r, u, true)
}

// POST /admin/federation/followers/remove: a follower removed or a request turned down;
// a Reject is sent (see activitypub.Reject for why).
func (s *Server) handleFollowerRemove(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	return s.followerAction(w, r, u, false)
}

func (s *Server) followerAction(w http.ResponseWriter, r *http.Request, u *broadside.User, approve bool) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	actor, follower := r.PostForm.Get("actor"), r.PostForm.Get("follower")
	var err error
	if approve {
		err = s.Federation.Approve(r.Context(), actor, follower)
	} else {
		err = s.Federation.Reject(r.Context(), actor, follower)
	}
	switch {
	case errors.Is(err, activitypub.ErrOff):
		s.flash(w, r, "Federation is switched off: turn it on to answer follow requests or remove followers.")
	case broadside.ErrorCode(err) == broadside.ENOTFOUND:
		s.flash(w, r, "That follower is no longer there.")
	case err != nil:
		return err
	case approve:
		s.Log.Info("follow request approved", "user_id", u.ID, "actor", actor)
		s.flash(w, r, "Follow request approved: "+follower+" now follows.")
	default:
		s.Log.Info("follower removed", "user_id", u.ID, "actor", actor)
		s.flash(w, r, "Removed "+follower+".")
	}
	redirect(w, r, "/admin/federation/followers")
	return nil
}
