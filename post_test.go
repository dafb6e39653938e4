package broadside

import (
	"strings"
	"testing"
	"time"
)

func validPost() *Post {
	return &Post{Type: TypePost, Title: "T", Slug: "t", BodyFormat: FormatHTML, Status: StatusPublished,
		PublishedAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)}
}

func TestPostStatusesValidate(t *testing.T) {
	for _, st := range PostStatuses {
		p := validPost()
		p.Status = st
		if err := p.Validate(); err != nil {
			t.Errorf("status %s: %v", st, err)
		}
		if !ValidPostStatus(st) {
			t.Errorf("ValidPostStatus(%s) = false", st)
		}
	}
	p := validPost()
	p.Status = "trash"
	if ErrorFields(p.Validate())["status"] == "" {
		t.Error("unknown status accepted")
	}
	if ValidPostStatus("inherit") {
		t.Error("inherit is not a post status")
	}
}

func TestPostPasswordValidate(t *testing.T) {
	p := validPost()
	p.Password = "enter"
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	p.Password = strings.Repeat("x", 256)
	if ErrorFields(p.Validate())["password"] == "" {
		t.Error("256-character password accepted")
	}
	p.Password = "two\nlines"
	if ErrorFields(p.Validate())["password"] == "" {
		t.Error("multi-line password accepted")
	}
	p.Password = "enter"
	p.Sticky = true
	if ErrorFields(p.Validate())["sticky"] == "" {
		t.Error("a post both sticky and password protected accepted")
	}
}

func TestFeaturedImageSitePath(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://example.com/a.jpg":           true,
		"/wp-content/uploads/2019/04/a.jpg":   true,
		"//evil.example/a.jpg":                false,
		"javascript:alert(1)":                 false,
		"/a b.jpg":                            false,
		"relative.jpg":                        false,
		"/wp-content/uploads/\"onerror=x.jpg": false,
	} {
		p := validPost()
		p.FeaturedImageURL, p.FeaturedImageAlt = url, "alt"
		if got := p.Validate() == nil; got != ok {
			t.Errorf("featured image %q accepted=%v, want %v", url, got, ok)
		}
	}
}

func TestCanReadPrivateAndProtected(t *testing.T) {
	now := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	author := &User{ID: 7, Role: RoleAuthor}
	other := &User{ID: 8, Role: RoleAuthor}
	editor := &User{ID: 9, Role: RoleEditor}
	p := validPost()
	p.AuthorID = 7
	p.Status = StatusPrivate
	cases := []struct {
		u    *User
		want bool
	}{{nil, false}, {other, false}, {author, true}, {editor, true}}
	for _, c := range cases {
		if got := p.CanRead(c.u, now); got != c.want {
			t.Errorf("private post readable by %+v = %v, want %v", c.u, got, c.want)
		}
	}
	p.Status = StatusPending
	if p.CanRead(nil, now) || p.IsPublic(now) {
		t.Error("a pending post is not public")
	}
	p.Status = StatusPublished
	p.Password = "enter"
	if !p.CanRead(nil, now) || !p.Protected() {
		t.Error("a protected published post is readable (its body stays locked) and Protected")
	}
}
