package broadside

import (
	"strings"
	"testing"
)

// TestMenuTree: a flat menu with depths nests as WordPress's menus do.
func TestMenuTree(t *testing.T) {
	items := []MenuItem{{Label: "A"}, {Label: "A1", Depth: 1}, {Label: "A1a", Depth: 2}, {Label: "A2", Depth: 1}, {Label: "B"}, {Label: "B1", Depth: 1}, {Label: "C"}}
	var show func([]MenuNode[MenuItem]) string
	show = func(ns []MenuNode[MenuItem]) string {
		var parts []string
		for _, n := range ns {
			s := n.Item.Label
			if len(n.Children) > 0 {
				s += "(" + show(n.Children) + ")"
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, " ")
	}
	if got := show(MenuTree(items, func(it MenuItem) int { return it.Depth })); got != "A(A1(A1a) A2) B(B1) C" {
		t.Fatalf("tree = %s", got)
	}
}

// TestValidateMenuDepth: a sub-item needs an item above it one level up at most, the first
// item is at the top, and nesting stops at MaxMenuDepth.
func TestValidateMenuDepth(t *testing.T) {
	link := func(d int) MenuItem { return MenuItem{Kind: MenuLink, URL: "/x/", Label: "x", Depth: d} }
	for _, tc := range []struct {
		depths []int
		bad    string
	}{
		{[]int{0, 1, 2, 1, 0}, ""},
		{[]int{1}, "Item 1: The first item cannot be a sub-item."},
		{[]int{0, 2}, "Item 2: A sub-item goes at most one level below the item above it."},
		{[]int{0, 1, 2, 3}, "Item 4: Sub-menus go 2 levels deep at most."},
		{[]int{0, -1}, "Item 2: Sub-menus go 2 levels deep at most."},
	} {
		var items []MenuItem
		for _, d := range tc.depths {
			items = append(items, link(d))
		}
		err := ValidateMenu(items)
		if got := ErrorFields(err)["menu"]; got != tc.bad {
			t.Errorf("%v: %q, want %q", tc.depths, got, tc.bad)
		}
	}
}
