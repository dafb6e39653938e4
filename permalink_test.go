package broadside

import (
	"strings"
	"testing"
	"time"
)

var acceptedStructures = []string{
	"/%year%/%monthnum%/%day%/%postname%/",
	"/%year%/%monthnum%/%postname%/",
	"/archives/%post_id%",
	"/%postname%/",
	"/%category%/%postname%/",
	"/%author%/%postname%/",
	"/%year%/%postname%.html",
	"/%year%%monthnum%%day%/%postname%/",
	"/%year%/%monthnum%/%day%/%hour%/%minute%/%second%/%postname%/",
	"/%post_id%/%postname%/",
	"/%postname%-%post_id%/",
	"/blog/%year%/%category%/%author%/%postname%/",
}

func TestValidatePermalinkStructureAccepts(t *testing.T) {
	for _, s := range acceptedStructures {
		if err := ValidatePermalinkStructure(s); err != nil {
			t.Errorf("ValidatePermalinkStructure(%q) = %v", s, err)
		}
	}
	if err := ValidatePermalinkStructure(DefaultPermalinkStructure); err != nil {
		t.Errorf("default structure rejected: %v", err)
	}
}

func TestValidatePermalinkStructureRejects(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty"},
		{"%year%/%postname%/", "start with a slash"},
		{"/%year%/%monthnum%/", "%postname% or %post_id%"},
		{"/archives/", "%postname% or %post_id%"},
		{"/%year%/%slug%/", "unknown tag %slug%"},
		{"/%postname%/%foo", "does not start a tag"},
		{"/%postname%/../x", `".."`},
		{"/%postname%/?p=1", "? or #"},
		{"/%postname%/#top", "? or #"},
		{"/%post name%/", "spaces"},
		{"/news /%postname%/", "spaces"},
		{"/%postname%/\t", "spaces"},
		{"/%postname%\x00/", "control"},
		{"//%postname%/", "empty path segment"},
		{"/%category%%postname%/", "separator"},
		{"/%postname%%post_id%/", "separator"},
		{"/%year%%postname%/", "separator"},
		{"/%postname%/%postname%/", "more than once"},
		{"/" + strings.Repeat("a", 300) + "/%postname%/", "too long"},
		{"/\xff/%postname%/", "invalid characters"},
		{"/a\\b/%postname%/", "backslash"},
	}
	for _, tt := range tests {
		err := ValidatePermalinkStructure(tt.in)
		if err == nil {
			t.Errorf("ValidatePermalinkStructure(%q) = nil, want error", tt.in)
			continue
		}
		if ErrorCode(err) != EINVALID {
			t.Errorf("%q: code %q", tt.in, ErrorCode(err))
		}
		if msg := ErrorMessage(err); !strings.Contains(msg, tt.want) {
			t.Errorf("%q: message %q does not mention %q", tt.in, msg, tt.want)
		}
	}
}

var sampleFields = PermalinkFields{
	ID:           1234,
	Slug:         "willsman-thumbs-his-nose",
	Published:    time.Date(2018, 9, 5, 7, 3, 9, 0, time.UTC),
	CategoryPath: "news/local",
	AuthorLogin:  "mark",
}

func TestBuildPermalink(t *testing.T) {
	tests := []struct {
		structure string
		f         PermalinkFields
		want      string
	}{
		{"/%year%/%monthnum%/%day%/%postname%/", sampleFields, "/2018/09/05/willsman-thumbs-his-nose/"},
		{"/%year%/%monthnum%/%postname%/", sampleFields, "/2018/09/willsman-thumbs-his-nose/"},
		{"/archives/%post_id%", sampleFields, "/archives/1234"},
		{"/%postname%/", sampleFields, "/willsman-thumbs-his-nose/"},
		{"/%category%/%postname%/", sampleFields, "/news/local/willsman-thumbs-his-nose/"},
		{"/%category%/%postname%/", PermalinkFields{Slug: "x"}, "/uncategorized/x/"},
		{"/%author%/%postname%/", sampleFields, "/mark/willsman-thumbs-his-nose/"},
		{"/%year%/%postname%.html", sampleFields, "/2018/willsman-thumbs-his-nose.html"},
		{"/%year%%monthnum%%day%/%postname%/", sampleFields, "/20180905/willsman-thumbs-his-nose/"},
		{"/%hour%:%minute%:%second%/%post_id%", sampleFields, "/07:03:09/1234"},
		{"/%year%/%postname%/", PermalinkFields{Slug: "old", Published: time.Date(99, 1, 1, 0, 0, 0, 0, time.UTC)}, "/0099/old/"},
		// Not a valid structure, still built without panicking: unknown text stays literal.
		{"/%foo%/%postname%/%", sampleFields, "/%foo%/willsman-thumbs-his-nose/%"},
	}
	for _, tt := range tests {
		if got := BuildPermalink(tt.structure, tt.f); got != tt.want {
			t.Errorf("BuildPermalink(%q) = %q, want %q", tt.structure, got, tt.want)
		}
	}
}

func TestMatchPermalink(t *testing.T) {
	tests := []struct {
		structure, path string
		ok              bool
		want            PermalinkMatch
	}{
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/willsman-thumbs-his-nose/", true,
			PermalinkMatch{Year: 2018, Month: 9, Day: 5, Slug: "willsman-thumbs-his-nose", HasYear: true, HasMonth: true, HasDay: true, HasSlug: true}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/willsman-thumbs-his-nose", true,
			PermalinkMatch{Year: 2018, Month: 9, Day: 5, Slug: "willsman-thumbs-his-nose", HasYear: true, HasMonth: true, HasDay: true, HasSlug: true}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/9/5/one-digit/", true,
			PermalinkMatch{Year: 2018, Month: 9, Day: 5, Slug: "one-digit", HasYear: true, HasMonth: true, HasDay: true, HasSlug: true}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/13/05/x/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/00/05/x/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/32/x/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/00/x/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/a/b/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/18/09/05/x/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "2018/09/05/x/", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/x//", false, PermalinkMatch{}},
		{"/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/привет-мир/", true,
			PermalinkMatch{Year: 2018, Month: 9, Day: 5, Slug: "привет-мир", HasYear: true, HasMonth: true, HasDay: true, HasSlug: true}},
		{"/%year%/%monthnum%/%postname%/", "/2018/09/x/", true,
			PermalinkMatch{Year: 2018, Month: 9, Slug: "x", HasYear: true, HasMonth: true, HasSlug: true}},
		{"/archives/%post_id%", "/archives/1234", true, PermalinkMatch{ID: 1234, HasID: true}},
		{"/archives/%post_id%", "/archives/1234/", true, PermalinkMatch{ID: 1234, HasID: true}},
		{"/archives/%post_id%", "/archives/0", false, PermalinkMatch{}},
		{"/archives/%post_id%", "/archives/99999999999999999999999", false, PermalinkMatch{}},
		{"/archives/%post_id%", "/archives/12a", false, PermalinkMatch{}},
		{"/archives/%post_id%", "/archive/12", false, PermalinkMatch{}},
		{"/%postname%/", "/hello/", true, PermalinkMatch{Slug: "hello", HasSlug: true}},
		{"/%postname%/", "/hello", true, PermalinkMatch{Slug: "hello", HasSlug: true}},
		{"/%postname%/", "/", false, PermalinkMatch{}},
		{"/%postname%/", "/a/b/", false, PermalinkMatch{}},
		{"/%category%/%postname%/", "/news/x/", true, PermalinkMatch{CategoryPath: "news", Slug: "x", HasCategory: true, HasSlug: true}},
		{"/%category%/%postname%/", "/news/local/x/", true, PermalinkMatch{CategoryPath: "news/local", Slug: "x", HasCategory: true, HasSlug: true}},
		{"/%category%/%postname%/", "/a/b/c/x", true, PermalinkMatch{CategoryPath: "a/b/c", Slug: "x", HasCategory: true, HasSlug: true}},
		{"/%category%/%postname%/", "/x/", false, PermalinkMatch{}},
		{"/%category%/%postname%/", "//x/", false, PermalinkMatch{}},
		{"/%category%/%postname%/", "/a//x/", false, PermalinkMatch{}},
		{"/%author%/%postname%/", "/mark/x/", true, PermalinkMatch{Author: "mark", Slug: "x", HasAuthor: true, HasSlug: true}},
		{"/%year%/%postname%.html", "/2018/willsman.html", true, PermalinkMatch{Year: 2018, Slug: "willsman", HasYear: true, HasSlug: true}},
		{"/%year%/%postname%.html", "/2018/a.b.html", true, PermalinkMatch{Year: 2018, Slug: "a.b", HasYear: true, HasSlug: true}},
		{"/%year%/%postname%.html", "/2018/willsman", false, PermalinkMatch{}},
		{"/%year%/%postname%.html", "/2018/willsmanXhtml", false, PermalinkMatch{}}, // the dot is literal
		{"/%year%%monthnum%%day%/%postname%/", "/20180905/x/", true,
			PermalinkMatch{Year: 2018, Month: 9, Day: 5, Slug: "x", HasYear: true, HasMonth: true, HasDay: true, HasSlug: true}},
		{"/%year%%monthnum%%day%/%postname%/", "/2018095/x/", false, PermalinkMatch{}},
		{"/%postname%-%post_id%/", "/foo-bar-12/", true, PermalinkMatch{Slug: "foo-bar", ID: 12, HasSlug: true, HasID: true}},
		{"/%hour%:%minute%:%second%/%post_id%", "/23:59:59/1", true,
			PermalinkMatch{Hour: 23, Minute: 59, Second: 59, ID: 1, HasHour: true, HasMinute: true, HasSecond: true, HasID: true}},
		{"/%hour%:%minute%:%second%/%post_id%", "/24:00:00/1", false, PermalinkMatch{}},
		{"/%hour%:%minute%:%second%/%post_id%", "/00:60:00/1", false, PermalinkMatch{}},
		{"/%bogus%/", "/x/", false, PermalinkMatch{}}, // invalid structure matches nothing
	}
	for _, tt := range tests {
		got, ok := MatchPermalink(tt.structure, tt.path)
		if ok != tt.ok || got != tt.want {
			t.Errorf("MatchPermalink(%q, %q) = %+v, %v; want %+v, %v", tt.structure, tt.path, got, ok, tt.want, tt.ok)
		}
	}
}

func TestPermalinksRoundTrip(t *testing.T) {
	fields := []PermalinkFields{
		sampleFields,
		{ID: 1, Slug: "a", Published: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), CategoryPath: "x", AuthorLogin: "b"},
		{ID: 987654321, Slug: "привет-мир", Published: time.Date(2024, 12, 31, 23, 59, 59, 0, time.UTC), CategoryPath: "a/b/c/d", AuthorLogin: "jane-doe"},
		{ID: 42, Slug: "ends-with-123", Published: time.Date(1999, 2, 28, 12, 0, 0, 0, time.FixedZone("x", 3600)), CategoryPath: "uncategorized", AuthorLogin: "x1"},
		{ID: 7, Slug: "dots.in.slug", Published: time.Date(2010, 10, 10, 10, 10, 10, 0, time.UTC), CategoryPath: "n", AuthorLogin: "m"},
	}
	for _, s := range append(acceptedStructures, "/%hour%:%minute%:%second%/%post_id%") {
		p, err := NewPermalinks(s)
		if err != nil {
			t.Fatalf("NewPermalinks(%q): %v", s, err)
		}
		if p.Structure() != s {
			t.Fatalf("Structure() = %q", p.Structure())
		}
		for _, f := range fields {
			path := p.Build(f)
			if path != BuildPermalink(s, f) {
				t.Errorf("%q: Build %q != BuildPermalink %q", s, path, BuildPermalink(s, f))
			}
			m, ok := p.Match(path)
			if !ok {
				t.Errorf("%q: Match(%q) failed", s, path)
				continue
			}
			check := func(has bool, tag string, got, want any) {
				if strings.Contains(s, tag) != has {
					t.Errorf("%q: Has for %s = %v", s, tag, has)
				}
				if has && got != want {
					t.Errorf("%q: %s = %v, want %v (path %q)", s, tag, got, want, path)
				}
			}
			pub := f.Published
			check(m.HasYear, TagYear, m.Year, pub.Year())
			check(m.HasMonth, TagMonth, m.Month, int(pub.Month()))
			check(m.HasDay, TagDay, m.Day, pub.Day())
			check(m.HasHour, TagHour, m.Hour, pub.Hour())
			check(m.HasMinute, TagMinute, m.Minute, pub.Minute())
			check(m.HasSecond, TagSecond, m.Second, pub.Second())
			check(m.HasSlug, TagPostname, m.Slug, f.Slug)
			check(m.HasID, TagPostID, m.ID, f.ID)
			check(m.HasCategory, TagCategory, m.CategoryPath, f.CategoryPath)
			check(m.HasAuthor, TagAuthor, m.Author, f.AuthorLogin)
			// Without the trailing slash too.
			if strings.HasSuffix(path, "/") {
				if m2, ok := p.Match(strings.TrimSuffix(path, "/")); !ok || m2 != m {
					t.Errorf("%q: no match without trailing slash", s)
				}
			}
		}
	}
}

func TestNewPermalinksInvalid(t *testing.T) {
	if p, err := NewPermalinks("/%year%/"); err == nil || p != nil {
		t.Fatalf("NewPermalinks accepted a structure without %%postname%%: %v", err)
	}
}

func FuzzMatchPermalink(f *testing.F) {
	f.Add("/%year%/%monthnum%/%day%/%postname%/", "/2018/09/05/x/")
	f.Add("/%category%/%postname%/", "/a/b/c/")
	f.Add("/%year%/%postname%.html", "/2018/x.html")
	f.Fuzz(func(t *testing.T, structure, path string) {
		m, ok := MatchPermalink(structure, path)
		if ok && ValidatePermalinkStructure(structure) != nil {
			t.Fatalf("invalid structure %q matched %q", structure, path)
		}
		if ok && m.HasSlug && (m.Slug == "" || strings.Contains(m.Slug, "/")) {
			t.Fatalf("bad slug %q", m.Slug)
		}
		_ = BuildPermalink(structure, sampleFields)
	})
}

func BenchmarkPermalinksMatch(b *testing.B) {
	p, err := NewPermalinks(DefaultPermalinkStructure)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, ok := p.Match("/2018/09/05/willsman-thumbs-his-nose/"); !ok {
			b.Fatal("no match")
		}
	}
}
