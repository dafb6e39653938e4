package web

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/broadside/broadside"
)

// Cookie names. Sessions are HttpOnly and SameSite=Lax, which together with the
// cross-origin check on every POST keeps forms from being forged by other sites.
const (
	cookieSession   = "bs_session"
	cookieCommenter = "bs_commenter"
	cookiePending   = "bs_pending"
	cookieFlash     = "bs_flash"
	// cookieEditing marks a browser that commented within the edit window: its pages are
	// rendered for it (with its own edit link, comment_reader.go), not shared. It proves
	// nothing; the commenter key does.
	cookieEditing = "bs_editing"
	// cookieDevice marks a browser that signed in before (a known device), which keeps its
	// user's password working while their account is under a guessing attack from elsewhere.
	cookieDevice = "bs_device"
)

// sign returns value|mac, binding the value to purpose so a token minted for one use cannot
// be replayed as another.
func (s *Server) sign(purpose, value string) string {
	m := hmac.New(sha256.New, s.Secret)
	m.Write([]byte(purpose + "\x00" + value))
	return value + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Server) verify(purpose, signed string) (string, bool) {
	i := strings.LastIndexByte(signed, '.')
	if i < 0 {
		return "", false
	}
	value := signed[:i]
	want := s.sign(purpose, value)
	return value, hmac.Equal([]byte(want), []byte(signed))
}

// setCookie sets every cookie the site sets, so they all make the same Secure decision.
func (s *Server) setCookie(w http.ResponseWriter, r *http.Request, name, value string, maxAge time.Duration) {
	c := &http.Cookie{Name: name, Value: value, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies(r)}
	if maxAge > 0 {
		c.MaxAge = int(maxAge.Seconds())
		c.Expires = s.Now().Add(maxAge)
	} else if maxAge < 0 {
		c.MaxAge = -1
	}
	http.SetCookie(w, c)
}

// secureCookies reports whether cookies must be Secure: the request came over TLS, directly
// or to a trusted proxy that says so, or the site's public address is https, whether it was
// set in Settings or on the command line, so browsers never send the cookies over plain HTTP.
func (s *Server) secureCookies(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if proto, _, _ := strings.Cut(r.Header.Get("X-Forwarded-Proto"), ","); s.fromTrustedProxy(r) &&
		strings.EqualFold(strings.TrimSpace(proto), "https") {
		return true
	}
	base := s.BaseURL
	if set, err := s.Settings.Load(r.Context()); err == nil {
		base = s.publicBase(set)
	}
	return len(base) >= 8 && strings.EqualFold(base[:8], "https://")
}

// commenter is the bs_commenter cookie: the commenter key the server issued to this browser
// (comments.Service.NewCommenterKey), which proves that it wrote earlier comments, and what
// the reader asked us to remember for their next comment. The key is kept whether or not they
// asked: it is the credential that lets their comments skip moderation once one is approved,
// and it says nothing about them by itself.
type commenter struct {
	Name  string `json:"n,omitempty"`
	Email string `json:"e,omitempty"`
	URL   string `json:"u,omitempty"`
	Key   string `json:"k,omitempty"`
}

func (s *Server) readCommenter(r *http.Request) commenter {
	var c commenter
	ck, err := r.Cookie(cookieCommenter)
	if err != nil {
		return c
	}
	v, ok := s.verify("commenter", ck.Value)
	if !ok {
		return c
	}
	b, err := base64.RawURLEncoding.DecodeString(v)
	if err != nil {
		return c
	}
	_ = json.Unmarshal(b, &c)
	return c
}

func (s *Server) writeCommenter(w http.ResponseWriter, r *http.Request, c *commenter) {
	b, _ := json.Marshal(c)
	s.setCookie(w, r, cookieCommenter, s.sign("commenter", base64.RawURLEncoding.EncodeToString(b)), 365*24*time.Hour)
}

// pendingIDs are the held comments this browser wrote, so their author (and nobody else)
// sees them with "Your comment is awaiting moderation."
func (s *Server) pendingIDs(r *http.Request) []int64 {
	ck, err := r.Cookie(cookiePending)
	if err != nil {
		return nil
	}
	v, ok := s.verify("pending", ck.Value)
	if !ok {
		return nil
	}
	var ids []int64
	for _, f := range strings.Split(v, "-") {
		if n, err := strconv.ParseInt(f, 10, 64); err == nil && n > 0 {
			ids = append(ids, n)
		}
	}
	return ids
}

const maxPendingRemembered = 20

func (s *Server) addPending(w http.ResponseWriter, r *http.Request, id int64) {
	ids := append(s.pendingIDs(r), id)
	if len(ids) > maxPendingRemembered {
		ids = ids[len(ids)-maxPendingRemembered:]
	}
	parts := make([]string, len(ids))
	for i, n := range ids {
		parts[i] = strconv.FormatInt(n, 10)
	}
	s.setCookie(w, r, cookiePending, s.sign("pending", strings.Join(parts, "-")), 30*24*time.Hour)
}

// flash carries a one-line message across a redirect.
func (s *Server) flash(w http.ResponseWriter, r *http.Request, msg string) {
	s.setCookie(w, r, cookieFlash, s.sign("flash", base64.RawURLEncoding.EncodeToString([]byte(msg))), time.Minute)
}

func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) string {
	ck, err := r.Cookie(cookieFlash)
	if err != nil {
		return ""
	}
	s.setCookie(w, r, cookieFlash, "", -1)
	v, ok := s.verify("flash", ck.Value)
	if !ok {
		return ""
	}
	b, _ := base64.RawURLEncoding.DecodeString(v)
	return string(b)
}

type ctxUserKey struct{}

// withUser resolves the session cookie, if any, once per request.
func (s *Server) withUser(r *http.Request) *http.Request {
	ck, err := r.Cookie(cookieSession)
	if err != nil || ck.Value == "" {
		return r
	}
	u, err := s.Auth.Authenticate(r.Context(), ck.Value)
	if broadside.ErrorCode(err) == broadside.EUNAVAILABLE {
		// Not knowing who this is must not send a signed-in editor to the login page.
		return r.WithContext(context.WithValue(r.Context(), ctxSessionErrKey{}, err))
	}
	if err != nil {
		return r
	}
	return r.WithContext(context.WithValue(r.Context(), ctxUserKey{}, u))
}

type ctxSessionErrKey struct{}

// sessionUnavailable is the outage that kept withUser from resolving the session, or nil.
func sessionUnavailable(r *http.Request) error {
	err, _ := r.Context().Value(ctxSessionErrKey{}).(error)
	return err
}

// currentUser returns the signed-in user or nil.
func currentUser(r *http.Request) *broadside.User {
	u, _ := r.Context().Value(ctxUserKey{}).(*broadside.User)
	return u
}
