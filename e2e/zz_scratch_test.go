package e2e

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

func TestScratchException(t *testing.T) {
	s, b := setup(t)
	a := newActor(t, b, s, "x")
	chromedp.Listen(a.ctx, func(ev any) { t.Logf("event %T", ev); _ = fmt.Sprint })
	a.open("/")
	a.do("throw", chromedp.Evaluate[chromedp.Void](`setTimeout(() => { throw new Error('boom') }, 0); 1`))
	a.waitFor("x", `new Promise(r => setTimeout(() => r(true), 200))`)
	a.open("/")
}
