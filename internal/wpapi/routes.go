package wpapi

import (
	"net/http"
	"regexp"
	"strings"

	"github.com/broadside/broadside"
)

// handler answers one method of one route.
type handler func(q *req) (*result, error)

// route is one of the API's routes, keyed as WordPress keys them in the index (a regular
// expression with named groups, which clients such as node-wpapi parse to build their
// request methods).
type route struct {
	pattern  string
	re       *regexp.Regexp
	handlers map[string]handler
	args     map[string][]string // method -> argument names, for the index
}

var methodOrder = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

func (rt *route) methods() []string {
	var out []string
	for _, m := range methodOrder {
		if rt.handlers[m] != nil {
			out = append(out, m)
		}
	}
	return out
}

// Argument lists of the endpoints, as the index publishes them.
var (
	argsPostList = []string{"context", "page", "per_page", "search", "after", "author", "author_exclude", "before",
		"exclude", "include", "offset", "order", "orderby", "slug", "status", "categories", "categories_exclude",
		"tags", "tags_exclude", "sticky"}
	argsPageList = []string{"context", "page", "per_page", "search", "after", "author", "author_exclude", "before",
		"exclude", "include", "offset", "order", "orderby", "parent", "slug", "status"}
	argsPostWrite = []string{"date", "date_gmt", "slug", "status", "password", "title", "content", "author", "excerpt",
		"featured_media", "comment_status", "ping_status", "format", "meta", "sticky", "template", "categories", "tags"}
	argsPageWrite = []string{"date", "date_gmt", "slug", "status", "password", "parent", "title", "content", "author",
		"excerpt", "featured_media", "comment_status", "ping_status", "menu_order", "meta", "template"}
	argsTermList   = []string{"context", "page", "per_page", "search", "exclude", "include", "order", "orderby", "hide_empty", "post", "slug"}
	argsCatList    = []string{"context", "page", "per_page", "search", "exclude", "include", "order", "orderby", "hide_empty", "parent", "post", "slug"}
	argsTermWrite  = []string{"description", "name", "slug", "meta"}
	argsCatWrite   = []string{"description", "name", "slug", "parent", "meta"}
	argsUserList   = []string{"context", "page", "per_page", "search", "exclude", "include", "offset", "order", "orderby", "slug", "roles"}
	argsComments   = []string{"context", "page", "per_page", "search", "after", "author", "before", "exclude", "include", "offset", "order", "orderby", "parent", "post", "status", "type", "password"}
	argsCommentNew = []string{"author", "author_email", "author_ip", "author_name", "author_url", "author_user_agent", "content", "date", "date_gmt", "parent", "post", "status", "meta"}
	argsSearch     = []string{"context", "page", "per_page", "search", "type", "subtype", "exclude", "include"}
	argsItem       = []string{"id", "context"}
	argsPostItem   = []string{"id", "context", "password"}
	argsDelete     = []string{"id", "force"}
)

const idGroup = `(?P<id>[\d]+)`

func (a *API) routeTable() []*route {
	var routes []*route
	add := func(pattern string, handlers map[string]handler, args map[string][]string) {
		re := regexp.MustCompile("^" + pattern + "$")
		routes = append(routes, &route{pattern: pattern, re: re, handlers: handlers, args: args})
	}
	for _, typ := range []broadside.PostType{broadside.TypePost, broadside.TypePage} {
		typ := typ
		base := "/" + Namespace + "/" + restBase(typ)
		list, write := argsPostList, argsPostWrite
		if typ == broadside.TypePage {
			list, write = argsPageList, argsPageWrite
		}
		add(base, map[string]handler{
			http.MethodGet:  func(q *req) (*result, error) { return q.listPosts(typ) },
			http.MethodPost: func(q *req) (*result, error) { return q.createPost(typ) },
		}, map[string][]string{http.MethodGet: list, http.MethodPost: write})
		update := func(q *req) (*result, error) { return q.updatePost(typ) }
		add(base+"/"+idGroup, map[string]handler{
			http.MethodGet:    func(q *req) (*result, error) { return q.getPost(typ) },
			http.MethodPost:   update,
			http.MethodPut:    update,
			http.MethodPatch:  update,
			http.MethodDelete: func(q *req) (*result, error) { return q.deletePost(typ) },
		}, map[string][]string{http.MethodGet: argsPostItem, http.MethodPost: append([]string{"id"}, write...), http.MethodDelete: argsDelete})
		revisionRoutes(add, typ) // revisions.go
	}
	for _, tax := range []string{"category", "post_tag"} {
		tax := tax
		base := "/" + Namespace + "/" + taxBase(tax)
		list, write := argsTermList, argsTermWrite
		if tax == "category" {
			list, write = argsCatList, argsCatWrite
		}
		add(base, map[string]handler{
			http.MethodGet:  func(q *req) (*result, error) { return q.listTerms(tax) },
			http.MethodPost: func(q *req) (*result, error) { return q.saveTerm(tax, true) },
		}, map[string][]string{http.MethodGet: list, http.MethodPost: write})
		update := func(q *req) (*result, error) { return q.saveTerm(tax, false) }
		add(base+"/"+idGroup, map[string]handler{
			http.MethodGet:    func(q *req) (*result, error) { return q.getTerm(tax) },
			http.MethodPost:   update,
			http.MethodPut:    update,
			http.MethodPatch:  update,
			http.MethodDelete: func(q *req) (*result, error) { return q.deleteTerm(tax) },
		}, map[string][]string{http.MethodGet: argsItem, http.MethodPost: append([]string{"id"}, write...), http.MethodDelete: argsDelete})
	}
	if a.Media != nil {
		add(mediaRoute, map[string]handler{http.MethodGet: (*req).listMedia, http.MethodPost: (*req).createMedia},
			map[string][]string{http.MethodGet: argsMediaList, http.MethodPost: argsMediaWrite})
		add(mediaRoute+"/"+idGroup, map[string]handler{
			http.MethodGet: (*req).getMedia, http.MethodPost: (*req).updateMedia, http.MethodPut: (*req).updateMedia,
			http.MethodPatch: (*req).updateMedia, http.MethodDelete: (*req).deleteMedia,
		}, map[string][]string{http.MethodGet: argsItem, http.MethodPost: append([]string{"id"}, argsMediaWrite...), http.MethodDelete: argsDelete})
	}
	add("/"+Namespace+"/users", map[string]handler{http.MethodGet: (*req).listUsers, http.MethodPost: (*req).createUser},
		map[string][]string{http.MethodGet: argsUserList, http.MethodPost: argsUserCreate})
	add("/"+Namespace+"/users/"+idGroup, map[string]handler{
		http.MethodGet: (*req).getUser, http.MethodPost: (*req).updateUser, http.MethodPut: (*req).updateUser,
		http.MethodPatch: (*req).updateUser, http.MethodDelete: (*req).deleteUser,
	}, map[string][]string{http.MethodGet: argsItem, http.MethodPost: append([]string{"id"}, argsUserCreate...), http.MethodDelete: argsUserDelete})
	add("/"+Namespace+"/users/me", map[string]handler{http.MethodGet: (*req).getMe,
		http.MethodPost: (*req).updateMe, http.MethodPut: (*req).updateMe, http.MethodPatch: (*req).updateMe, http.MethodDelete: (*req).deleteMe},
		map[string][]string{http.MethodGet: {"context"}, http.MethodPost: argsUserCreate, http.MethodDelete: {"force", "reassign"}})
	add("/"+Namespace+"/comments", map[string]handler{http.MethodGet: (*req).listComments, http.MethodPost: (*req).createComment},
		map[string][]string{http.MethodGet: argsComments, http.MethodPost: argsCommentNew})
	add("/"+Namespace+"/comments/"+idGroup, map[string]handler{
		http.MethodGet: (*req).getComment, http.MethodPost: (*req).updateComment, http.MethodPut: (*req).updateComment,
		http.MethodPatch: (*req).updateComment, http.MethodDelete: (*req).deleteComment,
	}, map[string][]string{http.MethodGet: argsPostItem, http.MethodPost: append([]string{"id"}, argsCommentNew...), http.MethodDelete: argsDelete})
	add("/"+Namespace+"/search", map[string]handler{http.MethodGet: (*req).search},
		map[string][]string{http.MethodGet: argsSearch})
	add("/"+Namespace+"/types", map[string]handler{http.MethodGet: (*req).listTypes},
		map[string][]string{http.MethodGet: {"context"}})
	add("/"+Namespace+`/types/(?P<type>[\w-]+)`, map[string]handler{http.MethodGet: (*req).getType},
		map[string][]string{http.MethodGet: {"type", "context"}})
	add("/"+Namespace+"/taxonomies", map[string]handler{http.MethodGet: (*req).listTaxonomies},
		map[string][]string{http.MethodGet: {"context", "type"}})
	add("/"+Namespace+`/taxonomies/(?P<taxonomy>[\w-]+)`, map[string]handler{http.MethodGet: (*req).getTaxonomy},
		map[string][]string{http.MethodGet: {"taxonomy", "context"}})
	add("/"+Namespace, map[string]handler{http.MethodGet: (*req).namespaceIndex},
		map[string][]string{http.MethodGet: {"namespace", "context"}})
	add("/", map[string]handler{http.MethodGet: (*req).index},
		map[string][]string{http.MethodGet: {"context"}})
	return routes
}

// match finds the route of path and its named variables. Literal routes win over patterns
// (users/me before users/{id}); ids are digits only, so they never collide.
func (a *API) match(path string) (*route, map[string]string) {
	for _, rt := range a.routes {
		m := rt.re.FindStringSubmatch(path)
		if m == nil {
			continue
		}
		vars := map[string]string{}
		for i, name := range rt.re.SubexpNames() {
			if name != "" {
				vars[name] = m[i]
			}
		}
		return rt, vars
	}
	return nil, nil
}

// routeObject describes a route as the index does.
func (q *req) routeObject(rt *route) obj {
	var endpoints []obj
	seen := map[string]bool{}
	for _, m := range rt.methods() {
		if seen[m] {
			continue
		}
		methods := []string{m}
		if m == http.MethodPost && rt.handlers[http.MethodPut] != nil {
			methods = []string{http.MethodPost, http.MethodPut, http.MethodPatch}
			seen[http.MethodPut], seen[http.MethodPatch] = true, true
		}
		args := obj{}
		for _, name := range rt.args[m] {
			args = append(args, kv{name, obj{{"required", false}}})
		}
		endpoints = append(endpoints, obj{{"methods", methods}, {"args", args}})
	}
	namespace := Namespace
	if rt.pattern == "/" {
		namespace = ""
	}
	o := obj{{"namespace", namespace}, {"methods", rt.methods()}, {"endpoints", endpoints}}
	if !strings.Contains(rt.pattern, "(?P<") {
		o = append(o, kv{"_links", obj{{"self", []obj{link(q.rest(rt.pattern))}}}})
	}
	return o
}

// describeRoute answers OPTIONS: the route's methods and arguments.
func (a *API) describeRoute(q *req) *result {
	rt, _ := a.match(q.route)
	if rt == nil {
		return &result{status: http.StatusNotFound, body: errNoRoute().object()}
	}
	q.header().Set("Allow", strings.Join(rt.methods(), ", "))
	return &result{status: http.StatusOK, body: q.routeObject(rt)}
}
