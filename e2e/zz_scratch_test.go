package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

func TestScratchException(t *testing.T) {
	s, b := setup(t)
	a := newActor(t, b, s, "x")
	a.open("/")
	a.do("throw", chromedp.Evaluate[chromedp.Void](`setTimeout(() => { throw new Error('boom') }, 0)`))
	a.open("/")
}

func TestScratchMissing(t *testing.T) {
	s, b := setup(t)
	a := newActor(t, b, s, "x")
	a.open("/")
	a.text("#no-such-thing")
}

func TestScratchJSBroken(t *testing.T) {
	s, b := setup(t)
	a := newActor(t, b, s, "reader", withoutJavaScript)
	post := firstPostPath(a)
	a.open(post)
	p := a.firstComment("li.comment.depth-2")
	a.clickReply(p)
	a.waitFor("moved", `document.getElementById('respond').closest('li.comment')?.id === 'comment-`+p.ID+`'`)
}
