package store_test

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// TestSearchAnyLanguage: Chinese posts are found by two-character words (each ideograph is a
// word, a word a phrase of them), Persian posts by their words whichever yeh and kaf the
// reader's keyboard types and across the zero-width non-joiner, French by stemming
// ("élections" finds "élection"), on both databases, in titles, bodies, excerpts and tags.
func TestSearchAnyLanguage(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		for _, lang := range []string{"en", "fr", "zh", "fa"} {
			t.Run(lang, func(t *testing.T) {
				_, err := s.ReindexSearch(ctx, lang, broadside.TextSearchConfig(lang))
				must(t, err)
				if got, err := s.SearchLanguage(ctx); err != nil || got != lang {
					t.Fatalf("SearchLanguage = %q, %v; want %q", got, err, lang)
				}
				u := mkUser(t, s, "u"+lang)
				at := t0.Add(-time.Hour)
				mk := func(slug string, mod func(p *broadside.Post)) {
					mkPost(t, s, u, slug+"-"+lang, broadside.StatusPublished, at, mod)
				}
				mk("zh-body", func(p *broadside.Post) {
					p.Title, p.RawBody = "新闻", "<p>今天的选举结果已经公布，市民们非常关心。</p>"
					p.BodyFormat = broadside.FormatHTML
				})
				mk("zh-title", func(p *broadside.Post) { p.Title, p.RawBody = "台北市长选举", "内容" })
				mk("fa", func(p *broadside.Post) {
					p.Title = "انتخابات"
					p.RawBody = "ما می\u200cخواهیم در کشور ایران، یک آینده روشن بسازیم."
				})
				mk("fr", func(p *broadside.Post) {
					p.Title, p.RawBody = "Résultats", "L'élection municipale a eu lieu dimanche."
					p.RawExcerpt = "Les électeurs ont voté."
				})
				tags, err := s.EnsureTags(ctx, []string{"人工智能" + lang})
				must(t, err)
				p := mkPost(t, s, u, "tagged-"+lang, broadside.StatusPublished, at)
				p.Tags = tags
				must(t, s.UpdatePost(ctx, p))

				// PostgreSQL's simple configuration (Chinese, Persian sites) does not stem.
				stems := s.Dialect() != "postgres" || broadside.TextSearchConfig(lang) != "simple"
				for _, tc := range []struct {
					q, want string
					stem    bool
				}{
					{q: "选举", want: "zh-body zh-title"}, // in a title and in the middle of a sentence
					{q: "结果", want: "zh-body"},
					{q: "市长", want: "zh-title"},
					{q: `"选举结果"`, want: "zh-body"},
					{q: "选举 -台北", want: "zh-body"},
					{q: "举结", want: "zh-body"},               // characters side by side, though not a word
					{q: "果选", want: ""},                      // the same characters in another order: nothing
					{q: "智能", want: "tagged"},                // a tag's name
					{q: "ایران", want: "fa"},                 // Persian yeh
					{q: "ايران", want: "fa"},                 // Arabic yeh, as an Arabic keyboard types it
					{q: "كشور", want: "fa"},                  // Arabic kaf
					{q: "خواهیم", want: "fa"},                // after a zero-width non-joiner
					{q: "می خواهیم", want: "fa"},             // typed with a space instead
					{q: "انتخابات", want: "fa"},              // in the title
					{q: "élections", want: "fr", stem: true}, // stemming: plural finds singular
					{q: "élection", want: "fr"},
					{q: "électeur", want: "fr", stem: true}, // in the excerpt
					{q: "municipales", want: "fr", stem: true},
				} {
					if tc.stem && !stems {
						continue
					}
					var want []string
					for _, w := range strings.Fields(tc.want) {
						want = append(want, w+"-"+lang)
					}
					var got []string // the posts of this language's round
					for _, slug := range search(t, s, tc.q) {
						if strings.HasSuffix(slug, "-"+lang) {
							got = append(got, slug)
						}
					}
					sort.Strings(got)
					wantSlugs(t, tc.q, got, want...)
				}
			})
		}
	})
}

// TestReindexSearchSwitchesStemming: on PostgreSQL the text-search configuration follows the
// index's language, for indexing and for queries alike; the index survives a rebuild either way.
func TestReindexSearchSwitchesStemming(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "de", broadside.StatusPublished, t0.Add(-time.Hour), func(p *broadside.Post) {
			p.Title, p.RawBody = "Wahlen", "Die Bürgermeisterin gewann die Abstimmungen deutlich."
		})
		if lang, err := s.SearchLanguage(ctx); err != nil || lang != "en" {
			t.Fatalf("a new index is in %q (%v), want en", lang, err)
		}
		n, err := s.ReindexSearch(ctx, "de", "german")
		must(t, err)
		if n != 1 {
			t.Fatalf("reindexed %d posts, want 1", n)
		}
		wantSlugs(t, "abstimmungen", search(t, s, "abstimmungen"), "de")
		if s.Dialect() == "postgres" {
			wantSlugs(t, "abstimmung", search(t, s, "abstimmung"), "de") // German stemming
			// German stop words are dropped in German, so "die" alone finds nothing…
			wantSlugs(t, "die (german)", search(t, s, "die"))
			_, err = s.ReindexSearch(ctx, "en", "english")
			must(t, err)
			// …and found again in English, which does not know it.
			wantSlugs(t, "die (english)", search(t, s, "die"), "de")
		}
	})
}

// TestSearchTextSQLAgreesWithGo: PostgreSQL's broadside_search_text (migration 0027) splits and
// folds titles, excerpts and names as broadside.SearchIndexText does for bodies and queries.
// Uppercase beyond ASCII is left out: under the C locale PostgreSQL's lower() knows only
// ASCII (the test clusters use it; a production database initialised in a UTF-8 locale
// lowercases everything).
func TestSearchTextSQLAgreesWithGo(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		for _, in := range []string{
			"", "  Council  Budget, 2026! ", "今天的选举结果。市民们（非常）关心", "東京タワーへ行く・ラーメン",
			"می\u200cخواهیم در كشور ايران، يك آينده؛ روشن؟", "l'élection «municipale» — résultats…",
			"fish&chips; \"quoted\" (paren) [x] {y} <b>z</b> 100% a_b a-b", "한국어 검색", "𠀀𠀁 ext-b",
			`title:fake NEAR(a b) * ^x "- OR`, "ÉCOLE Été ÄRGER Straße ÅLAND Øre", "МОСКВА Київ ΑΘΗΝΑ ΣΟΦΊΑ", "İstanbul ǅemal K",
		} {
			var got string
			must(t, s.Reader().QueryRowContext(ctx, "SELECT broadside_search_text($1)", in).Scan(&got))
			if want := broadside.SearchIndexText(in); got != want {
				t.Errorf("broadside_search_text(%q) = %q, want %q", in, got, want)
			}
		}
	})
}

// TestSearchHostileInputAnyScript: FTS syntax around non-Latin words never errors or leaks.
func TestSearchHostileInputAnyScript(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "zh", broadside.StatusPublished, t0.Add(-time.Hour), func(p *broadside.Post) {
			p.Title, p.RawBody = "选举", "今天的选举结果"
		})
		mkPost(t, s, u, "secret", broadside.StatusDraft, t0.Add(-time.Hour), func(p *broadside.Post) {
			p.Title, p.RawBody = "选举草稿", "秘密的选举结果"
		})
		for _, q := range []string{`"选举`, `选举*`, `NEAR(选举 结果)`, `-选举`, `title:选举`, `{title}:选举`,
			`body:秘密`, `选举" OR "秘密`, `^选`, `选举 AND NOT 秘密`, "ايران\u200c*", `"`, `*`, `-`, `NEAR(`} {
			hits, _, err := s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch(q),
				Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: t0})
			if err != nil {
				t.Errorf("search %q: %v", q, err)
			}
			for _, h := range hits {
				if h.Post.Slug != "zh" {
					t.Errorf("search %q found %q", q, h.Post.Slug)
				}
			}
		}
	})
}

// TestCommentAvatarURLRoundTrip: a remote commenter's avatar (migration 0028) is stored and
// read back on both databases; other comments have none.
func TestCommentAvatarURLRoundTrip(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		p := mkPost(t, s, u, "p", broadside.StatusPublished, t0.Add(-time.Hour))
		remote := mkComment(t, s, p.ID, "remote", broadside.CommentApproved, t0, func(c *broadside.Comment) {
			c.AvatarURL = "https://social.example/a.png"
		})
		local := mkComment(t, s, p.ID, "local", broadside.CommentApproved, t0)
		for c, want := range map[int64]string{remote.ID: "https://social.example/a.png", local.ID: ""} {
			got, err := s.CommentByID(ctx, c)
			must(t, err)
			if got.AvatarURL != want {
				t.Errorf("comment %d: AvatarURL %q, want %q", c, got.AvatarURL, want)
			}
		}
	})
}

// TestSearchFoldsCaseAnyScript: a title, excerpt, category and body in capitals of any script
// (É, Ä, Cyrillic, Greek) are found by the word in lowercase and in capitals on both
// databases: PostgreSQL folds case as Go does whatever its locale (a C-locale lower() folds
// only ASCII).
func TestSearchFoldsCaseAnyScript(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		mkPost(t, s, u, "accents", broadside.StatusPublished, t0.Add(-time.Hour), func(p *broadside.Post) {
			p.Title, p.RawExcerpt, p.RawBody = "ÉCOLE d'Été", "ÄRGER im ΑΘΗΝΑ", "Репортаж из МОСКВЫ"
		})
		for _, q := range []string{"école", "ÉCOLE", "été", "ärger", "Ärger", "αθηνα", "ΑΘΗΝΑ", "москвы", "МОСКВЫ"} {
			hits, _, err := s.SearchPosts(ctx, store.SearchFilter{Query: broadside.ParseSearch(q),
				Statuses: []broadside.PostStatus{broadside.StatusPublished}, PublishedBefore: t0})
			if err != nil {
				t.Fatalf("search %q: %v", q, err)
			}
			if len(hits) != 1 || hits[0].Post.Slug != "accents" {
				t.Errorf("search %q: %d hits", q, len(hits))
			}
		}
	})
}
