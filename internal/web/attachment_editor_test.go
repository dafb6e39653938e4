package web_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/broadside/broadside"
	"github.com/broadside/broadside/internal/importer"
	"github.com/broadside/broadside/internal/posts"
	"github.com/broadside/broadside/internal/testimg"
)

// The page an import makes for an attachment that belongs to no post
// (broadside.TypeAttachment) is the attachment's, not a post: WordPress edits an attachment
// on its own screen, never in the post editor. So the post editor sends it to the file's
// screen in the media library, the library does not list the file's own page as a post that
// uses it, and no channel saves, trashes or deletes it as a post.
func TestAttachmentPageIsNotEditedAsAPost(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	media := t.TempDir()
	if err := os.MkdirAll(filepath.Join(media, "2012", "05"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(media, "2012", "05", "sunset.jpg"), testimg.JPEG(t, 8, 6), 0o644); err != nil {
		t.Fatal(err)
	}
	ta.importWXR(wxrFixture("unattached-media-comments.xml"), importer.Options{MediaDir: media})
	ctx := context.Background()
	page, err := ta.App.Store.PostBySlug(ctx, broadside.TypeAttachment, broadside.AttachmentPageSlug(77))
	if err != nil {
		t.Fatalf("no page for the attachment: %v", err)
	}
	file, err := ta.App.Store.MediaByKey(ctx, "2012/05/sunset.jpg")
	if err != nil {
		t.Fatalf("the file is not in the library: %v", err)
	}
	admin := ta.user("admin@example.com", broadside.RoleAdmin)
	b := ta.signIn(admin)
	editURL := "/admin/posts/" + strconv.FormatInt(page.ID, 10)
	mediaURL := "/admin/media/" + strconv.FormatInt(file.ID, 10)

	// The file's screen does not offer its own page as a post using it.
	m := b.get(mediaURL)
	wantOK(t, m)
	if strings.Contains(m.Body, editURL) {
		t.Errorf("the file's screen links its own page into the post editor")
	}
	// The post editor sends the attachment's page to the file's screen.
	r := b.get(editURL)
	if r.StatusCode != 303 || r.Header.Get("Location") != mediaURL {
		t.Errorf("GET %s: %d to %q, want 303 to %s", editURL, r.StatusCode, r.Header.Get("Location"), mediaURL)
	}

	// Saving it as a post is refused with a reason, by the form and by the service, and
	// leaves the page as it was.
	save := b.post(editURL, url.Values{"title": {"Renamed"}, "body": {"gone"}, "status": {"published"}})
	if save.StatusCode == 303 || save.StatusCode >= 500 {
		t.Errorf("POST %s: %d, want a refusal", editURL, save.StatusCode)
	}
	_, err = ta.App.Posts.Save(ctx, page.ID, posts.Input{Title: "Renamed", Body: "gone", Status: broadside.StatusPublished}, admin)
	if broadside.ErrorCode(err) != broadside.EINVALID || !strings.Contains(broadside.ErrorMessage(err), "Media") {
		t.Errorf("Save of the attachment's page: %v, want EINVALID pointing to Media", err)
	}
	if _, err := ta.App.Posts.Trash(ctx, page.ID, admin); broadside.ErrorCode(err) != broadside.EINVALID {
		t.Errorf("Trash of the attachment's page: %v, want EINVALID", err)
	}
	after, err := ta.App.Store.PostByID(ctx, page.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Title != page.Title || after.RawBody != page.RawBody || after.Status != page.Status {
		t.Errorf("the attachment's page changed: %q %q %s", after.Title, after.RawBody, after.Status)
	}
	wantOK(t, ta.browser().get("/attachment/77/"))
}

// An attachment whose file is not in the library has no screen to edit; the post editor
// sends its page to where readers see it instead of opening a form that cannot be saved.
func TestAttachmentPageWithoutLibraryFileLeavesTheEditor(t *testing.T) {
	t.Parallel()
	ta := newTestApp(t)
	ta.importWXR(wxrFixture("unattached-media-comments.xml"), importer.Options{})
	page, err := ta.App.Store.PostBySlug(context.Background(), broadside.TypeAttachment, broadside.AttachmentPageSlug(77))
	if err != nil {
		t.Fatalf("no page for the attachment: %v", err)
	}
	b := ta.signIn(ta.user("admin@example.com", broadside.RoleAdmin))
	r := b.get("/admin/posts/" + strconv.FormatInt(page.ID, 10))
	if r.StatusCode != 303 || r.Header.Get("Location") != "/attachment/77/" {
		t.Errorf("GET the editor: %d to %q, want 303 to /attachment/77/", r.StatusCode, r.Header.Get("Location"))
	}
}
