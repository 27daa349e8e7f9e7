package server_test

// Browser tests: a real headless Chromium drives Handshake the way a person
// on a phone does. They check what the HTTP tests cannot see: that the
// pages fit a 360 px screen, that the language picker works with a real
// form submit, and that print hides the controls. Each step also saves a
// screenshot to artifacts/screenshots/ for a human to look at.

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// browserTimeout bounds one test's whole browser session, start included,
// so a hung page fails the test instead of the whole run.
const browserTimeout = 60 * time.Second

// Viewports: a small Android phone, and a laptop.
const (
	phoneWidth, phoneHeight     = 360, 740
	desktopWidth, desktopHeight = 1280, 900
)

// findChromium returns the browser to run, or "" when there is none.
func findChromium() string {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts a headless Chromium with an empty profile and returns
// the context of its first tab. A missing browser skips the test on a
// developer's machine but fails it in CI, where it must never go unnoticed.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := findChromium()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("browser tests need Chromium, and CI has none: install chromium (apt-get install chromium chromium-driver fonts-noto-core) or set CHROME_PATH")
		}
		t.Skip("browser tests need Chromium: run make test as root, or apt-get install chromium chromium-driver fonts-noto-core")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // the tests may run as root, where the sandbox refuses to start
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), // registered first, so removed after the browser exits
	)
	timeout, cancelTimeout := context.WithTimeout(context.Background(), browserTimeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(timeout, opts...)
	ctx, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc() // waits for the browser process to exit
		cancelTimeout()
	})
	if err := chromedp.Do(ctx); err != nil { // start it now, so a broken install fails here
		t.Fatalf("start %s: %v", path, err)
	}
	return ctx
}

// mustDo runs steps and stops the test at the first error.
func mustDo(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// evalJS evaluates a JavaScript expression in the page.
func evalJS[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %s: %v", js, err)
	}
	return v
}

// submitAndWait clicks a button that submits a form and waits until the page it
// leads to (after any redirect) has loaded.
func submitAndWait(t *testing.T, ctx context.Context, button string) {
	t.Helper()
	res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(button)))
	if err != nil {
		t.Fatalf("click %s: %v", button, err)
	}
	if res.Status != http.StatusOK {
		t.Fatalf("click %s: the page after it has status %d", button, res.Status)
	}
}

// signIn fills the login form, which the tab shows, and waits for the home
// page.
func signIn(t *testing.T, ctx context.Context, email string) {
	t.Helper()
	mustDo(t, ctx, "fill the login form",
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), seed.DemoPassword),
	)
	submitAndWait(t, ctx, `form[action="/login"] button[type="submit"]`)
	mustDo(t, ctx, "wait for the home page", chromedp.WaitVisible(chromedp.CSS("main h1")))
	if p := pagePath(t, ctx); p != "/" {
		t.Fatalf("after login the browser is at %q, want /", p)
	}
}

// pagePath is the path of the page the tab shows.
func pagePath(t *testing.T, ctx context.Context) string {
	t.Helper()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// switchLanguage presses a button of the footer language picker and waits
// until the page has come back in that language.
func switchLanguage(t *testing.T, ctx context.Context, lang string) {
	t.Helper()
	before := pagePath(t, ctx)
	submitAndWait(t, ctx, `form.langs button[value="`+lang+`"]`)
	if got := evalJS[string](t, ctx, "document.documentElement.lang"); got != lang {
		t.Fatalf("after choosing %s, <html lang> is %q", lang, got)
	}
	if after := pagePath(t, ctx); after != before {
		t.Errorf("choosing %s moved from %s to %s; it should reload the same page", lang, before, after)
	}
}

// assertText checks that the visible text of the page has every message in
// the page's language. A message that equals its English is reported: the
// check then proves nothing, and TestTranslationsAreNotEnglishCopies in
// internal/i18n is the test that fails for it.
func assertText(t *testing.T, ctx context.Context, lang string, ids ...string) {
	t.Helper()
	body := evalJS[string](t, ctx, "document.body.innerText")
	for _, id := range ids {
		want := i18n.For(lang).T(id, nil)
		if !strings.Contains(body, want) {
			t.Errorf("%s page lacks %s = %q", lang, id, want)
		}
		if want == i18n.For("en").T(id, nil) {
			t.Logf("NOTE: %s message %s is still the English %q; the check cannot tell the languages apart", lang, id, want)
		}
	}
}

// overflowJS measures the page against the viewport and names the widest
// elements that stick out, so a failure says where to look.
const overflowJS = `(() => {
	const vw = window.innerWidth, sw = document.documentElement.scrollWidth;
	if (sw <= vw) return "";
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.right > vw + 0.5) out.push(el.tagName.toLowerCase() + (el.className ? "." + String(el.className).split(" ").join(".") : "") + " right=" + Math.round(r.right));
	}
	return "scrollWidth " + sw + " > innerWidth " + vw + "; sticking out: " + out.slice(0, 8).join(", ");
})()`

// assertFitsWidth checks that the page needs no sideways scrolling: on a
// phone that hides content and makes every line hard to read.
func assertFitsWidth(t *testing.T, ctx context.Context, where string) {
	t.Helper()
	if !evalJS[bool](t, ctx, "document.documentElement.scrollWidth <= window.innerWidth") {
		t.Errorf("%s scrolls sideways: %s", where, evalJS[string](t, ctx, overflowJS))
	}
}

// repoRoot is the folder that holds go.mod, found from the working
// directory (go test runs in the package's folder).
func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		} else if !errors.Is(err, os.ErrNotExist) {
			t.Fatal(err)
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the working directory")
		}
		dir = parent
	}
}

// saveScreenshot writes a PNG of the whole page, not only the viewport, to
// artifacts/screenshots/<name>.png for a person to review.
func saveScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)) // 100 means PNG
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	dir := filepath.Join(repoRoot(t), "artifacts", "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", file)
}

func TestBrowserSignInAndSwitchLanguages(t *testing.T) {
	ctx := newBrowser(t) // first, so a missing Chromium skips before a database is made
	a := newApp(t)
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	assertFitsWidth(t, ctx, "/login")
	saveScreenshot(t, ctx, "login-en")
	signIn(t, ctx, "investigator@th-ppr2.example")
	assertFitsWidth(t, ctx, "home (en)")

	for _, lang := range []string{"km", "th"} {
		switchLanguage(t, ctx, lang)
		assertText(t, ctx, lang, "nav.home", "home.your_agency")
		assertFitsWidth(t, ctx, "home ("+lang+")")
		saveScreenshot(t, ctx, "home-"+lang)
	}
}

func TestBrowserAdminPagesFitAPhone(t *testing.T) {
	ctx := newBrowser(t)
	a := newApp(t)
	mustDo(t, ctx, "phone viewport", chromedp.EmulateViewport(phoneWidth, phoneHeight))

	mustDo(t, ctx, "open /login", chromedp.Navigate(a.srv.URL+"/login"))
	signIn(t, ctx, "agency_admin@aim.example")
	mustDo(t, ctx, "open /agency/users",
		chromedp.Navigate(a.srv.URL+"/agency/users"),
		chromedp.WaitVisible(chromedp.CSS("main table")),
	)
	assertFitsWidth(t, ctx, "/agency/users at 360 px")
	if body := evalJS[string](t, ctx, "document.body.innerText"); !strings.Contains(body, "caseworker@aim.example") {
		t.Error("/agency/users does not list caseworker@aim.example")
	}
	saveScreenshot(t, ctx, "users-360")

	mustDo(t, ctx, "desktop viewport", chromedp.EmulateViewport(desktopWidth, desktopHeight))
	assertFitsWidth(t, ctx, "/agency/users at 1280 px")
	saveScreenshot(t, ctx, "users-desktop")

	// Print is how a user list leaves the building: the controls must go.
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatalf("emulate print: %v", err)
	}
	// The stylesheet may hide the picker itself or the footer around it;
	// either way some element from the picker up has display: none.
	hidden := evalJS[bool](t, ctx, `(() => {
		for (let el = document.querySelector("form.langs"); el; el = el.parentElement) {
			if (getComputedStyle(el).display === "none") return true;
		}
		return false;
	})()`)
	if !hidden {
		t.Error("the language picker (form.langs) shows in print")
	}
	saveScreenshot(t, ctx, "users-print")
}
