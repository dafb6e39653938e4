package e2e

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// testTimeout bounds each browser test, from starting Chromium to the last assertion. The
// limits are generous because they only decide how long a broken test takes to fail: on a
// busy 2-core machine (Chromium beside other test binaries) a sound test took over 60 s.
const testTimeout = 5 * time.Minute

// waitTimeout bounds a wait for a condition on a page (a moved form, a changed title).
const waitTimeout = 60 * time.Second

// stepTimeout bounds any one browser action, including the page load it causes.
const stepTimeout = 90 * time.Second

// startTimeout bounds starting the package's one Chromium.
const startTimeout = 3 * time.Minute

// chromium returns the browser binary, or skips the test (fails it under CI) when there is none.
// The headless shell comes first: it is the same Chromium (same Blink, V8 and version in
// Debian) without the full browser's UI, and the package's run cost about 40% of the CPU with
// it (71 against 178 CPU s, every process counted; docs/benchmarks.md, "Issue 11 (session 8):
// the browser tests"). The full browser stays the fallback.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("BROADSIDE_CHROMIUM"); p != "" {
		if full, err := exec.LookPath(p); err == nil {
			return full
		}
		t.Fatalf("BROADSIDE_CHROMIUM=%q is not an executable", p)
	}
	for _, name := range []string{
		"/usr/bin/chromium-headless-shell", "chromium-headless-shell", "chrome-headless-shell",
		"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable",
	} {
		if full, err := exec.LookPath(name); err == nil {
			return full
		}
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI requires Chromium: install the chromium-headless-shell package, or chromium " +
			"(apt-get install chromium-headless-shell; .ci/run does this)")
	}
	t.Skip("SKIPPING BROWSER TESTS: Chromium is not installed. Install it with `apt-get install chromium-headless-shell` " +
		"(or chromium; or point BROADSIDE_CHROMIUM at a Chrome/Chromium binary) to run the e2e tests.")
	return ""
}

// browser is a test's share of the package's one headless Chromium: every actor of the test
// opens its tabs under ctx, which ends after testTimeout at the latest.
type browser struct {
	ctx       context.Context
	artifacts string // where screenshots go: the test's temp dir
}

// theChromium is the one headless Chromium of the test binary, started by the first test that
// needs it and stopped by TestMain. Starting a browser per test cost each test a second or more
// of CPU (a fresh profile, its own GPU, network and utility processes); tests stay apart
// because every actor gets its own browser context (like a separate incognito profile), so no
// cookie or storage is shared between actors, nor between tests.
var theChromium struct {
	once sync.Once
	ctx  context.Context // the browser's first tab; children of it are tabs of the same browser
	stop func()
	out  syncBuffer
	err  error
}

// newBrowser returns the test's share of the shared Chromium, starting it if it is not running.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	exe := chromium(t)
	c := &theChromium
	c.once.Do(func() { c.err = startChromium(exe) })
	if c.err != nil {
		t.Fatal(c.err)
	}
	ctx, cancel := context.WithTimeout(c.ctx, testTimeout)
	t.Cleanup(func() {
		cancel()
		if t.Failed() {
			// The output is the whole browser's, so other tests' lines may be in it too.
			if log := chromiumLog(c.out.String()); log != "" {
				t.Logf("--- chromium output (shared by the package's tests) ---\n%s", log)
			}
		}
	})
	return &browser{ctx: ctx, artifacts: t.TempDir()}
}

// startChromium starts the shared browser with a fresh profile. It lives until stopChromium:
// its life is bound to no test's context, so one test's deadline cannot end it for the others.
func startChromium(exe string) error {
	c := &theChromium
	profile, err := os.MkdirTemp("", "broadside-e2e-chromium-")
	if err != nil {
		return err
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root (CI does)
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 900),
		chromedp.CombinedOutput(&c.out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(allocCtx)
	c.ctx = bctx
	c.stop = func() {
		cancelBrowser()
		cancelAlloc()
		os.RemoveAll(profile)
	}
	// The first Do binds the browser's life to the context it is given, so it gets bctx itself
	// (no deadline) and the wait for it is bounded here instead, generously: a start took
	// 17-19 s at load 44 on the 2-core machine.
	started := make(chan error, 1)
	go func() { started <- chromedp.Do(bctx) }()
	select {
	case err = <-started:
	case <-time.After(startTimeout):
		err = fmt.Errorf("not started after %s", startTimeout)
	}
	if err != nil {
		stop := c.stop
		c.stop = nil
		go stop() // a browser that never answered may not stop either; the binary is ending
		return fmt.Errorf("start %s: %v\n%s", exe, err, c.out.String())
	}
	return nil
}

// stopChromium stops the shared browser, if a test started it.
func stopChromium() {
	if theChromium.stop != nil {
		theChromium.stop()
	}
}

// chromiumLog is the end of Chromium's output without the noise every headless run makes in a
// container (no D-Bus, the Debian wrapper's memory check).
func chromiumLog(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.TrimSpace(l) == "" || strings.Contains(l, "dbus/") || strings.Contains(l, "unexpected operator") {
			continue
		}
		keep = append(keep, l)
	}
	if len(keep) > 50 {
		keep = keep[len(keep)-50:]
	}
	return strings.Join(keep, "\n")
}

// actor is one person using the site in their own browser context: an administrator, a
// reader, a stranger. Its helpers fail the test with the actor's name and current page.
type actor struct {
	t         *testing.T
	name      string
	ctx       context.Context
	base      string
	artifacts string

	mu         sync.Mutex
	exceptions []string // uncaught JavaScript exceptions seen on its pages
}

// newActor opens a tab in a new, isolated browser context.
func newActor(t *testing.T, b *browser, s *site, name string, opts ...actorOption) *actor {
	t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	a := &actor{t: t, name: name, ctx: ctx, base: s.URL, artifacts: b.artifacts}
	if err := chromedp.Do(ctx); err != nil { // opens the tab
		t.Fatalf("%s: open a tab: %v", name, err)
	}
	if err := chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*runtime.EventExceptionThrown); ok {
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg = d.Exception.Description
			}
			a.mu.Lock()
			a.exceptions = append(a.exceptions, fmt.Sprintf("%s:%d: %s", d.URL, d.LineNumber+1, msg))
			a.mu.Unlock()
		}
	}); err != nil {
		t.Fatalf("%s: listen for exceptions: %v", name, err)
	}
	for _, o := range opts {
		o(a)
	}
	t.Cleanup(func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		for _, e := range a.exceptions {
			t.Errorf("%s: uncaught JavaScript exception: %s", name, e)
		}
	})
	return a
}

type actorOption func(*actor)

// withoutJavaScript turns script execution off in the actor's tab, for every page it loads.
func withoutJavaScript(a *actor) { scripts(a, false) }

// scripts turns script execution in the actor's tab on or off, from the next page it loads.
func scripts(a *actor, on bool) {
	a.t.Helper()
	_, err := chromedp.Call(a.ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: !on})
	if err != nil {
		a.t.Fatalf("%s: turn JavaScript on=%v: %v", a.name, on, err)
	}
}

// step bounds one action, so a selector that matches nothing fails in seconds with a clear
// message instead of using up the whole test. The tab was opened outside any step, so the
// end of a step's deadline leaves the tab and the browser open.
func (a *actor) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(a.ctx, stepTimeout)
}

// fatalf fails the test, naming the actor and the page it was on, and keeps a screenshot.
func (a *actor) fatalf(format string, args ...any) {
	a.t.Helper()
	where := "(unknown page)"
	// A short, separate deadline: the step's deadline may be what ran out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx), 3*time.Second)
	defer cancel()
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err == nil {
		where = loc
	}
	if png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot()); err == nil {
		a.keep("failure-"+strings.ReplaceAll(a.name, " ", "-")+".png", png)
	}
	a.t.Fatalf("%s on %s: %s", a.name, where, fmt.Sprintf(format, args...))
}

// do runs steps that return nothing.
func (a *actor) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		a.fatalf("%s: %v", what, err)
	}
}

// load runs steps that cause a page load (a navigation, a link, a form) and waits for the
// page, which must answer 200 (after any redirect).
func (a *actor) load(what string, steps ...chromedp.Action[chromedp.Void]) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, steps...)
	if err != nil {
		a.fatalf("%s: %v", what, err)
	}
	if resp == nil {
		a.fatalf("%s: no page was loaded", what)
	}
	if resp.Status != 200 {
		a.fatalf("%s: %s answered %d %s", what, resp.URL, resp.Status, resp.StatusText)
	}
}

// open navigates to a path of the site.
func (a *actor) open(path string) {
	a.t.Helper()
	a.load("open "+path, chromedp.Navigate(a.base+path))
}

// eval evaluates a JavaScript expression and decodes its value into T.
func eval[T any](a *actor, expr string) T {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		a.fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

// waitFor polls a JavaScript predicate until it is true. what says what we are waiting for.
func (a *actor) waitFor(what, predicate string) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	_, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](predicate,
		chromedp.WithPollingInterval(25*time.Millisecond), chromedp.WithPollingTimeout(waitTimeout)))
	if err != nil {
		a.fatalf("waiting until %s (%s): %v", what, predicate, err)
	}
}

// text returns the trimmed text content of the first element matching a CSS selector.
func (a *actor) text(sel string) string {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.TextContent(chromedp.CSS(sel)))
	if err != nil {
		a.fatalf("read text of %s: %v", sel, err)
	}
	return strings.Join(strings.Fields(v), " ")
}

// location returns the URL of the current page, parsed.
func (a *actor) location() *url.URL {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		a.fatalf("read location: %v", err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		a.fatalf("parse location %q: %v", loc, err)
	}
	return u
}

// screenshot keeps a PNG of the element matching sel (the whole viewport when sel is "").
func (a *actor) screenshot(name, sel string) {
	a.t.Helper()
	ctx, cancel := a.step()
	defer cancel()
	var png []byte
	var err error
	if sel == "" {
		png, err = chromedp.Run(ctx, chromedp.CaptureScreenshot())
	} else {
		png, err = chromedp.Run(ctx, chromedp.Screenshot(chromedp.CSS(sel)))
	}
	if err != nil {
		a.fatalf("screenshot %s: %v", name, err)
	}
	a.keep(name, png)
}

// keep writes an artifact into the test's temp dir and, when BROADSIDE_E2E_ARTIFACTS names a
// directory, there too (prefixed with the test's name) so it outlives the test.
func (a *actor) keep(name string, data []byte) {
	p := filepath.Join(a.artifacts, name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		a.t.Logf("keep %s: %v", name, err)
		return
	}
	if out := os.Getenv("BROADSIDE_E2E_ARTIFACTS"); out != "" {
		p = filepath.Join(out, a.t.Name()+"-"+name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			a.t.Logf("keep %s: %v", name, err)
			return
		}
	}
	a.t.Logf("saved %s", p)
}
