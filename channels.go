package broadside

// Channel is a way a post's text, or its discussion, reaches people, or a way they act on
// it. Every channel asks the one access rule (Access, CanComment or PublicBody) and none
// keeps a rule of its own.
type Channel string

// The channels of a Broadside site. Adding a channel means adding it here, and the access
// table test (internal/web/access_table_test.go) then fails until the channel has its rows
// for every content state and reader.
const (
	ChannelPostPage        Channel = "post page"
	ChannelListings        Channel = "home and archive pages"
	ChannelCommentForm     Channel = "comment form POST"
	ChannelRESTPosts       Channel = "REST posts list"
	ChannelRESTPost        Channel = "REST single post"
	ChannelRESTComment     Channel = "REST comment create"
	ChannelRESTComments    Channel = "REST comment list"
	ChannelFeeds           Channel = "RSS, Atom and JSON feeds"
	ChannelCommentFeed     Channel = "comment feeds"
	ChannelSearch          Channel = "search page"
	ChannelRESTSearch      Channel = "REST search"
	ChannelSitemap         Channel = "sitemap"
	ChannelNewsletterEmail Channel = "newsletter e-mail"
	ChannelCommentNotice   Channel = "comment notification e-mail"
	// ChannelFederation is a post as ActivityPub serves it to other servers (content
	// negotiation on its permalink, outboxes, deliveries): readable by anyone there.
	ChannelFederation Channel = "ActivityPub federation"
)

// Channels lists every channel.
var Channels = []Channel{
	ChannelPostPage, ChannelListings, ChannelCommentForm, ChannelRESTPosts, ChannelRESTPost, ChannelRESTComment,
	ChannelRESTComments, ChannelFeeds, ChannelCommentFeed, ChannelSearch, ChannelRESTSearch,
	ChannelSitemap, ChannelNewsletterEmail, ChannelCommentNotice, ChannelFederation,
}
