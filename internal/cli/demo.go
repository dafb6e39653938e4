package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/app"
	"github.com/broadside/broadside/internal/seed"
	"github.com/broadside/broadside/internal/store"
)

func runDemo(ctx context.Context, c *cmdContext, args []string) error {
	var file string
	cfg, _, err := parse(c, "demo", "broadside demo [--data DIR | --db postgres://…] [--seed FILE]", args, false, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "seed", "", "text capture of a WordPress post page to load (default: the sample built into the program)")
	})
	if err != nil {
		return err
	}
	var src io.Reader = strings.NewReader(broadside.SampleDiscussion)
	name := "the built-in sample"
	if file != "" {
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("--seed: %w", err)
		}
		defer f.Close()
		src, name = f, file
	}
	d, err := seed.Parse(src)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	a, err := open(ctx, c, cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	p, n, err := LoadDiscussion(ctx, a, d, time.Date(2018, 9, 5, 9, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "Loaded %q with %d comments (post id %d, slug %s).\n", p.Title, n, p.ID, p.Slug)
	return nil
}

// LoadDiscussion stores the seed post and its comments in one transaction, returning the
// post and the number of comments. The post's author is the first user, or a new author
// without a password when the site has none.
func LoadDiscussion(ctx context.Context, a *app.App, d *seed.Discussion, published time.Time) (*broadside.Post, int, error) {
	var p *broadside.Post
	var n int
	err := a.Store.InTx(ctx, func(tx *store.Store) error {
		users, err := tx.ListUsers(ctx)
		if err != nil {
			return err
		}
		var author broadside.User
		if len(users) > 0 {
			author = users[0]
		} else {
			author = broadside.User{Email: "editor@example.invalid", Login: "editor", DisplayName: "The Editor", Role: broadside.RoleAuthor, CreatedAt: published}
			if err := tx.CreateUser(ctx, &author); err != nil {
				return err
			}
		}
		cat, err := tx.CategoryBySlug(ctx, broadside.Slugify(d.Category))
		if broadside.ErrorCode(err) == broadside.ENOTFOUND {
			cat = &broadside.Category{Name: d.Category, Slug: broadside.Slugify(d.Category)}
			err = tx.CreateCategory(ctx, cat)
		}
		if err != nil {
			return err
		}
		slug, err := broadside.UniqueSlug(broadside.Slugify(d.Title), func(s string) (bool, error) {
			return tx.SlugTaken(ctx, string(broadside.TypePost), s, 0)
		})
		if err != nil {
			return err
		}
		p = &broadside.Post{
			Type: broadside.TypePost, AuthorID: author.ID, Title: d.Title, Slug: slug,
			RawBody: strings.Join(d.Body, "\n\n"), BodyFormat: broadside.FormatMarkdown,
			Status: broadside.StatusPublished, PublishedAt: published, CreatedAt: published, UpdatedAt: published,
			CommentsOpen: true, Categories: []broadside.Category{*cat},
		}
		if err := tx.CreatePost(ctx, p); err != nil {
			return err
		}
		cs := d.BroadsideComments(p.ID, published.Add(time.Hour))
		ids := make(map[int64]int64, len(cs)) // fixture id -> stored id
		for i := range cs {
			c := cs[i]
			fixtureID := c.ID
			c.ID = 0
			if c.ParentID != 0 {
				c.ParentID = ids[c.ParentID]
			}
			if err := tx.CreateComment(ctx, &c); err != nil {
				return err
			}
			ids[fixtureID] = c.ID
		}
		n = len(cs)
		set, err := tx.LoadSettings(ctx)
		if err != nil {
			return err
		}
		if set.Support.Text == broadside.DefaultSettings().Support.Text && d.Support != "" {
			set.Support.Text = d.Support
			set.License.Text = d.Reblog
			if err := tx.SaveSettings(ctx, set); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, 0, err
	}
	a.Changed()
	return p, n, nil
}
