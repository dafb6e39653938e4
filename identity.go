package broadside

import (
	"strings"
	"unicode/utf8"
)

// Identity is how the site presents itself: a logo in the header, an icon for browser tabs
// and home screens, and the navigation menu.
type Identity struct {
	// Logo and Icon are images from the media library (zero: none), with what the page head
	// and header need copied in when chosen, so rendering a page asks nothing more.
	Logo SiteImage `json:",omitzero"`
	Icon SiteImage `json:",omitzero"`
	Menu []MenuItem
}

// SiteImage is a media library image used by the site itself.
type SiteImage struct {
	MediaID       int64
	URL           string // a site path, /wp-content/uploads/…
	MimeType      string
	Width, Height int
	// Variants are sizes made for the image's use: the icon's squares (32, 180, 192, 512)
	// that favicons, home screens and the web app manifest ask for.
	Variants []SiteImageSize `json:",omitempty"`
}

// SiteImageSize is one made size of a site image.
type SiteImageSize struct {
	URL           string
	MimeType      string
	Width, Height int
}

// Square returns the px×px variant, or the image itself when none was made (it was not
// larger than that).
func (i SiteImage) Square(px int) SiteImage {
	for _, v := range i.Variants {
		if v.Width == px && v.Height == px {
			return SiteImage{MediaID: i.MediaID, URL: v.URL, MimeType: v.MimeType, Width: v.Width, Height: v.Height}
		}
	}
	return SiteImage{MediaID: i.MediaID, URL: i.URL, MimeType: i.MimeType, Width: i.Width, Height: i.Height}
}

// Sizes is the image's size as the HTML sizes attribute writes it ("512x512"), or "any".
func (i SiteImage) Sizes() string {
	if i.Width <= 0 || i.Height <= 0 {
		return "any"
	}
	return itoa(i.Width) + "x" + itoa(i.Height)
}

// Menu item kinds.
const (
	MenuPage     = "page"
	MenuCategory = "category"
	MenuLink     = "link"
)

// MenuItem is one entry of the navigation menu, in order. A page or category item names its
// target by id and shows the target's title unless Label is set; a link item has a URL.
type MenuItem struct {
	Kind     string
	TargetID int64  `json:",omitempty"`
	URL      string `json:",omitempty"`
	Label    string `json:",omitempty"`
	// Depth is the item's level: 0 at the top, 1 a sub-item of the nearest item above it at
	// level 0, and so on, as WordPress's menus nest (kept as a flat list in order).
	Depth int `json:",omitempty"`
}

// MaxMenuDepth is the deepest level of a sub-menu (0 is the top): three levels, what
// WordPress's default themes show.
const MaxMenuDepth = 2

// MenuNode is a menu item with its sub-items, for rendering.
type MenuNode[T any] struct {
	Item     T
	Children []MenuNode[T]
}

// MenuTree nests the items of a flat menu by their depths (depth(i) gives item i's level,
// already validated). Used by every channel that shows the menu.
func MenuTree[T any](items []T, depth func(T) int) []MenuNode[T] {
	var build func(i, level int) ([]MenuNode[T], int)
	build = func(i, level int) ([]MenuNode[T], int) {
		var out []MenuNode[T]
		for i < len(items) {
			d := depth(items[i])
			if d < level {
				break
			}
			if d > level { // deeper than allowed here: hang it on the last item
				if len(out) == 0 {
					d = level
				} else {
					kids, next := build(i, level+1)
					out[len(out)-1].Children = append(out[len(out)-1].Children, kids...)
					i = next
					continue
				}
			}
			out = append(out, MenuNode[T]{Item: items[i]})
			i++
		}
		return out, i
	}
	tree, _ := build(0, 0)
	return tree
}

// MaxMenuItems bounds the navigation menu.
const MaxMenuItems = 30

// ValidateMenu checks menu items, naming the first bad one.
func ValidateMenu(items []MenuItem) error {
	if len(items) > MaxMenuItems {
		return &Error{Code: EINVALID, Message: "The menu is too long.", Fields: map[string]string{"menu": "Use at most 30 items."}}
	}
	for i, it := range items {
		field := "menu"
		bad := ""
		switch it.Kind {
		case MenuPage, MenuCategory:
			if it.TargetID <= 0 {
				bad = "Choose a page or category."
			}
		case MenuLink:
			if !IsHTTPURL(it.URL) && !IsSitePath(it.URL) {
				bad = "A link needs an address starting with http://, https:// or /."
			} else if strings.TrimSpace(it.Label) == "" {
				bad = "A link needs a label."
			}
		default:
			bad = "Unknown kind of menu item."
		}
		switch {
		case bad != "":
		case it.Depth < 0 || it.Depth > MaxMenuDepth:
			bad = "Sub-menus go " + itoa(MaxMenuDepth) + " levels deep at most."
		case i == 0 && it.Depth > 0:
			bad = "The first item cannot be a sub-item."
		case i > 0 && it.Depth > items[i-1].Depth+1:
			bad = "A sub-item goes at most one level below the item above it."
		}
		if bad == "" && utf8.RuneCountInString(it.Label) > 100 {
			bad = "The label is too long (100 characters at most)."
		}
		if bad != "" {
			return &Error{Code: EINVALID, Message: "Please correct the menu.",
				Fields: map[string]string{field: "Item " + itoa(i+1) + ": " + bad}}
		}
	}
	return nil
}

// MustEnrolTwoFactor reports whether u has to set up two-factor sign-in before using the
// admin: the site requires it of administrators and u has none.
func (s *Settings) MustEnrolTwoFactor(u *User) bool {
	return s.RequireTwoFactorAdmins && u != nil && u.Role == RoleAdmin && !u.TwoFactor
}
