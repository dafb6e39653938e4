package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/broadside/broadside/internal/i18n"
)

//go:embed all:templates
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// staticFiles serves embedded assets under content-hashed names, so they can be cached for a
// year and still change the moment a new binary ships.
type staticFiles struct {
	byHashed map[string]staticFile // "style.3f2a….css" -> file
	urls     map[string]string     // "style.css" -> "/static/style.3f2a….css"
}

type staticFile struct {
	body  []byte
	ctype string
}

func loadStatic() (*staticFiles, error) {
	st := &staticFiles{byHashed: map[string]staticFile{}, urls: map[string]string{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(b)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:6]) + ext
		st.byHashed[hashed] = staticFile{body: b, ctype: mime.TypeByExtension(ext)}
		st.urls[name] = "/static/" + hashed
		return nil
	})
	return st, err
}

// URL returns the hashed URL of an asset; an unknown name is a programming error caught by
// the template tests.
func (st *staticFiles) URL(name string) (string, error) {
	u, ok := st.urls[name]
	if !ok {
		return "", fmt.Errorf("web: unknown static asset %q", name)
	}
	return u, nil
}

// GET /static/{file}
// A missing asset gets a plain 404, not the site's page: it is asked for by a browser
// rendering a page, never by a reader.
func (st *staticFiles) serve(w http.ResponseWriter, r *http.Request) error {
	f, ok := st.byHashed[r.PathValue("file")]
	if !ok {
		http.NotFound(w, r)
		return nil
	}
	w.Header().Set("Content-Type", f.ctype)
	w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(f.body))
	return nil
}

// templates holds one parsed template set per page, each with the shared layout and partials.
// Public pages are parsed per shipped language, each set with its own "t" (translate): the
// language is the site's, and binding it here keeps every template, however deep its dot,
// translating with a plain {{t "Leave a Reply"}}. Admin pages are English (README).
//
// Every page is parsed at start (in English), so a broken template stops the server there, but only the
// English public pages are kept: the others are parsed again the first time a page is
// rendered. A site speaks one language and readers never see the admin; keeping the admin's
// 45 pages and the five unused languages was 11 of the 13 MiB the templates held, most of the
// server's live heap (docs/benchmarks.md, "Issue 11 (session 6): memory").
type templates struct {
	known map[string]bool  // every page: "public/post", "admin/…"
	funcs template.FuncMap // the functions every set has; parse adds the language's (langFuncs)

	mu   sync.RWMutex
	sets map[string]*template.Template // "public/post" (English), "public/post@fr", "admin/…"
}

// langFuncs are the template functions bound to one language.
func langFuncs(lang string) template.FuncMap {
	return template.FuncMap{
		"t":    func(key string, args ...any) string { return i18n.T(lang, key, args...) },
		"lang": func() string { return i18n.Code(lang) },
		// msg translates a message made in Go (an error, a flash, a heading) when the catalog
		// knows it, and prints it as it is otherwise.
		"msg": func(s string) string { return i18n.Message(lang, s) },
		// digits writes a number that is not a quantity (a year, a status) in the language's
		// digits, without grouping.
		"digits": func(n int) string { return i18n.Digits(lang, strconv.Itoa(n)) },
	}
}

func parseTemplates(st *staticFiles) (*templates, error) {
	funcs := template.FuncMap{
		"asset": st.URL,
		"plural": func(n int, one, many string) string {
			if n == 1 {
				return one
			}
			return many
		},
		"add": func(a, b int) int { return a + b },
		"seq": func(n int) []int {
			s := make([]int, n)
			for i := range s {
				s[i] = i + 1
			}
			return s
		},
		"join": strings.Join,
	}
	t := &templates{known: map[string]bool{}, funcs: funcs, sets: map[string]*template.Template{}}
	for _, group := range []string{"public", "admin"} {
		pages, err := fs.Glob(templateFS, "templates/"+group+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, p := range pages {
			name := path.Base(p)
			if strings.HasPrefix(name, "_") {
				continue
			}
			page := group + "/" + strings.TrimSuffix(name, ".html")
			set, err := t.parse(page, i18n.Default)
			if err != nil {
				return nil, err
			}
			t.known[page] = true
			if group == "public" {
				t.sets[page] = set
			}
		}
	}
	return t, nil
}

// parse parses page's set: the group's layout and partials, then the page, whose definitions
// win over theirs. lang binds the translating functions.
func (t *templates) parse(page, lang string) (*template.Template, error) {
	group, _, _ := strings.Cut(page, "/")
	set, err := template.New("").Funcs(t.funcs).Funcs(langFuncs(lang)).
		ParseFS(templateFS, "templates/"+group+"/_*.html", "templates/"+page+".html")
	if err != nil {
		return nil, fmt.Errorf("web: parse %s (%s): %w", page, lang, err)
	}
	return set, nil
}

// lookup returns page in lang, English when the page has no translated set (admin pages).
func (t *templates) lookup(page, lang string) (*template.Template, error) {
	if !t.known[page] {
		return nil, fmt.Errorf("web: no template %q", page)
	}
	c, key := i18n.Default, page
	if l := i18n.Code(lang); l != i18n.Default && strings.HasPrefix(page, "public/") {
		c, key = l, page+"@"+l
	}
	t.mu.RLock()
	set, ok := t.sets[key]
	t.mu.RUnlock()
	if ok {
		return set, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if set, ok := t.sets[key]; ok {
		return set, nil
	}
	// Parsed again rather than cloned: html/template cannot clone a set once it has run.
	set, err := t.parse(page, c)
	if err != nil {
		return nil, err
	}
	t.sets[key] = set
	return set, nil
}

// execute renders page into a buffer so that a template error becomes a clean 500 instead of
// half a page. A page's language is its site's.
func (t *templates) execute(page string, data any) (*bytes.Buffer, error) {
	lang := ""
	if v, ok := data.(*view); ok && v.Site != nil {
		lang = v.Site.Language
	}
	tm, err := t.lookup(page, lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tm.ExecuteTemplate(&buf, "layout", data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", page, err)
	}
	return &buf, nil
}

// executePart renders the template named name of page in lang, for a fragment of a page.
func (t *templates) executePart(page, lang, name string, data any) (*bytes.Buffer, error) {
	tm, err := t.lookup(page, lang)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := tm.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, fmt.Errorf("web: render %s %s: %w", page, name, err)
	}
	return &buf, nil
}
