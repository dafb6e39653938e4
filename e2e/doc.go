// Package e2e holds black-box tests of the broadside command: the test binary runs itself as
// `broadside` (TestMain does what cmd/broadside's main does), loads the seed discussion into a
// temporary SQLite site once, starts `broadside serve` on a copy of it on a free port for
// each test and drives it with headless Chromium through chromedp, exactly as a reader and an
// administrator would.
//
// The tests need Chromium: Debian's chromium-headless-shell package (preferred: much lighter)
// or its chromium package; another binary can be named with BROADSIDE_CHROMIUM. Without one
// they are skipped, unless CI is set, where they fail.
// Set BROADSIDE_E2E_ARTIFACTS=DIR to keep the screenshots the tests take.
package e2e
