package wpapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/auth"
)

// People changes users. The rules (administrators only, the last administrator, the
// password for one's own email, reassigning posts in one transaction) are the service's
// (auth.Service), the same the admin's Users screen asks.
type People interface {
	AddUser(ctx context.Context, actor, u *broadside.User, password string) error
	UpdateUser(ctx context.Context, actor *broadside.User, id int64, e auth.UserEdit) (*broadside.User, error)
	DeleteUser(ctx context.Context, actor *broadside.User, id, reassignTo int64) error
	DeleteUserTrashingPosts(ctx context.Context, actor *broadside.User, id int64) error
}

var (
	argsUserCreate = []string{"username", "name", "first_name", "last_name", "email", "url", "description", "locale",
		"nickname", "slug", "roles", "password", "meta"}
	argsUserDelete = []string{"id", "force", "reassign"}
)

// fromWPRole maps WordPress's role names to Broadside's (administrator, editor and author
// are the same roles). Broadside has no contributor (a writer who cannot publish: mapping it
// to author would let them publish) and no subscriber account (readers subscribe by email,
// without an account), so those are refused with a message saying so; "" for any other.
func fromWPRole(s string) (broadside.Role, string) {
	switch s {
	case "administrator":
		return broadside.RoleAdmin, ""
	case "editor", "author":
		return broadside.Role(s), ""
	case "contributor":
		return "", "Broadside has no contributor role (writers who cannot publish). Give \"author\" to let them publish their own posts."
	case "subscriber":
		return "", "Broadside has no subscriber accounts: readers subscribe by email at /subscribe/, without an account."
	}
	return "", "Sorry, you are not allowed to give users that role."
}

// userRoles reads "roles" (WordPress takes a list; Broadside users have one role).
func (q *req) userRoles() (*broadside.Role, error) {
	if !q.p.has("roles") {
		return nil, nil
	}
	roles := q.p.list("roles")
	if len(roles) != 1 {
		return nil, invalidParams(map[string]string{"roles": "Give exactly one role."}, nil)
	}
	r, why := fromWPRole(roles[0])
	if why != "" {
		return nil, newErr(http.StatusBadRequest, "rest_user_invalid_role", why)
	}
	return &r, nil
}

// userErr turns a service error about a user into WordPress's codes.
func (q *req) userErr(err error, forbiddenCode, forbiddenMsg string) error {
	switch broadside.ErrorCode(err) {
	case broadside.ECONFLICT:
		if strings.Contains(broadside.ErrorMessage(err), "login") {
			return newErr(http.StatusBadRequest, "existing_user_login", "Sorry, that username already exists!")
		}
		return newErr(http.StatusBadRequest, "existing_user_email", "Sorry, that email address is already used!")
	case broadside.EFORBIDDEN:
		return newErr(q.authCode(), forbiddenCode, broadside.ErrorMessage(err))
	case broadside.EINVALID:
		params := map[string]string{}
		for k, v := range broadside.ErrorFields(err) {
			switch k {
			case "login":
				k = "username"
			case "display_name":
				k = "name"
			}
			params[k] = v
		}
		if len(params) == 0 {
			return newErr(http.StatusBadRequest, "rest_invalid_param", broadside.ErrorMessage(err))
		}
		return invalidParams(params, nil)
	}
	return q.domainErr(err, "rest_user_invalid_id", "Invalid user ID.")
}

// POST /wp/v2/users
func (q *req) createUser() (*result, error) {
	if !q.user.CanManageSite() || q.a.People == nil {
		return nil, newErr(q.authCode(), "rest_cannot_create_user", "Sorry, you are not allowed to create new users.")
	}
	var missing []string
	for _, k := range []string{"username", "email", "password"} {
		if strings.TrimSpace(q.p.str(k)) == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return nil, &apiError{Code: "rest_missing_callback_param", Message: "Missing parameter(s): " + strings.Join(missing, ", "),
			Status: http.StatusBadRequest, Missing: missing}
	}
	role := broadside.RoleAuthor // Broadside's least role stands in for WordPress's default_role
	if r, err := q.userRoles(); err != nil {
		return nil, err
	} else if r != nil {
		role = *r
	}
	name, _ := q.p.text("name")
	u := &broadside.User{Login: q.p.str("username"), Email: q.p.str("email"), DisplayName: name, Role: role}
	if err := q.a.People.AddUser(q.ctx, q.user, u, q.p.str("password")); err != nil {
		return nil, q.userErr(err, "rest_cannot_create_user", "Sorry, you are not allowed to create new users.")
	}
	q.header().Set("Location", q.rest(Namespace+"/users/"+strconv.FormatInt(u.ID, 10)))
	return &result{status: http.StatusCreated, body: q.userObject(u, "edit")}, nil
}

// POST|PUT|PATCH /wp/v2/users/{id}
func (q *req) updateUser() (*result, error) { return q.updateUserID(q.id()) }

func (q *req) updateUserID(id int64) (*result, error) {
	if id <= 0 {
		return nil, errInvalidUserID()
	}
	if _, err := q.loadUser(id); err != nil {
		return nil, err
	}
	self := q.user != nil && q.user.ID == id
	if !q.user.CanManageSite() && !self || q.a.People == nil {
		return nil, newErr(q.authCode(), "rest_cannot_edit", "Sorry, you are not allowed to edit this user.")
	}
	var e auth.UserEdit
	if v, has := q.p.text("name"); has {
		e.DisplayName = &v
	}
	if q.p.has("email") {
		v := q.p.str("email")
		e.Email = &v
	}
	r, err := q.userRoles()
	if err != nil {
		return nil, err
	}
	if r != nil && !q.user.CanManageSite() {
		return nil, newErr(q.authCode(), "rest_cannot_edit_roles", "Sorry, you are not allowed to edit roles of this user.")
	}
	e.Role = r
	if q.p.has("username") {
		return nil, newErr(http.StatusBadRequest, "rest_user_invalid_argument", "Username isn't editable.")
	}
	e.Password = q.p.str("password")
	e.CurrentPassword = q.p.str("current_password")
	u, err := q.a.People.UpdateUser(q.ctx, q.user, id, e)
	if broadside.ErrorCode(err) == broadside.ECONFLICT {
		// WordPress checks the address before saving: another user's is "invalid" here.
		return nil, newErr(http.StatusBadRequest, "rest_user_invalid_email", "Invalid email address.")
	}
	if err != nil {
		return nil, q.userErr(err, "rest_cannot_edit", "Sorry, you are not allowed to edit this user.")
	}
	return ok(q.userObject(u, "edit"))
}

// POST|PUT|PATCH /wp/v2/users/me
func (q *req) updateMe() (*result, error) {
	if q.user == nil {
		return nil, newErr(http.StatusUnauthorized, "rest_not_logged_in", "You are not currently logged in.")
	}
	return q.updateUserID(q.user.ID)
}

// DELETE /wp/v2/users/me
func (q *req) deleteMe() (*result, error) {
	if q.user == nil {
		return nil, newErr(http.StatusUnauthorized, "rest_not_logged_in", "You are not currently logged in.")
	}
	return q.deleteUserID(q.user.ID)
}

// DELETE /wp/v2/users/{id}?force=true&reassign=N
// reassign=false deletes the user without an heir, as WordPress does: their posts and pages
// go to the trash (restorable for 30 days) in the deleting administrator's name.
func (q *req) deleteUser() (*result, error) { return q.deleteUserID(q.id()) }

func (q *req) deleteUserID(id int64) (*result, error) {
	if id <= 0 {
		return nil, errInvalidUserID()
	}
	u, err := q.loadUser(id)
	if err != nil {
		return nil, err
	}
	if !q.user.CanManageSite() || q.a.People == nil {
		return nil, newErr(q.authCode(), "rest_user_cannot_delete", "Sorry, you are not allowed to delete this user.")
	}
	var c checker
	force := c.boolean(&q.p, "force", false)
	if err := c.err(); err != nil {
		return nil, err
	}
	if !force {
		return nil, newErr(statusNoTrash, "rest_trash_not_supported", "Users do not support trashing. Set 'force=true' to delete.")
	}
	if !q.p.has("reassign") {
		return nil, &apiError{Code: "rest_missing_callback_param", Message: "Missing parameter(s): reassign",
			Status: http.StatusBadRequest, Missing: []string{"reassign"}}
	}
	if r := strings.ToLower(q.p.str("reassign")); r == "false" || r == "" {
		previous := q.userObject(u, "edit")
		if err := q.a.People.DeleteUserTrashingPosts(q.ctx, q.user, u.ID); err != nil {
			return nil, q.userErr(err, "rest_user_cannot_delete", "Sorry, you are not allowed to delete this user.")
		}
		return ok(obj{{"deleted", true}, {"previous", previous}})
	}
	heir, perr := strconv.ParseInt(q.p.str("reassign"), 10, 64)
	if perr != nil || heir <= 0 || heir == u.ID {
		return nil, newErr(http.StatusBadRequest, "rest_user_invalid_reassign", "Invalid user ID for reassignment.")
	}
	if _, err := q.a.Users.ByID(q.ctx, heir); err != nil {
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			return nil, newErr(http.StatusBadRequest, "rest_user_invalid_reassign", "Invalid user ID for reassignment.")
		}
		return nil, err
	}
	previous := q.userObject(u, "edit")
	if err := q.a.People.DeleteUser(q.ctx, q.user, u.ID, heir); err != nil {
		return nil, q.userErr(err, "rest_user_cannot_delete", "Sorry, you are not allowed to delete this user.")
	}
	return ok(obj{{"deleted", true}, {"previous", previous}})
}
