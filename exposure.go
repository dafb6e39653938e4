package broadside

// Exposure is what of a post's text may leave its own page: what feeds, search snippets and
// other syndication show to anyone who asks.
type Exposure struct {
	// Body is the part of RawBody (in the post's BodyFormat) that may be shown; "" when none.
	Body string
	// Full reports that Body is the whole post. When false, channels show Body as a teaser
	// and link to the post for the rest.
	Full bool
	// Excerpt is the hand-written excerpt that may be shown ("" when there is none or it
	// must stay hidden).
	Excerpt string
	// Withheld explains, in words fit for readers, why none of the body is shown; "" when
	// some of it is.
	Withheld string
}

// PublicBody decides what of p's text a channel that does not know its reader may expose:
// feeds, search results, sitemaps, listings. It is Access for the anonymous reader, so the
// rule lives in one place:
//
//   - a password-protected post exposes neither its body nor its excerpt, as in WordPress;
//   - a subscriber-only post exposes its teaser (the part before <!--more-->, possibly
//     nothing) and its excerpt;
//   - a post that is not published exposes nothing (these channels list published posts
//     only, so this is a safety net);
//   - every other post exposes its whole body and its excerpt.
//
// A post that does not expose its whole body keeps its discussion out of comment feeds too.
// The store applies the same rule in SQL where it must filter before paging
// (store.SearchFilter.Public, store.FeedComments, the sitemap queries); change them together.
func PublicBody(p *Post) Exposure {
	// Asked as of the post's own date: the channels that ask have already kept to posts
	// published by now, and this keeps the function free of the clock.
	switch l := Access(p, Reader{}, p.PublishedAt); l {
	case LevelLocked:
		return Exposure{Withheld: "This post is password protected."}
	case LevelHidden:
		return Exposure{Withheld: "This post is not published."}
	default:
		body, full := bodyAt(p, l)
		e := Exposure{Body: body, Full: full, Excerpt: p.RawExcerpt}
		if body == "" && !full {
			e.Withheld = "This post is for subscribers."
		}
		return e
	}
}
