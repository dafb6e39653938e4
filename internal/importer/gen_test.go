package importer_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/broadside/broadside/internal/wxr"
)

// generateWXR writes a WordPress export with posts posts and comments comments (spread over
// the posts, a third of them replies, threads up to 6 deep) to path, streaming: memory stays
// flat whatever the size. Bodies look like real posts: paragraphs with raw line breaks,
// links, a caption shortcode now and then.
func generateWXR(t testing.TB, path string, posts, comments int) int64 {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	bw := bufio.NewWriterSize(f, 1<<20)
	w := wxr.NewWriter(bw)
	w.Created = "2024-01-01 00:00"
	check := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	base := "https://big.example"
	check(w.Begin(&wxr.Site{Title: "A big site", Link: base, BaseSiteURL: base, BaseBlogURL: base, Language: "en"}))
	check(w.Author(&wxr.Author{ID: 1, Login: "editor", Email: "editor@big.example", DisplayName: "The Editor"}))
	for i := 1; i <= 20; i++ {
		parent := ""
		if i > 10 {
			parent = "section-" + strconv.Itoa(i-10)
		}
		check(w.Term(&wxr.Term{ID: int64(i), Taxonomy: wxr.TaxCategory, Slug: "section-" + strconv.Itoa(i), Name: "Section " + strconv.Itoa(i), Parent: parent}))
	}
	for i := 1; i <= 50; i++ {
		check(w.Term(&wxr.Term{ID: int64(100 + i), Taxonomy: wxr.TaxTag, Slug: "topic-" + strconv.Itoa(i), Name: "Topic " + strconv.Itoa(i)}))
	}
	para := strings.Repeat("Politics is the art of the possible, and reporting is the art of checking. ", 4)
	start := time.Date(2010, 1, 1, 9, 0, 0, 0, time.UTC)
	commentID := int64(0)
	perPost := comments / max(posts, 1)
	extra := comments - perPost*posts
	for i := 1; i <= posts; i++ {
		id := int64(i)
		at := start.Add(time.Duration(i) * 7 * time.Hour)
		var body strings.Builder
		for p := 0; p < 5; p++ {
			body.WriteString(para)
			body.WriteString("\nA second line with a <a href=\"https://source.example/" + strconv.Itoa(p) + "\">source</a>.\n\n")
		}
		if i%10 == 0 {
			body.WriteString("[caption id=\"attachment_1\" align=\"alignright\" width=\"300\"]<img src=\"https://big.example/wp-content/uploads/a.jpg\" alt=\"A\" width=\"300\" /> A caption[/caption]\n\n")
		}
		slug := fmt.Sprintf("post-number-%d", i)
		it := &wxr.Item{Title: fmt.Sprintf("Post number %d: a headline of some length", i),
			Link: base + at.Format("/2006/01/02/") + slug + "/", PubDate: at.Format(time.RFC1123Z), Creator: "editor",
			GUID: base + "/?p=" + strconv.Itoa(i), Content: body.String(), ID: id, PostDate: at.Format("2006-01-02 15:04:05"),
			PostDateGMT: at.Format("2006-01-02 15:04:05"), CommentStatus: "open", PingStatus: "open", Name: slug,
			Status: "publish", Type: "post",
			Terms: []wxr.ItemTerm{{Domain: wxr.TaxCategory, Slug: "section-" + strconv.Itoa(1+i%20), Name: "Section " + strconv.Itoa(1+i%20)},
				{Domain: wxr.TaxTag, Slug: "topic-" + strconv.Itoa(1+i%50), Name: "Topic " + strconv.Itoa(1+i%50)}}}
		check(w.StartItem(it))
		n := perPost
		if i <= extra {
			n++
		}
		first := commentID + 1
		for c := 0; c < n; c++ {
			commentID++
			var parent int64
			if c%3 == 2 && commentID-1 >= first {
				parent = commentID - 1 // a reply to the previous comment: chains get deep
			}
			cat := at.Add(time.Duration(c+1) * time.Minute)
			check(w.Comment(&wxr.Comment{ID: commentID, Author: "Reader " + strconv.Itoa(c), AuthorEmail: fmt.Sprintf("r%d@mail.example", c%500),
				AuthorURL: "https://reader.example/", AuthorIP: "192.0.2." + strconv.Itoa(c%250), Date: cat.Format("2006-01-02 15:04:05"),
				DateGMT: cat.Format("2006-01-02 15:04:05"), Content: "I agree with this, mostly.\n\nBut consider the other side of the argument, which the piece leaves out.",
				Approved: "1", Type: "comment", Parent: parent}))
		}
		check(w.EndItem())
	}
	check(w.End())
	check(bw.Flush())
	fi, err := f.Stat()
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestGenerateWXR writes the benchmark's file for bench/import.sh when
// BROADSIDE_GEN_WXR=path is set (BROADSIDE_GEN_POSTS and BROADSIDE_GEN_COMMENTS size it).
func TestGenerateWXR(t *testing.T) {
	path := os.Getenv("BROADSIDE_GEN_WXR")
	if path == "" {
		t.Skip("SKIPPED ON PURPOSE: not a test but the file generator of bench/import.sh; set BROADSIDE_GEN_WXR=path to write a generated export")
	}
	posts, comments := envInt("BROADSIDE_GEN_POSTS", 10000), envInt("BROADSIDE_GEN_COMMENTS", 200000)
	size := generateWXR(t, path, posts, comments)
	t.Logf("wrote %s: %d posts, %d comments, %.1f MiB", path, posts, comments, float64(size)/(1<<20))
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}
