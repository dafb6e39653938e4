package importer

import (
	"context"
	"sort"
	"strconv"
	"strings"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/wxr"
)

// WordPress keeps its navigation menus as nav_menu_item posts: each names its menu (a term in
// the nav_menu taxonomy), its place (menu_order, _menu_item_menu_item_parent) and what it
// points at (_menu_item_type post_type/taxonomy/custom, _menu_item_object, _menu_item_object_id,
// _menu_item_url). Broadside has one menu, so the import takes the menu with the most
// top-level items, in order and nested as it was (down to broadside.MaxMenuDepth), once every
// page and category is in.

const skipMenu = "menu items Broadside's one menu cannot hold (other menus, sub-menus deeper than three levels, links to posts)"

type wpMenuItem struct {
	pos      wxr.Pos
	id       int64
	menu     string
	order    int
	parent   string
	typ      string
	object   string
	objectID int64
	url      string
	title    string
}

func (r *run) collectMenuItem(it *wxr.Item) {
	m := wpMenuItem{pos: it.Pos, id: it.ID, order: it.MenuOrder, title: strings.TrimSpace(it.Title)}
	for _, t := range it.Terms {
		if t.Domain == "nav_menu" {
			m.menu = t.Slug
		}
	}
	m.parent, _ = it.MetaValue("_menu_item_menu_item_parent")
	m.parent = strings.TrimSpace(m.parent)
	m.typ, _ = it.MetaValue("_menu_item_type")
	m.object, _ = it.MetaValue("_menu_item_object")
	if v, ok := it.MetaValue("_menu_item_object_id"); ok {
		m.objectID, _ = strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	}
	m.url, _ = it.MetaValue("_menu_item_url")
	r.menuItems = append(r.menuItems, m)
}

// importMenu makes the site's menu from the export's largest menu, unless the site has one.
func (r *run) importMenu(ctx context.Context) error {
	if len(r.menuItems) == 0 {
		return nil
	}
	top := map[string]int{}
	var order []string
	for _, m := range r.menuItems {
		if m.parent == "" || m.parent == "0" {
			if _, seen := top[m.menu]; !seen {
				order = append(order, m.menu)
			}
			top[m.menu]++
		}
	}
	best := ""
	for _, name := range order {
		if best == "" || top[name] > top[best] {
			best = name
		}
	}
	catSlug := map[int64]string{}
	for _, t := range r.plan.cats {
		catSlug[t.ID] = strings.ToLower(t.Slug)
	}
	var chosen []wpMenuItem
	byID := map[string]*wpMenuItem{}
	for i, m := range r.menuItems {
		if m.menu == best {
			chosen = append(chosen, m)
			byID[strconv.FormatInt(m.id, 10)] = &r.menuItems[i]
		} else {
			r.sum.skip(skipMenu, m.pos, m.id)
		}
	}
	// WordPress's menu_order runs through the whole menu, parents before their children, so
	// sorting by it gives the flat order of a nested menu; the parent chain gives the depth.
	depthOf := func(m wpMenuItem) int {
		d := 0
		for p := m.parent; p != "" && p != "0" && d <= broadside.MaxMenuDepth+1; d++ {
			pm := byID[p]
			if pm == nil {
				break // a parent not in this menu: the item is shown at the top
			}
			p = pm.parent
		}
		return d
	}
	sort.SliceStable(chosen, func(i, j int) bool { return chosen[i].order < chosen[j].order })
	var menu []broadside.MenuItem
	kept := map[int64]bool{}
	for _, m := range chosen {
		it := broadside.MenuItem{Label: m.title, Depth: depthOf(m)}
		if it.Depth > 0 && !kept[mustID(m.parent)] && byID[m.parent] != nil {
			r.sum.skip(skipMenu, m.pos, m.id) // its parent was left out (or is too deep)
			continue
		}
		if byID[m.parent] == nil {
			it.Depth = 0
		}
		if it.Depth > broadside.MaxMenuDepth {
			r.sum.skip(skipMenu, m.pos, m.id)
			continue
		}
		switch {
		case m.typ == "post_type" && m.object == "page":
			id, ok := r.postLocal[m.objectID]
			if !ok {
				r.sum.warn(m.pos, "menu item", m.id, "its page %d is not in the export; left out of the menu", m.objectID)
				continue
			}
			it.Kind, it.TargetID = broadside.MenuPage, id
		case m.typ == "taxonomy" && m.object == "category":
			id, ok := r.cats[catSlug[m.objectID]]
			if !ok {
				r.sum.warn(m.pos, "menu item", m.id, "its category %d is not in the export; left out of the menu", m.objectID)
				continue
			}
			it.Kind, it.TargetID = broadside.MenuCategory, id
		case m.typ == "custom":
			it.Kind, it.URL = broadside.MenuLink, strings.TrimSpace(m.url)
			if it.Label == "" {
				it.Label = it.URL
			}
		default:
			r.sum.skip(skipMenu, m.pos, m.id)
			continue
		}
		alone := it
		alone.Depth = 0
		if err := broadside.ValidateMenu([]broadside.MenuItem{alone}); err != nil {
			r.sum.warn(m.pos, "menu item", m.id, "%s; left out of the menu", broadside.ErrorFields(err)["menu"])
			continue
		}
		if len(menu) == broadside.MaxMenuItems {
			r.sum.skip(skipMenu, m.pos, m.id)
			continue
		}
		if err := broadside.ValidateMenu(append(menu, it)); err != nil {
			r.sum.skip(skipMenu, m.pos, m.id) // out of place (above its parent in the order)
			continue
		}
		kept[m.id] = true
		menu = append(menu, it)
	}
	r.sum.MenuItems = len(menu)
	if len(menu) == 0 || len(r.settings.Identity.Menu) > 0 {
		return nil // a menu the publisher made is never replaced by an import
	}
	r.settings.Identity.Menu = menu
	return r.tx.SaveSettings(ctx, r.settings)
}

func mustID(s string) int64 {
	id, _ := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id
}
