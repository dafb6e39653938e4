package store_test

import (
	"context"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/store"
)

// Processing records sizes that every read of the file returns, smallest first with the
// main type before its WebP twin; a size's key finds its file; deleting the file takes its
// sizes' rows along.
func TestMediaSizesStore(t *testing.T) {
	each(t, func(t *testing.T, ctx context.Context, s *store.Store) {
		u := mkUser(t, s, "ann")
		a := mkMedia(t, s, u.ID, "2024/03/a-1.jpg", "a.jpg", "image/jpeg", 0)
		b := mkMedia(t, s, u.ID, "2024/03/b-1.pdf", "b.pdf", "application/pdf", 0)
		sizes := []broadside.MediaSize{
			{Name: "medium", Key: "2024/03/a-1-300x200.webp", MimeType: "image/webp", Width: 300, Height: 200, Size: 90},
			{Name: "medium", Key: "2024/03/a-1-300x200.jpg", MimeType: "image/jpeg", Width: 300, Height: 200, Size: 100},
			{Name: "thumbnail", Key: "2024/03/a-1-150x150.jpg", MimeType: "image/jpeg", Width: 150, Height: 150, Size: 50},
		}
		must(t, s.SetMediaProcessed(ctx, a.ID, 600, 400, 999, sizes))
		got, err := s.MediaByID(ctx, a.ID)
		must(t, err)
		if got.Processing != broadside.MediaProcessed || got.Width != 600 || got.Size != 999 || len(got.Sizes) != 3 ||
			got.Sizes[0].Name != "thumbnail" || got.Sizes[1].MimeType != "image/jpeg" || got.Sizes[2].MimeType != "image/webp" {
			t.Fatalf("MediaByID = %+v", got)
		}
		if got.SizeNamed("medium", "") != &got.Sizes[1] {
			t.Fatalf("SizeNamed main = %+v", got.SizeNamed("medium", ""))
		}
		ms, _, err := s.ListMedia(ctx, broadside.MediaFilter{})
		must(t, err)
		for _, m := range ms {
			if (m.ID == a.ID) != (len(m.Sizes) == 3) {
				t.Fatalf("ListMedia sizes: %+v", m)
			}
		}
		byKey, err := s.MediaByKeys(ctx, []string{"2024/03/a-1-300x200.jpg", b.Key, "2024/03/none.jpg"})
		must(t, err)
		if len(byKey) != 2 || byKey["2024/03/a-1-300x200.jpg"].ID != a.ID || byKey[b.Key].ID != b.ID || len(byKey["2024/03/a-1-300x200.jpg"].Sizes) != 3 {
			t.Fatalf("MediaByKeys = %v", byKey)
		}
		// A second run replaces the first's sizes.
		must(t, s.SetMediaProcessed(ctx, a.ID, 600, 400, 999, sizes[2:]))
		if got, _ := s.MediaByID(ctx, a.ID); len(got.Sizes) != 1 {
			t.Fatalf("after rerun: %+v", got.Sizes)
		}
		must(t, s.SetMediaProcessing(ctx, b.ID, broadside.MediaFailed, "bad"))
		if got, _ := s.MediaByID(ctx, b.ID); got.Processing != broadside.MediaFailed || got.ProcessError != "bad" {
			t.Fatalf("failed state: %+v", got)
		}
		wantCode(t, s.SetMediaProcessed(ctx, 9999, 1, 1, 1, nil), broadside.ENOTFOUND)
		must(t, s.DeleteMedia(ctx, a.ID))
		if byKey, _ := s.MediaByKeys(ctx, []string{"2024/03/a-1-150x150.jpg"}); len(byKey) != 0 {
			t.Fatalf("sizes outlived their file: %v", byKey)
		}
	})
}
