package importer

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"

	"github.com/broadside/broadside"
)

// importAttachments writes the attachments, all of which the plan holds, before the posts
// that show them.
func (r *run) importAttachments(ctx context.Context) error {
	for _, id := range r.plan.attOrder {
		a := r.plan.attachments[id]
		if sf := r.stored[id]; sf != nil && a.Local {
			if err := r.importMedia(ctx, a, sf); err != nil {
				return err
			}
		}
		if local, ok, err := r.lookup(ctx, broadside.WPAttachment, id); err != nil {
			return err
		} else if ok {
			if m, err := r.tx.AttachmentByID(ctx, local); err == nil {
				r.attLocal[id] = local
				r.sum.Attachments.Existing++
				if a.Local && m.File == "" {
					// An earlier import kept the original URL; now the file is here.
					m.URL, m.File = a.finalURL(), a.Rel
					if err := r.tx.UpdateAttachment(ctx, m); err != nil {
						return err
					}
				}
				continue
			}
		}
		m := &broadside.Attachment{URL: a.finalURL(), Title: a.Title, Slug: a.Slug, Alt: a.Alt,
			Caption: a.Caption, MimeType: a.Mime, CreatedAt: pickTime(a.DateGMT, a.Date, "", r.loc)}
		if id > 0 {
			m.ID = id
		}
		if a.Local {
			m.File = a.Rel
		}
		if m.CreatedAt.IsZero() {
			m.CreatedAt = r.now
		}
		if m.URL == "" {
			r.sum.warn(a.Pos, "attachment", id, "it has no file URL; skipped")
			continue
		}
		if _, ok := m.RedirectTarget(); !ok {
			r.sum.warn(a.Pos, "attachment", id, "its file URL %q is not an http(s) address; skipped", m.URL)
			continue
		}
		if err := r.tx.ImportAttachment(ctx, m); err != nil {
			return itemError(a.Pos, "attachment", id, err)
		}
		if id > 0 && m.ID != id {
			r.sum.IDsChanged++
			r.sum.warn(a.Pos, "attachment", id, "id %d is taken here, so it is %d now; its old links redirect", id, m.ID)
		}
		r.attLocal[id] = m.ID
		if err := r.remember(ctx, broadside.WPAttachment, id, m.ID, a.GUID); err != nil {
			return err
		}
		if err := r.redirect(ctx, a.Link, broadside.WPAttachment, m.ID); err != nil {
			return err
		}
		r.sum.Attachments.New++
		if r.opt.MediaDir != "" && !a.Local && !a.Refused {
			r.sum.MediaMissing++
			r.sum.warn(a.Pos, "attachment", id, "its file %s is not in the media directory; the original URL is kept", firstNonEmpty(a.Rel, a.URL))
		}
	}
	return nil
}

// setupMedia prepares the rewriting of upload URLs in content to the media library, when
// files were stored: https://old.example/wp-content/uploads/2019/04/a-300x200.jpg becomes
// /wp-content/uploads/2019/04/a.jpg when a.jpg is a library file (the renderer adds the
// sizes back from the library's variants).
func (r *run) setupMedia() {
	if r.opt.MediaDir == "" || len(r.stored) == 0 {
		return
	}
	r.library = newLibraryIndex(r.plan, r.stored)
	host := ""
	for _, b := range []string{r.plan.site.BaseSiteURL, r.plan.site.BaseBlogURL, r.plan.site.Link} {
		if u, err := url.Parse(strings.TrimSpace(b)); err == nil && u.Host != "" {
			host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
			break
		}
	}
	// The site's own uploads (absolute, protocol-relative or a path on the same site), and
	// WordPress.com's SITE.files.wordpress.com/YYYY/MM/name.
	sites := `[a-z0-9-]+\.files\.wordpress\.com`
	if host != "" {
		sites = `(?:www\.)?` + regexp.QuoteMeta(host) + `(?:/[^"'\s<>]*?)?/wp-content/uploads|` + sites
	}
	r.mediaRE = regexp.MustCompile(`(?i)(?:(?:https?:)?//(?:` + sites + `)|(?:^|["'(=\s])/wp-content/uploads)/([^"'\s<>?#()\[\]]+)`)
}

func (r *run) rewriteMedia(s string) string {
	if r.library == nil || (!strings.Contains(s, "/wp-content/uploads/") && !strings.Contains(s, ".files.wordpress.com/")) {
		return s
	}
	return r.mediaRE.ReplaceAllStringFunc(s, func(m string) string {
		loc := r.mediaRE.FindStringSubmatchIndex(m)
		rel, err := url.PathUnescape(m[loc[2]:loc[3]])
		if err != nil || !safeRel(rel) {
			return m
		}
		key, ok := r.library.find(rel)
		if !ok {
			return m
		}
		// A relative match took the character before the path with it; keep it.
		lead := ""
		if i := strings.Index(m, "/wp-content/uploads/"); i > 0 && !strings.Contains(m[:i], "/") {
			lead = m[:i]
		}
		return lead + broadside.UploadsPath + escapePath(key)
	})
}

func checkDir(dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("--media-dir: %w (give the path of a copy of the old site's wp-content/uploads)", err)
	}
	if !fi.IsDir() {
		return fmt.Errorf("--media-dir: %s is not a directory (give the path of a copy of the old site's wp-content/uploads)", dir)
	}
	return nil
}
