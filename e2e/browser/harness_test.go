package browser

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/orgdir/orgdir/internal/cli"
	"github.com/orgdir/orgdir/internal/clitest"
)

// chromiumPath finds Chromium, or skips (fails in CI) with how to get it.
func chromiumPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("ORGDIR_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := "Chromium not found at $ORGDIR_CHROMIUM or /usr/bin/chromium; install it: apt-get install -y chromium"
	if os.Getenv("ORGDIR_REQUIRE_SERVICES") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// outDir is where the screenshots of this test go.
func outDir(t *testing.T) string {
	t.Helper()
	base := os.Getenv("ORGDIR_TEST_OUT")
	if base == "" {
		// The module root's testout/ (git-ignored); tests run in e2e/browser.
		base = filepath.Join("..", "..", "testout")
	}
	dir := filepath.Join(base, t.Name())
	// Start empty, so every file there is from this run.
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// startServer runs `orgdir serve --demo` in process on 127.0.0.1:0 with a
// fresh SQLite database and returns its base URL and its console output
// (the demo's accounts, links and passcodes).
func startServer(t *testing.T) (string, *clitest.Buffer) {
	t.Helper()
	srv := clitest.Serve(t, cli.Program{}, nil, "--demo", "--data-dir", t.TempDir(), "--purge-interval", "0", "--log-level", "warn")
	return srv.URL, srv.Stdout
}

// newBrowser starts headless Chromium with the flags CI needs and returns
// a context of its first tab.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.Flag("no-sandbox", true),
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1100, 900),
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// Start the browser on a context without a deadline: a deadline here
	// would stop the whole browser.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium at %s: %v", path, err)
	}
	return ctx
}

// person is one person at their own browser window: an isolated browser
// context (cookies of their own) in the shared Chromium.
type person struct {
	t    *testing.T
	name string
	ctx  context.Context
	base string
	out  string
	n    *int
}

func (j *journey) person(name string) *person {
	j.t.Helper()
	ctx, cancel := chromedp.NewContext(j.browser, chromedp.WithNewBrowserContext())
	j.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		j.t.Fatalf("open a browser context for %s: %v", name, err)
	}
	return &person{t: j.t, name: name, ctx: ctx, base: j.base, out: j.out, n: &j.steps}
}

// journey is one walk through the site with numbered screenshots.
type journey struct {
	t       *testing.T
	browser context.Context
	base    string
	out     string
	steps   int
	console *clitest.Buffer // what the server printed
}

func newJourney(t *testing.T) *journey {
	t.Helper()
	br := newBrowser(t) // skips before the server starts when Chromium is missing
	base, console := startServer(t)
	return &journey{t: t, browser: br, base: base, out: outDir(t), console: console}
}

// timeout bounds one step.
func (p *person) timeout() (context.Context, context.CancelFunc) {
	return context.WithTimeout(p.ctx, 30*time.Second)
}

// shot saves a screenshot of the whole page as NN-name.png.
func (p *person) shot(name string) {
	p.t.Helper()
	*p.n++
	ctx, cancel := p.timeout()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot %s: %v", name, err)
	}
	file := filepath.Join(p.out, fmt.Sprintf("%02d-%s-%s.png", *p.n, p.name, name))
	if err := os.WriteFile(file, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
}

// open navigates to path and returns the HTTP status of the page.
func (p *person) open(path string) int64 {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	url := path
	if strings.HasPrefix(path, "/") {
		url = p.base + path
	}
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		p.t.Fatalf("%s opens %s: %v", p.name, path, err)
	}
	return resp.Status
}

// click presses a button or link that loads a page and returns its status.
func (p *person) click(css string) int64 {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(css)))
	if err != nil {
		p.fail("%s clicks %s: %v", p.name, css, err)
	}
	return resp.Status
}

// fill types value into the field.
func (p *person) fill(css, value string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(css), value)); err != nil {
		p.fail("%s fills %s: %v", p.name, css, err)
	}
}

// text is the visible text of the page's main part.
func (p *person) text() string {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main")))
	if err != nil {
		p.t.Fatalf("read the page of %s: %v", p.name, err)
	}
	return s
}

func (p *person) location() string {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

// sees fails unless the page says every one of wants.
func (p *person) sees(wants ...string) {
	p.t.Helper()
	txt := p.text()
	for _, w := range wants {
		if !strings.Contains(txt, w) {
			p.fail("%s's page %s does not say %q; it says:\n%s", p.name, p.location(), w, txt)
		}
	}
}

// doesNotSee fails if the page says any of unwanted.
func (p *person) doesNotSee(unwanted ...string) {
	p.t.Helper()
	txt := p.text()
	for _, w := range unwanted {
		if strings.Contains(txt, w) {
			p.fail("%s's page %s says %q but must not; it says:\n%s", p.name, p.location(), w, txt)
		}
	}
}

// fail saves a screenshot of the failing page, then fails.
func (p *person) fail(format string, args ...any) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
		_ = os.WriteFile(filepath.Join(p.out, "FAILED-"+p.name+".png"), png, 0o644)
	}
	p.t.Fatalf(format, args...)
}

// signIn signs in with user name and password from the sign-in page.
func (p *person) signIn(upn, password string) {
	p.t.Helper()
	p.open("/signin")
	p.fill("#username", upn)
	p.fill("#password", password)
	if st := p.click("#signin-password"); st != 200 {
		p.fail("sign-in of %s answered %d", upn, st)
	}
}

// eval runs JavaScript through DevTools (not subject to the page's CSP).
func (p *person) eval(js string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](js)); err != nil {
		p.t.Fatalf("eval %q: %v", js, err)
	}
}

var redeemLink = regexp.MustCompile(`https?://[^\s"<>]+/redeem\?token=[A-Za-z0-9_\-]+`)

// absent fails if an element matches css.
func (p *person) absent(css string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+"`"+css+"`"+`).length`))
	if err != nil {
		p.t.Fatal(err)
	}
	if n != 0 {
		p.fail("%s's page %s still shows %s", p.name, p.location(), css)
	}
}

// tick clicks something that does not load a page (a checkbox).
func (p *person) tick(css string) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(css))); err != nil {
		p.fail("%s ticks %s: %v", p.name, css, err)
	}
}

// onPhone shows the page at a phone's size (390×844) for fn, then back.
func (p *person) onPhone(fn func()) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile)); err != nil {
		p.t.Fatal(err)
	}
	defer func() {
		ctx, cancel := p.timeout()
		defer cancel()
		_ = chromedp.Do(ctx, chromedp.EmulateViewport(1100, 900))
	}()
	fn()
}

// tab presses the Tab key n times.
func (p *person) tab(n int) {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	for range n {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			p.t.Fatal(err)
		}
	}
}

// focusVisible fails unless the focused element draws an outline.
func (p *person) focusVisible() {
	p.t.Helper()
	ctx, cancel := p.timeout()
	defer cancel()
	style, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var e = document.activeElement, s = getComputedStyle(e);
		return e.tagName + "#" + e.id + " " + s.outlineStyle + " " + s.outlineWidth;
	})()`))
	if err != nil {
		p.t.Fatal(err)
	}
	if f := strings.Fields(style); len(f) != 3 || f[1] == "none" || f[2] == "0px" {
		p.fail("the focused element %q shows no outline", style)
	}
}
