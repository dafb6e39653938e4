package wpapi

import (
	"net/http"
	"net/url"
	"strings"
)

// _embed: WordPress follows each embeddable link of an item with an internal GET in the
// embed context, as the same user, and puts the answers under _embedded keyed by relation
// (one entry per link; a collection link gives an array). _embed=author,wp:term limits the
// relations. The sub-requests share the request's caches, so twenty posts by one author load
// the author once.

func (q *req) wantsEmbed() bool { return !q.embedded && q.p.has("_embed") }

// embedAll embeds the links of every item of a collection.
func (q *req) embedAll(items []any) []any {
	if !q.wantsEmbed() {
		return items
	}
	for i, it := range items {
		if o, isObj := it.(obj); isObj {
			items[i] = q.embed(o)
		}
	}
	return items
}

// embedOne embeds the links of a single item.
func (q *req) embedOne(o obj) obj {
	if !q.wantsEmbed() {
		return o
	}
	return q.embed(o)
}

func (q *req) embed(o obj) obj {
	rels := map[string]bool{}
	all := true
	for _, r := range q.p.list("_embed") {
		if r != "1" && r != "true" {
			rels[r] = true
			all = false
		}
	}
	lv, _ := o.get("_links")
	links, _ := lv.(obj)
	var emb obj
	for _, rel := range links {
		if !all && !rels[rel.k] {
			continue
		}
		entries, _ := rel.v.([]obj)
		var got []any
		for _, l := range entries {
			if e, _ := l.get("embeddable"); e != true {
				continue
			}
			href, _ := l.get("href")
			s, _ := href.(string)
			got = append(got, q.fetchEmbed(s))
		}
		if got != nil {
			emb = append(emb, kv{rel.k, got})
		}
	}
	if emb != nil {
		o = append(o, kv{"_embedded", emb})
	}
	return o
}

// fetchEmbed answers href (an absolute API URL) as an embedded GET.
func (q *req) fetchEmbed(href string) any {
	if v, hit := q.st.embeds[href]; hit {
		return v
	}
	root := q.site.Base() + Prefix
	rest, found := strings.CutPrefix(href, root)
	if !found {
		return errNoRoute().object()
	}
	path, rawQuery, _ := strings.Cut(rest, "?")
	vals, _ := url.ParseQuery(rawQuery)
	sub := &req{a: q.a, w: q.w, r: q.r, ctx: q.ctx, site: q.site, user: q.user, method: http.MethodGet,
		route: cleanRoute(path), st: q.st, embedded: true}
	sub.p.query = vals
	sub.p.extra = map[string]string{"context": "embed"}
	res, err := q.a.dispatch(sub)
	var out any
	if err != nil {
		ae, isAPI := q.domainErr(err, "rest_not_found", "Not found.").(*apiError)
		if !isAPI {
			q.a.Log.Error("embedded api request failed", "href", href, "err", err)
			ae = newErr(http.StatusInternalServerError, "internal_server_error", "The embedded object could not be loaded.")
		}
		out = ae.object()
	} else {
		out = res.body
	}
	if q.st.embeds == nil {
		q.st.embeds = map[string]any{}
	}
	q.st.embeds[href] = out
	return out
}
