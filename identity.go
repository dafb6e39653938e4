package broadside

import (
	"strings"
	"unicode/utf8"
)

// Identity is how the site presents itself: a logo in the header, an icon for browser tabs
// and home screens, and the navigation menu.
type Identity struct {
	// LogoID and IconID are media library items (0: none).
	LogoID int64
	IconID int64
	Menu   []MenuItem
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
