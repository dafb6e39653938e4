package wpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/broadside/broadside"
)

// TestUserWrites: wp/v2/users create, update and delete in WordPress's shapes, with the
// service's rules (administrators only, the last administrator, reassigning posts).
func TestUserWrites(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	author := s.user("writer@example.org", broadside.RoleAuthor)

	// Only administrators create users.
	wantError(t, s.as(author)(http.MethodPost, "/wp-json/wp/v2/users",
		map[string]any{"username": "x", "email": "x@example.org", "password": "long enough pw"}), http.StatusForbidden, "rest_cannot_create_user")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/users", map[string]any{"username": "x"}), http.StatusBadRequest, "rest_missing_callback_param")

	r := api(http.MethodPost, "/wp-json/wp/v2/users", map[string]any{"username": "newbie", "email": "newbie@example.org",
		"password": "a long enough password", "name": "New Bie", "roles": []string{"editor"}})
	wantStatus(t, r, http.StatusCreated)
	o := r.obj()
	id := num(o["id"])
	if o["username"] != "newbie" || o["email"] != "newbie@example.org" || o["name"] != "New Bie" ||
		fmt.Sprint(o["roles"]) != "[editor]" || r.Header.Get("Location") != fmt.Sprintf("%s/wp-json/wp/v2/users/%d", s.Srv.URL, id) {
		t.Fatalf("created user: %s", r.Raw)
	}
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/users", map[string]any{"username": "newbie", "email": "other@example.org",
		"password": "a long enough password"}), http.StatusBadRequest, "existing_user_login")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/users", map[string]any{"username": "other", "email": "newbie@example.org",
		"password": "a long enough password"}), http.StatusBadRequest, "existing_user_email")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/users", map[string]any{"username": "sub", "email": "sub@example.org",
		"password": "a long enough password", "roles": []string{"subscriber"}}), http.StatusBadRequest, "rest_user_invalid_role")

	// Update: name, email and role; authors cannot change roles or other users.
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/users/%d", id), map[string]any{"name": "Renamed", "roles": []string{"administrator"}})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["name"] != "Renamed" || fmt.Sprint(r.obj()["roles"]) != "[administrator]" {
		t.Fatalf("updated: %s", r.Raw)
	}
	wantError(t, s.as(author)(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/users/%d", id), map[string]any{"name": "x"}), http.StatusForbidden, "rest_cannot_edit")
	wantError(t, s.as(author)(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/users/%d", author.ID), map[string]any{"roles": []string{"administrator"}}),
		http.StatusForbidden, "rest_cannot_edit_roles")

	// Delete: force and reassign are required, as in WordPress; posts go to the heir.
	p := s.publish(author, "Writer's post", "Body")
	path := fmt.Sprintf("/wp-json/wp/v2/users/%d", author.ID)
	wantError(t, api(http.MethodDelete, path, nil), 501, "rest_trash_not_supported")
	wantError(t, api(http.MethodDelete, path+"?force=true", nil), http.StatusBadRequest, "rest_missing_callback_param")
	wantError(t, api(http.MethodDelete, path+fmt.Sprintf("?force=true&reassign=%d", author.ID), nil), http.StatusBadRequest, "rest_user_invalid_reassign")
	wantError(t, api(http.MethodDelete, path+"?force=true&reassign=99999", nil), http.StatusBadRequest, "rest_user_invalid_reassign")
	r = api(http.MethodDelete, path+fmt.Sprintf("?force=true&reassign=%d", s.Admin.ID), nil)
	wantStatus(t, r, http.StatusOK)
	prev, _ := r.obj()["previous"].(map[string]any)
	if r.obj()["deleted"] != true || prev["email"] != author.Email {
		t.Fatalf("delete answer: %s", r.Raw)
	}
	got, err := s.App.Posts.Get(ctx, p.ID)
	if err != nil || got.AuthorID != s.Admin.ID {
		t.Fatalf("post not reassigned: %v %v", got, err)
	}

	// The last administrator: demote the other one back, then the admin cannot demote itself.
	wantStatus(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/users/%d", id), map[string]any{"roles": []string{"author"}}), http.StatusOK)
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/users/%d", s.Admin.ID), map[string]any{"roles": []string{"editor"}}),
		http.StatusForbidden, "rest_cannot_edit")
}

// TestUserRESTLikeWordPress: the parts of wp/v2/users WordPress clients rely on beyond
// create/update/delete: reassign=false (posts go to the trash, restorable, as
// wp_delete_user without an heir), /users/me updates and deletes, WordPress's codes for an
// unknown id and for another user's address, and the roles Broadside lacks refused with why.
func TestUserRESTLikeWordPress(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	api := s.as(s.Admin)
	author := s.user("leaving@example.org", broadside.RoleAuthor)
	p := s.publish(author, "Left behind", "Body")

	wantError(t, api(http.MethodGet, "/wp-json/wp/v2/users/99999", nil), http.StatusNotFound, "rest_user_invalid_id")
	wantError(t, api(http.MethodPost, "/wp-json/wp/v2/users/99999", map[string]any{"name": "x"}), http.StatusNotFound, "rest_user_invalid_id")
	wantError(t, api(http.MethodDelete, "/wp-json/wp/v2/users/99999?force=true&reassign=false", nil), http.StatusNotFound, "rest_user_invalid_id")

	// Another user's address: WordPress's rest_user_invalid_email, nothing changes.
	wantError(t, api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/users/%d", author.ID), map[string]any{"email": s.Admin.Email, "name": "Changed"}),
		http.StatusBadRequest, "rest_user_invalid_email")
	if u, _ := s.App.Users.ByID(ctx, author.ID); u.Email != "leaving@example.org" || u.DisplayName == "Changed" {
		t.Fatalf("a refused update changed the user: %+v", u)
	}

	// Roles Broadside lacks: refused, saying why; nothing is created.
	for _, role := range []string{"contributor", "subscriber"} {
		r := api(http.MethodPost, "/wp-json/wp/v2/users", map[string]any{"username": role + "1", "email": role + "@example.org",
			"password": "a long enough password", "roles": []string{role}})
		wantError(t, r, http.StatusBadRequest, "rest_user_invalid_role")
		if !strings.Contains(r.Raw, "no "+role) {
			t.Errorf("%s refused without saying why: %s", role, r.Raw)
		}
	}

	// /users/me: a user changes their own name; roles stay the administrator's to give.
	me := s.as(author)
	r := me(http.MethodPost, "/wp-json/wp/v2/users/me", map[string]any{"name": "Leaving Soon"})
	wantStatus(t, r, http.StatusOK)
	if r.obj()["name"] != "Leaving Soon" || num(r.obj()["id"]) != author.ID {
		t.Fatalf("users/me update: %s", r.Raw)
	}
	wantError(t, me(http.MethodPatch, "/wp-json/wp/v2/users/me", map[string]any{"roles": []string{"administrator"}}), http.StatusForbidden, "rest_cannot_edit_roles")
	wantError(t, s.do(call{method: http.MethodPost, path: "/wp-json/wp/v2/users/me", body: map[string]any{"name": "x"}}), http.StatusUnauthorized, "rest_not_logged_in")
	// Deleting oneself is refused (the admin screen says so too); users/me answers like /users/{id}.
	wantError(t, me(http.MethodDelete, "/wp-json/wp/v2/users/me?force=true&reassign=false", nil), http.StatusForbidden, "rest_user_cannot_delete")

	// reassign=false: the user goes, their post to the trash, restorable.
	r = api(http.MethodDelete, fmt.Sprintf("/wp-json/wp/v2/users/%d?force=true&reassign=false", author.ID), nil)
	wantStatus(t, r, http.StatusOK)
	if r.obj()["deleted"] != true {
		t.Fatalf("delete answer: %s", r.Raw)
	}
	got, err := s.App.Posts.Get(ctx, p.ID)
	if err != nil || got.Status != broadside.StatusTrash || got.AuthorID != s.Admin.ID {
		t.Fatalf("the deleted user's post: %+v %v", got, err)
	}
	r = api(http.MethodPost, fmt.Sprintf("/wp-json/wp/v2/posts/%d", p.ID), map[string]any{"status": "publish"})
	if r.obj()["status"] != "publish" {
		t.Fatalf("restoring the deleted user's post: %s", r.Raw)
	}
	wantError(t, api(http.MethodGet, fmt.Sprintf("/wp-json/wp/v2/users/%d", author.ID), nil), http.StatusNotFound, "rest_user_invalid_id")
}
