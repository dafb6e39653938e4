package wpapi

import "net/http"

// AuthorizePath is where a user creates Application Passwords; the index advertises it as
// the application-passwords authorization endpoint.
const AuthorizePath = "/admin/profile"

// GET /wp-json/
// The index: the site, the namespaces, how to authenticate and every route with its methods
// and arguments (clients such as node-wpapi build themselves from it).
func (q *req) index() (*result, error) {
	set := q.site.Settings()
	_, offset := q.a.now().In(set.Location()).Zone()
	routes := obj{}
	for _, rt := range q.a.routes {
		routes = append(routes, kv{rt.pattern, q.routeObject(rt)})
	}
	gmtOffset := any(offset / 3600)
	if offset%3600 != 0 {
		gmtOffset = float64(offset) / 3600
	}
	return ok(obj{
		{"name", set.Title},
		{"description", set.Tagline},
		{"url", q.site.Base()},
		{"home", q.site.Base()},
		{"gmt_offset", gmtOffset},
		{"timezone_string", set.Timezone},
		{"page_for_posts", 0},
		{"page_on_front", 0},
		{"show_on_front", "posts"},
		{"namespaces", []string{Namespace}},
		{"authentication", obj{{"application-passwords", obj{{"endpoints", obj{
			{"authorization", q.site.Base() + AuthorizePath},
		}}}}}},
		{"routes", routes},
		{"site_logo", 0},
		{"site_icon", 0},
		{"site_icon_url", ""},
		{"_links", obj{{"help", []obj{link("https://developer.wordpress.org/rest-api/")}}}},
	})
}

// GET /wp-json/wp/v2
func (q *req) namespaceIndex() (*result, error) {
	routes := obj{}
	for _, rt := range q.a.routes {
		if rt.pattern != "/" {
			routes = append(routes, kv{rt.pattern, q.routeObject(rt)})
		}
	}
	return ok(obj{
		{"namespace", Namespace},
		{"routes", routes},
		{"_links", obj{{"up", []obj{link(q.rest("/"))}}}},
	})
}

// Post types and taxonomies: fixed descriptions, enough for clients that discover what a
// site has (and for the "about" links of posts and terms to lead somewhere).

func (q *req) typeObject(slug string) obj {
	name, base, hier, taxes := "Posts", "posts", false, []string{"category", "post_tag"}
	icon := "dashicons-admin-" + slug
	switch slug {
	case "page":
		name, base, hier, taxes = "Pages", "pages", true, []string{}
	case "attachment":
		name, base, taxes, icon = "Media", "media", []string{}, "dashicons-admin-media"
	}
	return obj{
		{"description", ""}, {"hierarchical", hier}, {"has_archive", false}, {"name", name}, {"slug", slug},
		{"icon", icon}, {"taxonomies", taxes}, {"rest_base", base}, {"rest_namespace", Namespace},
		{"_links", obj{
			{"collection", []obj{link(q.rest(Namespace + "/types"))}},
			{"wp:items", []obj{link(q.rest(Namespace + "/" + base))}},
			{"curies", []obj{{{"name", "wp"}, {"href", "https://api.w.org/{rel}"}, {"templated", true}}}},
		}},
	}
}

// GET /wp/v2/types
func (q *req) listTypes() (*result, error) {
	types := obj{{"post", q.typeObject("post")}, {"page", q.typeObject("page")}}
	if q.a.Media != nil {
		types = append(types, kv{"attachment", q.typeObject("attachment")})
	}
	return ok(types)
}

// GET /wp/v2/types/{type}
func (q *req) getType() (*result, error) {
	t := q.vars["type"]
	if t != "post" && t != "page" && (t != "attachment" || q.a.Media == nil) {
		return nil, newErr(http.StatusNotFound, "rest_type_invalid", "Invalid post type.")
	}
	return ok(q.typeObject(t))
}

func (q *req) taxonomyObject(slug string) obj {
	name, base, hier := "Categories", "categories", true
	if slug == "post_tag" {
		name, base, hier = "Tags", "tags", false
	}
	return obj{
		{"name", name}, {"slug", slug}, {"description", ""}, {"types", []string{"post"}}, {"hierarchical", hier},
		{"rest_base", base}, {"rest_namespace", Namespace},
		{"_links", obj{
			{"collection", []obj{link(q.rest(Namespace + "/taxonomies"))}},
			{"wp:items", []obj{link(q.rest(Namespace + "/" + base))}},
			{"curies", []obj{{{"name", "wp"}, {"href", "https://api.w.org/{rel}"}, {"templated", true}}}},
		}},
	}
}

// GET /wp/v2/taxonomies
func (q *req) listTaxonomies() (*result, error) {
	if t := q.p.str("type"); t == "page" {
		return ok(obj{})
	}
	return ok(obj{{"category", q.taxonomyObject("category")}, {"post_tag", q.taxonomyObject("post_tag")}})
}

// GET /wp/v2/taxonomies/{taxonomy}
func (q *req) getTaxonomy() (*result, error) {
	t := q.vars["taxonomy"]
	if t != "category" && t != "post_tag" {
		return nil, newErr(http.StatusNotFound, "rest_taxonomy_invalid", "Invalid taxonomy.")
	}
	return ok(q.taxonomyObject(t))
}
