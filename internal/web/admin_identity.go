package web

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
)

// Site identity (issue 10, point 10): the logo and icon, uploaded through the media library's
// service (one upload implementation), and the navigation menu. Both are site settings.

const identityPath = "/admin/settings/identity"

// menuRow is one row of the menu editor.
type menuRow struct {
	broadside.MenuItem
	Pos int
}

// identityData is the identity screen.
type identityData struct {
	adminPage
	Identity   broadside.Identity
	Rows       []menuRow
	Pages      []broadside.Post
	Categories []broadside.Category
}

// GET /admin/settings/identity
func (s *Server) handleIdentityForm(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	return s.renderIdentity(w, r, http.StatusOK, &identityData{})
}

func (s *Server) renderIdentity(w http.ResponseWriter, r *http.Request, status int, d *identityData) error {
	v, ap := s.adminView(w, r, "settings", "Site identity")
	ap.Message, ap.Errors = d.Message, d.Errors
	d.adminPage = ap
	d.Identity = v.Site.Identity
	if d.Rows == nil {
		for i, it := range d.Identity.Menu {
			d.Rows = append(d.Rows, menuRow{MenuItem: it, Pos: i + 1})
		}
	}
	for n := len(d.Rows); n < len(d.Identity.Menu)+3; n++ {
		d.Rows = append(d.Rows, menuRow{Pos: n + 1})
	}
	pages, _, err := s.Posts.List(r.Context(), s.Posts.Public(broadside.PostFilter{Type: broadside.TypePage, OrderBy: "title", Asc: true, Limit: 200}))
	if err != nil {
		return err
	}
	d.Pages = pages
	d.Categories = v.Site.categories(r.Context(), s)
	v.Data = d
	s.page(w, r, status, "admin/identity", v)
	return nil
}

// POST /admin/settings/identity
// A multipart form: a new logo or icon (through the media library's Upload, so the file is
// checked and stored like any upload), or their removal.
func (s *Server) handleIdentityImages(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if s.Media == nil {
		return broadside.Errorf(broadside.EINVALID, "The media library is not available on this site.")
	}
	set, err := s.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	fe := broadside.FieldErrors{}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			if _, big := errors.AsType[*http.MaxBytesError](err); big {
				fe.Add("logo", "The file is too large for a logo or icon (2 MiB at most).")
			} else {
				fe.Add("logo", "The upload broke off; try again.")
			}
			break
		}
		name := part.FormName()
		switch {
		case name == "remove_logo" || name == "remove_icon":
			if name == "remove_logo" {
				set.Identity.Logo = broadside.SiteImage{}
			} else {
				set.Identity.Icon = broadside.SiteImage{}
			}
		case (name == "logo" || name == "icon") && part.FileName() != "":
			m, err := s.Media.Upload(r.Context(), u, part.FileName(), part)
			if err != nil {
				if statusOf(err) >= 500 {
					part.Close()
					return err
				}
				fe.Add(name, broadside.ErrorMessage(err))
			} else if !m.IsImage() {
				fe.Add(name, "Choose an image (PNG, JPEG, GIF or WebP).")
			} else {
				img := broadside.SiteImage{MediaID: m.ID, URL: m.URL(), MimeType: m.MimeType, Width: m.Width, Height: m.Height}
				if name == "logo" {
					set.Identity.Logo = img
				} else if err := s.iconSizes(r.Context(), u, &img); err != nil {
					if statusOf(err) >= 500 {
						part.Close()
						return err
					}
					fe.Add(name, broadside.ErrorMessage(err))
				} else {
					set.Identity.Icon = img
				}
			}
		}
		part.Close()
	}
	if err := fe.Err(); err != nil {
		d := &identityData{}
		d.formErr(err)
		return s.renderIdentity(w, r, http.StatusUnprocessableEntity, d)
	}
	if err := s.Settings.Save(r.Context(), set, u); err != nil {
		return err
	}
	s.flash(w, r, "Logo and icon saved.")
	redirect(w, r, identityPath)
	return nil
}

// iconSizes makes the squares browsers and phones ask of a site icon (favicon, touch icon,
// manifest icons) through the media library's resizing, and lists them in img.
func (s *Server) iconSizes(ctx context.Context, u *broadside.User, img *broadside.SiteImage) error {
	made, err := s.Media.IconVariants(ctx, u, img.MediaID)
	if err != nil {
		return err
	}
	for _, v := range made {
		img.Variants = append(img.Variants, broadside.SiteImageSize{URL: (&broadside.Media{Key: v.Key}).URL(),
			MimeType: v.MimeType, Width: v.Width, Height: v.Height})
	}
	return nil
}

// GET /manifest.webmanifest
// The web app manifest phones read when the site is added to a home screen: the site's name
// and its icon's 192 and 512 px squares.
func (s *Server) handleManifest(w http.ResponseWriter, r *http.Request) error {
	st, err := s.site(r.Context())
	if err != nil {
		return err
	}
	type icon struct {
		Src   string `json:"src"`
		Sizes string `json:"sizes"`
		Type  string `json:"type"`
	}
	m := struct {
		Name      string `json:"name"`
		ShortName string `json:"short_name"`
		StartURL  string `json:"start_url"`
		Display   string `json:"display"`
		Icons     []icon `json:"icons"`
	}{Name: st.Title, ShortName: st.Title, StartURL: "/", Display: "browser", Icons: []icon{}}
	if ic := st.Identity.Icon; ic.URL != "" {
		seen := map[string]bool{}
		for _, px := range []int{192, 512} {
			v := ic.Square(px)
			if !seen[v.URL] {
				seen[v.URL] = true
				m.Icons = append(m.Icons, icon{Src: v.URL, Sizes: v.Sizes(), Type: v.MimeType})
			}
		}
	}
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(body)
	return err
}

// POST /admin/settings/menu
// Rows arrive as parallel lists (kind, target, url, label, pos, depth); rows without a kind
// are empty and dropped; the rest are ordered by pos, and a row's depth makes it a sub-item
// of the nearest row above it one level up.
func (s *Server) handleMenuSave(w http.ResponseWriter, r *http.Request, u *broadside.User) error {
	if !u.CanManageSite() {
		return errForbidden(msgNeedAdmin)
	}
	if err := r.ParseForm(); err != nil {
		return broadside.Errorf(broadside.EINVALID, "The form could not be read.")
	}
	f := r.PostForm
	kinds, targets, urls, labels, poss, depths := f["kind"], f["target"], f["url"], f["label"], f["pos"], f["depth"]
	at := func(xs []string, i int) string {
		if i < len(xs) {
			return strings.TrimSpace(xs[i])
		}
		return ""
	}
	var rows []menuRow
	for i := range kinds {
		row := menuRow{MenuItem: broadside.MenuItem{Kind: at(kinds, i), Label: at(labels, i)}}
		row.Pos, _ = strconv.Atoi(at(poss, i))
		row.Depth, _ = strconv.Atoi(at(depths, i))
		if row.Pos == 0 {
			row.Pos = i + 1
		}
		switch row.Kind {
		case "":
			continue
		case broadside.MenuLink:
			row.URL = at(urls, i)
		default:
			row.TargetID, _ = strconv.ParseInt(at(targets, i), 10, 64)
		}
		rows = append(rows, row)
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].Pos < rows[j].Pos })
	set, err := s.Settings.Load(r.Context())
	if err != nil {
		return err
	}
	set.Identity.Menu = nil
	for _, row := range rows {
		set.Identity.Menu = append(set.Identity.Menu, row.MenuItem)
	}
	if err := s.Settings.Save(r.Context(), set, u); err != nil {
		if statusOf(err) >= 500 || broadside.ErrorCode(err) == broadside.EFORBIDDEN {
			return err
		}
		d := &identityData{Rows: rows}
		d.formErr(err)
		return s.renderIdentity(w, r, http.StatusUnprocessableEntity, d)
	}
	s.flash(w, r, "Menu saved.")
	redirect(w, r, identityPath)
	return nil
}

// menuLinks resolves the site's menu for the header: pages and categories that are public,
// in order and nested as the menu is, with the item's label or else the target's title. An
// item whose target is not public is left out with its sub-items.
func (s *Server) menuLinks(ctx context.Context, st *site, menu []broadside.MenuItem) []navLink {
	var pageIDs []int64
	for _, it := range menu {
		if it.Kind == broadside.MenuPage {
			pageIDs = append(pageIDs, it.TargetID)
		}
	}
	pages := map[int64]*broadside.Post{}
	if len(pageIDs) > 0 {
		list, _, err := s.Posts.List(ctx, s.Posts.Public(broadside.PostFilter{Type: broadside.TypePage, IDs: pageIDs, Limit: len(pageIDs)}))
		if err == nil {
			for i := range list {
				pages[list[i].ID] = &list[i]
			}
		}
	}
	var resolve func(nodes []broadside.MenuNode[broadside.MenuItem]) []navLink
	resolve = func(nodes []broadside.MenuNode[broadside.MenuItem]) []navLink {
		var out []navLink
		for _, n := range nodes {
			it := n.Item
			var l *navLink
			switch it.Kind {
			case broadside.MenuPage:
				if p := pages[it.TargetID]; p != nil {
					l = &navLink{Title: firstNonBlank(it.Label, p.Title), Path: st.PostPath(p)}
				}
			case broadside.MenuCategory:
				for _, c := range st.categories(ctx, s) {
					if c.ID == it.TargetID {
						l = &navLink{Title: firstNonBlank(it.Label, c.Name), Path: st.CategoryPath(c)}
					}
				}
			case broadside.MenuLink:
				l = &navLink{Title: it.Label, Path: it.URL}
			}
			if l != nil {
				l.Children = resolve(n.Children)
				out = append(out, *l)
			}
		}
		return out
	}
	return resolve(broadside.MenuTree(menu, func(it broadside.MenuItem) int { return it.Depth }))
}

func firstNonBlank(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}
