package web_test

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/mail/mailtest"
)

// TestMessagesWithValuesInLanguage: what a reader reads with a name, an address or a title in
// it (search and archive feed titles, the comment form's "not posted" notice) and every
// e-mail to the site's staff (the held-comment notice to a post's author, the sign-in link,
// the invitation, the password reset) is in the site language: no English sentence of
// them is left on a French or Persian site.
func TestMessagesWithValuesInLanguage(t *testing.T) {
	t.Parallel()
	english := []string{"Category Feed", "Search results for", "Please moderate", "waiting for your approval",
		"Moderate comments", "View the post", "You are receiving this", "Sign in to", "Someone (we hope you)",
		"The link works once", "You are invited", "Reset your password", "Choose a password", "Choose a new password",
		"invited to write", "IP address"}
	for _, c := range []struct{ lang, want string }{{"fr", "Veuillez modérer"}, {"fa", "لطفاً بررسی کنید"}} {
		t.Run(c.lang, func(t *testing.T) {
			var srv *mailtest.Server
			ta := newTestApp(t, withMail(t, &srv))
			admin := ta.user("admin@example.org", broadside.RoleAdmin)
			ta.setLanguage(admin, c.lang)
			author := ta.user("au@example.org", broadside.RoleAuthor)
			p := ta.publish(author, "Bonjour", "Texte zèbre.")
			var seen []string
			see := func(what, s string) {
				seen = append(seen, what+": "+html.UnescapeString(s))
			}
			for _, path := range []string{"/category/uncategorized/", "/?s=z%C3%A8bre"} {
				r := ta.browser().get(path)
				wantStatus(t, r, http.StatusOK)
				see(path, r.Body)
			}
			// A held comment: its author is told, in the site language.
			b := ta.browser()
			f := b.formFor(ta.postPath(p))
			f.Set("author", "Zoé")
			b.post("/comments", f)
			ta.Clock.Advance(2 * time.Minute)
			ta.drainJobs()
			held := lastMail(t, srv, "au@example.org")
			if !strings.Contains(held.Subject(), c.want) {
				t.Errorf("held-comment subject %q lacks %q", held.Subject(), c.want)
			}
			see("held-comment mail", held.Subject()+"\n"+held.Text+held.HTML)
			// Sign-in link, invitation and reset.
			ta.browser().post("/admin/login/email", url.Values{"link_email": {admin.Email}})
			ta.signIn(admin).post("/admin/users/invite", url.Values{"invite_email": {"new@example.org"}, "invite_role": {"author"}})
			ta.browser().post("/admin/login/reset", url.Values{"reset_email": {author.Email}})
			ta.drainJobs()
			for _, to := range []string{admin.Email, "new@example.org", author.Email} {
				m := lastMail(t, srv, to)
				see("mail to "+to, m.Subject()+"\n"+m.Text+m.HTML)
			}
			for _, s := range seen {
				for _, e := range english {
					if strings.Contains(s, e) {
						t.Errorf("%s still says %q:\n%.600s", strings.SplitN(s, ":", 2)[0], e, s)
					}
				}
			}
		})
	}
}
