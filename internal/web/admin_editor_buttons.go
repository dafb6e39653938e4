package web

import (
	"time"

	"github.com/broadside/broadside"
)

// editorButtons chooses the editor's main button as WordPress does: Publish for a post not
// yet live, Schedule when its date is in the future, Update once it is published or
// scheduled. The secondary button keeps or makes the post a draft. p is the stored post (nil
// for a new one) and date the publish date in the form (zero: none).
func editorButtons(p *broadside.Post, date, now time.Time) (action, label, draftLabel string) {
	if p != nil {
		switch p.Status {
		case broadside.StatusPublished, broadside.StatusScheduled, broadside.StatusPrivate:
			return "update", "Update", "Switch to draft"
		}
	}
	if date.After(now) {
		return "schedule", "Schedule", "Save draft"
	}
	return "publish", "Publish", "Save draft"
}

// actionStatus is the status a submitted editor button asks for; the server decides from
// the button, so the editor works without its script. "save" (and a form submitted with
// Enter) takes the status chosen in the editor's Status control. old is the stored post,
// nil for a new one. ok is false for an unknown action (and for "preview", which saves
// nothing).
func actionStatus(action string, old *broadside.Post) (st broadside.PostStatus, ok bool) {
	switch action {
	case "publish":
		return broadside.StatusPublished, true // a future date makes it scheduled (posts.Save)
	case "schedule":
		return broadside.StatusScheduled, true // a past date makes it published (posts.Save)
	case "update":
		// Update keeps a live post live; the date may still move it between published and
		// scheduled. It never publishes a draft by itself.
		if old == nil {
			return broadside.StatusDraft, true
		}
		return old.Status, true
	case "draft":
		return broadside.StatusDraft, true
	}
	return "", false
}
