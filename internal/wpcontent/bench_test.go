package wpcontent

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside/internal/cputime"
	"github.com/broadside/broadside/internal/seed"
)

// generatedBody is a post body as internal/importer's generateWXR writes it (the 200k
// import's posts): five paragraphs with raw line breaks and links, every tenth post with a
// caption.
func generatedBody(caption bool) string {
	para := strings.Repeat("Politics is the art of the possible, and reporting is the art of checking. ", 4)
	var body strings.Builder
	for p := 0; p < 5; p++ {
		body.WriteString(para)
		body.WriteString("\nA second line with a <a href=\"https://source.example/" + strconv.Itoa(p) + "\">source</a>.\n\n")
	}
	if caption {
		body.WriteString("[caption id=\"attachment_1\" align=\"alignright\" width=\"300\"]<img src=\"https://big.example/wp-content/uploads/a.jpg\" alt=\"A\" width=\"300\" /> A caption[/caption]\n\n")
	}
	return body.String()
}

// seedBody is the article of testdata/seed (the post our users publish today) as its
// paragraphs, the way a WordPress export holds a classic-editor post.
func seedBody(tb testing.TB) string {
	f, err := os.Open("../../testdata/seed/wordpress-post-with-comments.txt")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	d, err := seed.Parse(f)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(d.Body, "\n\n")
}

// BenchmarkConvert converts the import benchmark's post bodies (nine plain, one with a
// caption, as the generated file has them) and the seed article.
func BenchmarkConvert(b *testing.B) {
	bodies := map[string][]string{
		"generated": {generatedBody(false), generatedBody(true)},
		"seed":      {seedBody(b)},
	}
	for _, name := range []string{"generated", "seed"} {
		in := bodies[name]
		b.Run(name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := int64(cputime.Process())
			for i := 0; i < b.N; i++ {
				s := in[0]
				if len(in) > 1 && i%10 == 9 {
					s = in[1]
				}
				_ = Convert(s, ctx)
			}
			// On a shared machine wall-clock ns/op is mostly the other processes; the
			// process's CPU time (every thread, the collector's included) is the figure.
			b.ReportMetric(float64(int64(cputime.Process())-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}

// BenchmarkAutopHostile runs Autop on hostileInputs at two sizes: the cost per byte should
// not grow with the size (the regexps' did not either). TestScannersLinear counts what this
// times.
func BenchmarkAutopHostile(b *testing.B) {
	for _, h := range hostileInputs {
		for _, n := range []int{1000, 8000} {
			in := h.text(n)
			b.Run(h.name+"/"+strconv.Itoa(n), func(b *testing.B) {
				b.SetBytes(int64(len(in)))
				cpu0 := int64(cputime.Process())
				for i := 0; i < b.N; i++ {
					_ = Autop(in, true)
				}
				b.ReportMetric(float64(int64(cputime.Process())-cpu0)/float64(b.N)/float64(len(in)), "cpu-ns/byte")
			})
		}
	}
}
