package broadside

import "testing"

func TestIsMediaVariantKey(t *testing.T) {
	for key, want := range map[string]bool{
		"2026/12/photo-3f9a1c-300x200.jpg": true,
		"2026/12/photo-3f9a1c.webp":        true,
		"2026/12/photo-3f9a1c-150x150.png": true,
		"2026/12/photo-3f9a1c.jpg":         false,
		"2026/12/photo-3f9a1c-300x.jpg":    false,
		"2026/12/photo-axb.jpg":            false,
		"../12/photo-300x200.jpg":          false,
		"2026/12/Photo-300x200.JPG":        false,
	} {
		if got := IsMediaVariantKey(key); got != want {
			t.Errorf("IsMediaVariantKey(%q) = %v", key, got)
		}
	}
}

func TestValidImportedMediaKey(t *testing.T) {
	for key, want := range map[string]bool{
		"2019/04/IMG_1234.JPG":         true,
		"2019/04/Big_Photo-scaled.jpg": true,
		"photo.jpg":                    true,
		"2019/04/été.jpg":              true,
		"2019/04/../x.jpg":             false,
		"/etc/x.jpg":                   false,
		"2019/04/.hidden.jpg":          false,
		"2019/04/a b.jpg":              false,
		"2019/04/a\"b.jpg":             false,
		"2019/04/a%2e.jpg":             false,
		"2019//a.jpg":                  false,
		"2019/04/noext":                false,
		"2019\\04\\a.jpg":              false,
	} {
		if got := ValidImportedMediaKey(key); got != want {
			t.Errorf("ValidImportedMediaKey(%q) = %v", key, got)
		}
	}
}
