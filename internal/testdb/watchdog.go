package testdb

import (
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"
)

// Watchdog ends a hung test binary shortly before -test.timeout would, and says last which
// tests were still running and where each was blocked. Go's own timeout panic names them
// first and then dumps every goroutine, so a log that keeps only its tail (as CI's does)
// shows stacks of pools and servers but not the test that hung. Call it after flag.Parse;
// Main does.
func Watchdog() {
	f := flag.Lookup("test.timeout")
	if f == nil {
		return
	}
	timeout, err := time.ParseDuration(f.Value.String())
	if err != nil || timeout <= 0 {
		return
	}
	margin := min(timeout/10, 30*time.Second)
	time.AfterFunc(timeout-margin, func() {
		fmt.Fprintf(os.Stderr, "testdb: watchdog: tests still running after %v (-test.timeout %v); every goroutine:\n", timeout-margin, timeout)
		stacks := Goroutines()
		os.Stderr.Write(stacks)
		writeHung(os.Stderr, stacks)
		os.Exit(2)
	})
}

// Goroutines returns the stack of every goroutine, as a timeout panic prints them.
func Goroutines() []byte {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			return buf[:n]
		}
		buf = make([]byte, 2*len(buf))
	}
}

// frame matches one call in a goroutine dump: the function, then its file and line.
var frame = regexp.MustCompile(`(?m)^(\S+)\(.*\)\n\t(\S+):(\d+)`)

// writeHung writes one line per goroutine running test code (other than TestMain): the
// innermost function in a _test.go file and its line, the Test function it runs under when
// that is on the same stack, and what the goroutine waits on.
func writeHung(w io.Writer, stacks []byte) {
	var lines []string
	for _, g := range strings.Split(string(stacks), "\n\n") {
		var inner, test string
		for _, m := range frame.FindAllStringSubmatch(g, -1) {
			if !strings.HasSuffix(m[2], "_test.go") {
				continue
			}
			fn := m[1][strings.LastIndexByte(m[1], '/')+1:]
			if inner == "" {
				inner = fn + " at " + m[2] + ":" + m[3]
			}
			if name, ok := testName(fn); ok {
				test = name
			}
		}
		if inner == "" || test == "TestMain" {
			continue
		}
		head, _, _ := strings.Cut(g, "\n") // "goroutine 12 [chan receive, 14 minutes]:"
		state := head
		if i := strings.IndexByte(head, '['); i >= 0 {
			state = strings.TrimSuffix(head[i:], ":")
		}
		if test != "" {
			inner = test + ": " + inner
		}
		lines = append(lines, "  "+inner+" "+state)
	}
	sort.Strings(lines)
	fmt.Fprintf(w, "testdb: watchdog: the goroutines in test code (test: innermost test function, its line, state):\n%s\n", strings.Join(lines, "\n"))
}

// testName returns the Test function of a frame's function name ("web_test.TestX.func2").
func testName(fn string) (string, bool) {
	_, name, _ := strings.Cut(fn, ".")
	name, _, _ = strings.Cut(name, ".")
	return name, strings.HasPrefix(name, "Test")
}
