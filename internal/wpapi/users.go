package wpapi

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// Users are public only as authors: anyone may see the public fields (never the email) of
// users with published posts; administrators (WordPress's list_users) see every user and the
// edit context; everyone may see themselves in full.

// genericAvatar is WordPress's "mystery person" avatar. Broadside publishes no hash of anyone's
// email address, so every user and commenter gets the generic image.
func avatarURLs() obj {
	out := obj{}
	for _, s := range []string{"24", "48", "96"} {
		out = append(out, kv{s, "https://secure.gravatar.com/avatar/?s=" + s + "&d=mm&r=g"})
	}
	return out
}

func errInvalidUserID() *apiError {
	return newErr(http.StatusNotFound, "rest_user_invalid_id", "Invalid user ID.")
}

// userObject is a user in WordPress's shape for the given context.
func (q *req) userObject(u *broadside.User, context string) obj {
	b := &builder{ctx: contextMask(context)}
	b.put(cAll, "id", u.ID)
	b.put(cEdit, "username", u.Login)
	b.put(cAll, "name", u.Name())
	b.put(cEdit, "first_name", "")
	b.put(cEdit, "last_name", "")
	b.put(cEdit, "email", u.Email)
	b.put(cAll, "url", "")
	b.put(cAll, "description", "")
	b.put(cAll, "link", q.site.AuthorURL(u))
	b.put(cEdit, "locale", "en_US")
	b.put(cEdit, "nickname", u.Login)
	b.put(cAll, "slug", u.Login)
	b.put(cEdit, "registered_date", u.CreatedAt.UTC().Format(time.RFC3339))
	b.put(cEdit, "roles", []string{wpRole(u.Role)})
	b.put(cEdit, "capabilities", obj{{wpRole(u.Role), true}})
	b.put(cEdit, "extra_capabilities", obj{{wpRole(u.Role), true}})
	b.put(cAll, "avatar_urls", avatarURLs())
	b.put(cVE, "meta", []any{})
	id := strconv.FormatInt(u.ID, 10)
	return append(b.o, kv{"_links", obj{
		{"self", []obj{link(q.rest(Namespace + "/users/" + id))}},
		{"collection", []obj{link(q.rest(Namespace + "/users"))}},
	}})
}

// hasPublished reports whether u has published posts or pages (a public author).
func (q *req) hasPublished(uid int64) (bool, error) {
	if v, known := q.st.published[uid]; known {
		return v, nil
	}
	authors, err := q.a.Posts.PublicAuthors(q.ctx, []int64{uid})
	if err != nil {
		return false, err
	}
	q.setPublished(uid, authors[uid])
	return authors[uid], nil
}

// setPublished records for hasPublished whether the user with uid has published posts or pages.
func (q *req) setPublished(uid int64, v bool) {
	if q.st.published == nil {
		q.st.published = map[int64]bool{}
	}
	q.st.published[uid] = v
}

func (q *req) rememberUser(u *broadside.User) {
	if q.st.users == nil {
		q.st.users = map[int64]*broadside.User{}
	}
	q.st.users[u.ID] = u
}

func (q *req) loadUser(id int64) (*broadside.User, error) {
	if u := q.st.users[id]; u != nil {
		return u, nil
	}
	u, err := q.a.Users.ByID(q.ctx, id)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return nil, errInvalidUserID()
	} else if err != nil {
		return nil, err
	}
	q.rememberUser(u)
	return u, nil
}

// GET /wp/v2/users/{id}
func (q *req) getUser() (*result, error) {
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	if q.id() <= 0 {
		return nil, errInvalidUserID()
	}
	u, err := q.loadUser(q.id())
	if err != nil {
		return nil, err
	}
	self := q.user != nil && q.user.ID == u.ID
	if !self {
		if context == "edit" && !q.user.CanManageSite() {
			return nil, newErr(q.authCode(), "rest_user_cannot_view", "Sorry, you are not allowed to list users.")
		}
		pub, err := q.hasPublished(u.ID)
		if err != nil {
			return nil, err
		}
		if !pub && !q.user.CanManageSite() {
			return nil, newErr(q.authCode(), "rest_user_cannot_view", "Sorry, you are not allowed to list users.")
		}
	}
	return ok(q.userObject(u, context))
}

// GET /wp/v2/users/me
func (q *req) getMe() (*result, error) {
	if q.user == nil {
		return nil, newErr(http.StatusUnauthorized, "rest_not_logged_in", "You are not currently logged in.")
	}
	var c checker
	context := c.context(&q.p)
	if err := c.err(); err != nil {
		return nil, err
	}
	return ok(q.userObject(q.user, context))
}

// GET /wp/v2/users
func (q *req) listUsers() (*result, error) {
	var c checker
	context := c.context(&q.p)
	pg := c.paging(&q.p, 100)
	order := c.enum(&q.p, "order", "asc", "asc", "desc")
	orderby := c.enum(&q.p, "orderby", "name", "id", "include", "name", "registered_date", "slug", "include_slugs", "email", "url")
	include, exclude := c.ids(&q.p, "include"), c.ids(&q.p, "exclude")
	admin := q.user.CanManageSite()
	if (q.p.has("roles") || orderby == "email") && !admin {
		c.bad("roles", "rest_user_cannot_view", "Sorry, you are not allowed to filter users by role.")
	}
	if err := c.err(); err != nil {
		return nil, err
	}
	if context == "edit" && !admin {
		return nil, newErr(q.authCode(), "rest_forbidden_context", "Sorry, you are not allowed to list users.")
	}
	all, err := q.a.Users.List(q.ctx)
	if err != nil {
		return nil, err
	}
	var public map[int64]bool
	if !admin { // others see public authors only: ask once for all, not once per user
		if public, err = q.a.Posts.PublicAuthors(q.ctx, nil); err != nil {
			return nil, err
		}
		// The answer covers every user, so hasPublished later in this response asks no more.
		for _, u := range all {
			q.setPublished(u.ID, public[u.ID])
		}
	}
	search := strings.ToLower(strings.Trim(q.p.str("search"), "*"))
	slugs := q.p.list("slug")
	roles := q.p.list("roles")
	var list []broadside.User
	for _, u := range all {
		if include != nil && !containsID(include, u.ID) || containsID(exclude, u.ID) {
			continue
		}
		if q.p.has("slug") && !containsStr(slugs, u.Login) {
			continue
		}
		if len(roles) > 0 && !containsStr(roles, wpRole(u.Role)) {
			continue
		}
		if search != "" && !strings.Contains(strings.ToLower(u.Name()+" "+u.Login), search) &&
			!(admin && strings.Contains(strings.ToLower(u.Email), search)) {
			continue
		}
		if !admin && !public[u.ID] {
			continue
		}
		list = append(list, u)
	}
	sortUsers(list, orderby, include, slugs)
	if order == "desc" {
		for i, j := 0, len(list)-1; i < j; i, j = i+1, j-1 {
			list[i], list[j] = list[j], list[i]
		}
	}
	total := len(list)
	items := []any{}
	for _, u := range window(list, pg.start(), pg.per) {
		items = append(items, q.userObject(&u, context))
	}
	q.paginate(total, pg.page, pg.per)
	return ok(items)
}

func sortUsers(list []broadside.User, orderby string, include []int64, slugs []string) {
	key := func(u *broadside.User) string {
		switch orderby {
		case "slug":
			return u.Login
		case "email":
			return u.Email
		case "registered_date":
			return u.CreatedAt.UTC().Format(time.RFC3339Nano)
		}
		return strings.ToLower(u.Name())
	}
	pos := func(u *broadside.User) int {
		for i, id := range include {
			if id == u.ID {
				return i
			}
		}
		for i, s := range slugs {
			if s == u.Login {
				return i
			}
		}
		return len(include) + len(slugs)
	}
	sort.SliceStable(list, func(i, j int) bool {
		a, b := &list[i], &list[j]
		switch orderby {
		case "id", "url":
			return a.ID < b.ID
		case "include", "include_slugs":
			return pos(a) < pos(b)
		}
		if ka, kb := key(a), key(b); ka != kb {
			return ka < kb
		}
		return a.ID < b.ID
	})
}

func containsID(ids []int64, id int64) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

func containsStr(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
