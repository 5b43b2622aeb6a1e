package web

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/laurel-badges/laurel/issuer"
)

// chromiumPath is Debian's Chromium, which .ci/run installs.
const chromiumPath = "/usr/bin/chromium"

// axePath is axe-core as `npm ci --prefix test/interop` installs it,
// relative to this package's folder, where go test runs.
const axePath = "../../test/interop/node_modules/axe-core/axe.min.js"

// browserTimeout bounds one browser test, so that a hung browser fails
// the test instead of the whole run.
const browserTimeout = 2 * time.Minute

// Viewports of the screenshots: a small phone and a laptop.
var screenshotSizes = []struct {
	name          string
	width, height int64
}{
	{"phone", 360, 740},
	{"desktop", 1280, 800},
}

// browser drives headless Chromium through the Chrome DevTools Protocol.
// Every page it checks is saved as a screenshot at each size in
// screenshotSizes and must pass axe-core without serious or critical
// violations.
type browser struct {
	t    testing.TB
	ctx  context.Context
	base string
	axe  string
	dir  string // screenshot folder
	shot atomic.Int32
}

// newBrowser starts Chromium with a fresh profile for a test against the
// server at base. Without Chromium or axe-core the test is skipped,
// unless CI=true, where it fails.
func newBrowser(t *testing.T, base string) *browser {
	t.Helper()
	return newBrowserWithin(t, base, browserTimeout)
}

// newBrowserWithin is newBrowser for a test that may use the browser for
// up to timeout.
func newBrowserWithin(t *testing.T, base string, timeout time.Duration) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		missingBrowserTool(t, "Chromium is not installed at "+chromiumPath+"; install it with apt-get install chromium")
	}
	axe, err := os.ReadFile(axePath)
	if err != nil {
		missingBrowserTool(t, "axe-core is not installed; run npm ci --prefix test/interop")
	}

	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 800),
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), timeout)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	ctx, cancelBrowser := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		cancelBrowser()
		cancelAlloc()
		cancelTimeout()
	})

	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return &browser{t: t, ctx: ctx, base: base, axe: string(axe), dir: screenshotDir(t)}
}

func missingBrowserTool(t *testing.T, message string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatal(message)
	}
	t.Skip(message + " (with CI=true this test fails instead)")
}

// screenshotDir returns $LAUREL_SCREENSHOT_DIR/<test name>, or a folder in
// the test's temporary folder when the variable is unset.
func screenshotDir(t *testing.T) string {
	t.Helper()
	root := os.Getenv("LAUREL_SCREENSHOT_DIR")
	if root == "" {
		root = filepath.Join(t.TempDir(), "screenshots")
	}
	dir := filepath.Join(root, safeFileName(t.Name()))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("create screenshot folder: %v", err)
	}
	return dir
}

var unsafeFileChars = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func safeFileName(s string) string { return unsafeFileChars.ReplaceAllString(s, "_") }

// do runs actions in the browser and fails the test on an error.
func (b *browser) do(actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	if err := chromedp.Do(b.ctx, actions...); err != nil {
		b.t.Fatalf("browser: %v", err)
	}
}

// signInAs gives the browser a session of p, made through the service,
// so that a test can start on a signed-in page without a password.
func (b *browser) signInAs(ts *testServer, p *issuer.Principal) {
	b.t.Helper()
	secret, err := ts.svc.StartSession(context.Background(), p)
	if err != nil {
		b.t.Fatalf("start session: %v", err)
	}
	httpOnly := true
	b.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		_, err := cdp.Call(ctx, target, network.SetCookie, network.SetCookieParams{
			Name: "laurel_session", Value: secret, URL: b.base + "/", Path: "/",
			HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
		})
		return err
	}))
}

// open loads path and checks the page it shows.
func (b *browser) open(path, name string) {
	b.t.Helper()
	b.do(chromedp.Navigate(b.base + path))
	b.check(name)
}

// submit fills the fields of a form (CSS selector to value), clicks the
// button that the CSS selector button matches, waits for the page that
// the form leads to and checks it.
func (b *browser) submit(fields map[string]string, button, name string) {
	b.t.Helper()
	for sel, value := range fields {
		b.do(chromedp.SetValue(chromedp.CSS(sel), value))
	}
	if _, err := chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(button))); err != nil {
		b.t.Fatalf("browser: submit with %s: %v", button, err)
	}
	b.check(name)
}

// path returns the path and query of the current page.
func (b *browser) path() string {
	b.t.Helper()
	loc, err := chromedp.Run(b.ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("browser: read location: %v", err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// text returns the text of the element that the CSS selector sel matches.
func (b *browser) text(sel string) string {
	b.t.Helper()
	s, err := chromedp.Run(b.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("browser: read text of %s: %v", sel, err)
	}
	return s
}

// check saves screenshots of the current page and runs axe-core on it.
func (b *browser) check(name string) {
	b.t.Helper()
	n := b.shot.Add(1)
	for _, size := range screenshotSizes {
		b.do(chromedp.EmulateViewport(size.width, size.height))
		png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
		if err != nil {
			b.t.Fatalf("browser: screenshot of %s: %v", name, err)
		}
		file := filepath.Join(b.dir, fmt.Sprintf("%02d-%s-%s.png", n, safeFileName(name), size.name))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			b.t.Fatalf("save screenshot: %v", err)
		}
	}
	b.checkAccessibility(name)
}

// axeViolation is one rule that a page breaks, as axe-core reports it.
type axeViolation struct {
	ID     string `json:"id"`
	Impact string `json:"impact"`
	Help   string `json:"help"`
	Nodes  []struct {
		Target []any `json:"target"`
	} `json:"nodes"`
}

// checkAccessibility runs axe-core with its WCAG 2.0 and 2.1 A and AA rules
// and fails on every serious or critical violation. The script is run
// through DevTools, which the page's Content-Security-Policy does not
// restrict.
func (b *browser) checkAccessibility(name string) {
	b.t.Helper()
	const run = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]}, resultTypes: ["violations"]})
		.then(r => JSON.stringify(r.violations))`

	// A page keeps axe-core until the next navigation, so a page checked
	// at several widths loads it once.
	loaded, err := chromedp.Run(b.ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined"`))
	if err != nil {
		b.t.Fatalf("browser: look for axe-core: %v", err)
	}
	if !loaded {
		if _, err := chromedp.Run(b.ctx, chromedp.Evaluate[*runtime.RemoteObject](b.axe)); err != nil {
			b.t.Fatalf("browser: load axe-core: %v", err)
		}
	}
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](run, chromedp.EvalAwaitPromise))
	if err != nil {
		b.t.Fatalf("browser: run axe-core on %s: %v", name, err)
	}
	var violations []axeViolation
	if err := json.Unmarshal([]byte(raw), &violations); err != nil {
		b.t.Fatalf("read axe-core result: %v", err)
	}
	for _, v := range violations {
		if v.Impact != "serious" && v.Impact != "critical" {
			continue
		}
		var targets []string
		for _, n := range v.Nodes {
			targets = append(targets, fmt.Sprint(n.Target...))
		}
		b.t.Errorf("page %s: %s accessibility violation %s (%s) at %s", name, v.Impact, v.ID, v.Help, strings.Join(targets, ", "))
	}
}
