package posts

import (
	"context"

	"github.com/broadside/broadside"
)

// MediaFinder reads a media library file; the store is one.
type MediaFinder interface {
	MediaByID(ctx context.Context, id int64) (*broadside.Media, error)
}

// setFeatured applies the featured image of in to p, for every channel: the editor sends the
// URL and alt text it shows (and the library file its picker chose), the REST API sends only
// featured_media. One rule keeps FeaturedImageURL, which the renderer, feeds and e-mail use,
// in step with FeaturedMediaID:
//   - a file id with no URL, or with the file's own URL: the file's URL, and the alt text
//     given or else the file's alt text (then its title);
//   - a file id with another URL: the URL was changed by hand after the file was chosen, so
//     the URL wins and the id is dropped;
//   - no file id: the URL and alt text as given.
//
// Any library file may be featured (its URL is public anyway); a file that does not exist is
// an error naming the field.
func (s *Service) setFeatured(ctx context.Context, p *broadside.Post, in Input) error {
	p.FeaturedMediaID = 0
	p.FeaturedImageURL = in.FeaturedImageURL
	p.FeaturedImageAlt = in.FeaturedImageAlt
	if in.FeaturedMediaID == 0 {
		return nil
	}
	if in.FeaturedMediaID < 0 || s.Media == nil {
		return featuredErr()
	}
	m, err := s.Media.MediaByID(ctx, in.FeaturedMediaID)
	if broadside.ErrorCode(err) == broadside.ENOTFOUND {
		return featuredErr()
	}
	if err != nil {
		return err
	}
	if in.FeaturedImageURL != "" && in.FeaturedImageURL != m.URL() {
		return nil
	}
	if !m.IsImage() {
		return &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
			Fields: map[string]string{"featured_media": "The featured image must be an image, not a " + m.Kind() + " file."}}
	}
	p.FeaturedMediaID = m.ID
	p.FeaturedImageURL = m.URL()
	if p.FeaturedImageAlt == "" {
		p.FeaturedImageAlt = m.Alt
	}
	if p.FeaturedImageAlt == "" {
		p.FeaturedImageAlt = m.Title
	}
	return nil
}

func featuredErr() error {
	return &broadside.Error{Code: broadside.EINVALID, Message: "Please correct the highlighted fields.",
		Fields: map[string]string{"featured_media": "The featured image is not a file of the media library."}}
}
