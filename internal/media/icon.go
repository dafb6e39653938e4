package media

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"github.com/broadside/broadside"
)

// IconSizes are the square sizes browsers and phones ask of a site icon, as WordPress's
// WP_Site_Icon makes them: the favicon (32), Apple's home-screen icon (180) and the two a
// web app manifest lists (192 and 512).
var IconSizes = []SizeSpec{
	{Name: "site_icon-32", Width: 32, Height: 32, Crop: true},
	{Name: "site_icon-180", Width: 180, Height: 180, Crop: true},
	{Name: "site_icon-192", Width: 192, Height: 192, Crop: true},
	{Name: "site_icon-512", Width: 512, Height: 512, Crop: true},
}

// IconVariants makes the site icon sizes of library image id, cut square from its centre by
// the same resizing as every other size, and returns them. They are made when the icon is
// chosen (the page head needs them at once), in PNG unless the original is a JPEG or WebP,
// without WebP twins: a favicon must be readable by every browser. A size as large as the
// original is not made (the original serves), as for every size.
func (s *Service) IconVariants(ctx context.Context, u *broadside.User, id int64) ([]broadside.MediaSize, error) {
	m, err := s.Get(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !m.IsImage() {
		return nil, broadside.Errorf(broadside.EINVALID, "Choose an image (PNG, JPEG, GIF or WebP).")
	}
	obj, err := s.Storage.Open(ctx, m.Key)
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", m.Key, err)
	}
	defer obj.Close()
	orientation := 1
	if m.MimeType == "image/jpeg" {
		orientation = readJPEGInfo(io.LimitReader(obj, 1<<20)).orientation
	}
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	w, h, err := decodeConfig(m.MimeType, bufio.NewReader(obj))
	if err != nil || int64(w)*int64(h) > int64(s.maxPixels()) {
		return nil, broadside.Errorf(broadside.EINVALID, "The image could not be read, or is larger than %d megapixels.", s.maxPixels()/1_000_000)
	}
	if _, err := obj.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	ow, oh := w, h
	if orientation >= 5 {
		ow, oh = h, w
	}
	mime := "image/png"
	if m.MimeType == "image/jpeg" || m.MimeType == "image/webp" {
		mime = m.MimeType
	}
	var made []broadside.MediaSize
	err = safely(func() error {
		var err error
		made, err = s.makeSizes(ctx, m, obj, orientation, ow, oh, planSizes(IconSizes, ow, oh), []string{mime})
		return err
	})
	if err != nil {
		if f, isFailure := err.(failure); isFailure {
			return nil, broadside.Errorf(broadside.EINVALID, "%s", f.reason)
		}
		return nil, err
	}
	return made, nil
}
