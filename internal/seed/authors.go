package seed

import "strconv"

// knownAuthors names the commenters the discussion itself identifies, keyed by Ref. The page
// capture carries no author names; these come from replies that address a comment's author.
// testdata/seed/SOURCES.md gives the reasoning for each entry. Every other comment is
// "Reader N", N being its 1-based position in page order (which is also its ID in
// BroadsideComments).
var knownAuthors = map[string]string{
	// 1.2.1 replies to 1.2: "Just read this Hades, but as you have left then there is little
	// point in my earlier reply" — 1.2 ends "That's why I left".
	"1.2": "Hades",
	// 1.1.3, "@Hades, complaints start here", answers 1.1.2's question about lodging a
	// complaint; 1.2.1's "my earlier reply" to Hades is that answer.
	"1.1.2": "Hades",
	// 5.1.2: "like you LPT I've decided to stay in both" — 5.1 says "I will stay in it for
	// that". LPT is leftpoliticstoday, whose activism 9.1.1 praises "in the comments above";
	// 5.1 is the comment above that calls for a Labour Palestine Solidarity Network.
	"5.1": "leftpoliticstoday",
	// 3, posted directly below 2 as a new comment: "I aggree with all you have said Pat.
	// They will not get another penny out of me until they put this right" — 2 is the one
	// that left but would "be happy to rejoin" if Momentum rethinks. The weakest inference
	// in this table: 3 is not threaded as a reply, so 1 is the only other candidate.
	"2": "Pat",
}

// assignAuthors fills in Author for every comment, in page order.
func assignAuthors(cs []Comment) {
	for i := range cs {
		switch name, ok := knownAuthors[cs[i].Ref]; {
		case cs[i].Reconstructed:
			cs[i].Author = ReconstructedAuthor
		case ok:
			cs[i].Author = name
		default:
			cs[i].Author = "Reader " + strconv.Itoa(i+1)
		}
	}
}
