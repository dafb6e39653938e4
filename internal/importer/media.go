package importer

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/broadside/broadside"
)

// importAttachments writes the attachments, all of which the plan holds, before the posts
// that show them.
func (r *run) importAttachments(ctx context.Context) error {
	for _, id := range r.plan.attOrder {
		a := r.plan.attachments[id]
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
		if r.opt.MediaDir != "" && !a.Local {
			r.sum.MediaMissing++
			r.sum.warn(a.Pos, "attachment", id, "its file %s is not in the media directory; the original URL is kept", firstNonEmpty(a.Rel, a.URL))
		}
	}
	return nil
}

// setupMedia prepares the rewriting of upload URLs in content to the copies, when files
// are copied: https://old.example/wp-content/uploads/2019/04/a.jpg becomes
// /wp-content/uploads/2019/04/a.jpg if that file is in the media directory.
func (r *run) setupMedia() {
	if r.opt.MediaDir == "" {
		return
	}
	host := ""
	for _, b := range []string{r.plan.site.BaseSiteURL, r.plan.site.BaseBlogURL, r.plan.site.Link} {
		if u, err := url.Parse(strings.TrimSpace(b)); err == nil && u.Host != "" {
			host = strings.TrimPrefix(strings.ToLower(u.Host), "www.")
			break
		}
	}
	if host == "" {
		return
	}
	// The site's own uploads, and WordPress.com's SITE.files.wordpress.com/YYYY/MM/name.
	r.mediaRE = regexp.MustCompile(`(?i)(?:https?:)?//(?:(?:www\.)?` + regexp.QuoteMeta(host) +
		`(?:/[^"'\s<>]*?)?/wp-content/uploads|[a-z0-9-]+\.files\.wordpress\.com)/([^"'\s<>?#()\[\]]+)`)
	r.mediaFound = map[string]bool{}
}

func (r *run) rewriteMedia(s string) string {
	if !strings.Contains(s, "/wp-content/uploads/") && !strings.Contains(s, ".files.wordpress.com/") {
		return s
	}
	return r.mediaRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := r.mediaRE.FindStringSubmatch(m)
		rel, err := url.PathUnescape(sub[1])
		if err != nil || !safeRel(rel) {
			return m
		}
		found, ok := r.mediaFound[rel]
		if !ok {
			fi, err := os.Stat(filepath.Join(r.opt.MediaDir, filepath.FromSlash(rel)))
			found = err == nil && fi.Mode().IsRegular()
			if len(r.mediaFound) < 100_000 {
				r.mediaFound[rel] = found
			}
		}
		if !found {
			return m
		}
		return broadside.UploadsPath + escapePath(rel)
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

// copyTree copies the regular files below src into dst, keeping their paths, and returns
// how many it copied. Files already there with the same size are left alone, so a second
// run copies only what is new. Symbolic links, dot files and PHP scripts (which an uploads
// directory should not hold, and which attackers plant there) are not copied.
func copyTree(ctx context.Context, src, dst string) (int, error) {
	if dst == "" {
		return 0, fmt.Errorf("importer: no uploads directory configured to copy media into")
	}
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		name := d.Name()
		if p != src && strings.HasPrefix(name, ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil // directories are walked; links and devices are not followed
		}
		switch strings.ToLower(filepath.Ext(name)) {
		case ".php", ".phtml", ".php5", ".phar":
			return nil
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		if fi, err := os.Stat(target); err == nil && fi.Size() == info.Size() {
			return nil
		}
		if err := copyFile(p, target); err != nil {
			return fmt.Errorf("copy %s: %w", rel, err)
		}
		n++
		return nil
	})
	return n, err
}

// copyFile copies through a temporary file renamed into place, so a reader never sees half
// a file.
func copyFile(src, dst string) error {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	tmp, err := os.CreateTemp(filepath.Dir(dst), ".copy-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, in); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), dst)
}
