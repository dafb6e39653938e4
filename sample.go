package broadside

import _ "embed"

// SampleDiscussion is the text capture of a WordPress post page with its discussion
// (testdata/seed/wordpress-post-with-comments.txt; see SOURCES.md there). It is embedded so
// that `broadside demo` works from the built binary in any directory, not only from a
// checkout of the source.
//
//go:embed testdata/seed/wordpress-post-with-comments.txt
var SampleDiscussion string
