package wpapi

import (
	"net/http"
	"strings"

	"github.com/broadside/broadside"
)

// authenticate sets q.user. A request with HTTP Basic credentials is authenticated by them
// alone: a wrong or revoked Application Password is refused outright (as WordPress does),
// and the session cookie is never consulted, which is what lets such requests skip the
// cross-origin check. Other requests are the cookie's user, or anonymous.
func (q *req) authenticate() error {
	if !HasBasicAuth(q.r) {
		if q.a.SessionUser != nil {
			q.user = q.a.SessionUser(q.r)
		}
		return nil
	}
	name, pass, ok := q.r.BasicAuth()
	if !ok || q.a.Auth == nil {
		return errBadCredentials()
	}
	ip := ""
	if q.a.ClientIP != nil {
		ip = q.a.ClientIP(q.r)
	}
	// A throttled guesser gets 429 with Retry-After (through domainErr), before the password
	// is even looked at.
	u, err := q.a.Auth.Authenticate(q.ctx, name, pass, ip)
	if broadside.ErrorCode(err) == broadside.EUNAUTHORIZED {
		return errBadCredentials()
	}
	if err != nil {
		return err
	}
	q.user = u
	return nil
}

// HasBasicAuth reports whether r carries HTTP Basic credentials.
func HasBasicAuth(r *http.Request) bool {
	h := r.Header.Get("Authorization")
	return len(h) > 6 && strings.EqualFold(h[:6], "basic ")
}

// IsAPIRequest reports whether r is addressed to the REST API, under /wp-json/ or through
// WordPress's ?rest_route= fallback on the home page.
func IsAPIRequest(r *http.Request) bool {
	return r.URL.Path == Prefix || strings.HasPrefix(r.URL.Path, Prefix+"/") ||
		(r.URL.Path == "/" && r.URL.Query().Has("rest_route"))
}

func errBadCredentials() *apiError {
	return newErr(http.StatusUnauthorized, "incorrect_password", "The provided password is an invalid application password.")
}

// The capabilities are the domain's (broadside.User.CanCreate, CanEditPost), enforced by the
// posts service for every channel; these ask them early, so the API answers with
// WordPress's error codes before looking at the request's fields.

// canEdit reports whether the user may edit p.
func (q *req) canEdit(p *broadside.Post) bool { return q.user.CanEditPost(p) }

// canCreate reports whether the user may create posts of type typ.
func (q *req) canCreate(typ broadside.PostType) bool { return q.user.CanCreate(typ) }

// canRead reports whether the user may know p exists (broadside.Access is not LevelHidden).
func (q *req) canRead(p *broadside.Post) bool { return p.CanRead(q.user, q.a.now()) }

// wpRole is the WordPress role name of a Broadside role.
func wpRole(r broadside.Role) string {
	if r == broadside.RoleAdmin {
		return "administrator"
	}
	return string(r)
}
