package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"revolver/date"
)

const chromiumPath = "/usr/bin/chromium"

// shared is the one Chromium of the package's browser tests, started by
// the first of them and closed by TestMain: each test gets a browser
// context of its own in it (its own cookies, a new tab).
var shared struct {
	once   sync.Once
	ctx    context.Context
	cancel func()
	err    error
}

// TestMain closes the shared Chromium after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.cancel != nil {
		shared.cancel()
	}
	os.Exit(code)
}

// browser gives the test a tab of the package's headless Chromium, in a
// browser context of its own, or skips the test when Chromium is not
// installed.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser tests need Chromium at %s (apt-get install chromium): %v", chromiumPath, err)
	}
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "revolver-chromium-")
		if err != nil {
			shared.err = err
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(chromiumPath),
			chromedp.Flag("headless", true),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.NoFirstRun,
			chromedp.NoDefaultBrowserCheck,
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.UserDataDir(dir),
			chromedp.WindowSize(1366, 900),
		}
		actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, cancel2 := chromedp.NewContext(actx)
		shared.ctx = ctx
		shared.cancel = func() { cancel2(); cancel(); os.RemoveAll(dir) }
		shared.err = chromedp.Do(ctx, chromedp.Navigate("about:blank"))
	})
	if shared.err != nil {
		t.Skipf("Chromium at %s does not start: %v", chromiumPath, shared.err)
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("a new tab of Chromium: %v", err)
	}
	// A bound on the test's browser session, generous for a loaded machine
	// (CI runs the packages side by side).
	ctx, cancel3 := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(cancel3)
	return ctx
}

// screenshots is where the pages' pictures are kept: $REVOLVER_SCREENSHOTS,
// or none (the tests take no pictures nobody would look at).
func screenshots(t *testing.T) string {
	if d := os.Getenv("REVOLVER_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return "" // no screenshots: nobody would look at them
}

// shot saves a full-page screenshot for people to look at (it asserts
// nothing), when REVOLVER_SCREENSHOTS names a directory: once the page has
// loaded, within 30 s; a capture Chromium does
// not answer in time is logged and skipped, so that it cannot fail a test.
func shot(t *testing.T, dir, name string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		var v chromedp.Void
		if dir == "" {
			return v, nil
		}
		for i := 0; i < 100; i++ {
			if st, err := chromedp.Evaluate[string](`document.readyState`)(ctx, tg); err == nil && st == "complete" {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		b, err := chromedp.FullScreenshot(100)(sctx, tg)
		if err != nil {
			if ctx.Err() == nil {
				t.Logf("screenshot %s skipped: %v", name, err)
				return v, nil
			}
			return v, err
		}
		return v, os.WriteFile(filepath.Join(dir, name+".png"), b, 0o644)
	}
}

func signInActions(base, email string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		chromedp.Navigate(base+"/sign-in"),
		chromedp.WaitVisible(chromedp.ID(`email`)),
		chromedp.SendKeys(chromedp.ID(`email`), email),
		chromedp.SendKeys(chromedp.ID(`password`), testPassword),
		chromedp.Submit(chromedp.ID(`password`)),
		chromedp.WaitVisible(chromedp.CSS(`.signout`)),
	)
}

var signOut = chromedp.Steps(
	chromedp.Click(chromedp.CSS(`.signout button`)),
	chromedp.WaitVisible(chromedp.ID(`email`)),
)

func waitText(sel, text string) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		var v chromedp.Void
		last := ""
		for {
			got, err := chromedp.Text(chromedp.CSS(sel), chromedp.AtLeast(0))(ctx, tg)
			if err == nil && strings.Contains(got, text) {
				return v, nil
			}
			last = got
			select {
			case <-ctx.Done():
				return v, fmt.Errorf("waiting for %q in %s (last %.200q): %w", text, sel, last, ctx.Err())
			case <-time.After(50 * time.Millisecond):
			}
		}
	}
}

// TestBrowser: the borrower uploads a certificate and requests an advance;
// the lender approves both; the availability shown afterwards is the
// API's; another facility's borrower cannot reach the facility.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	dir := screenshots(t)
	if dir != "" {
		t.Logf("screenshots in %s", dir)
	}
	files := t.TempDir()
	for _, n := range []string{"receivables.csv", "debtors.csv", "inventory.csv"} {
		if err := os.WriteFile(filepath.Join(files, n), e.data[n], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	base := e.srv.URL
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			url, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.AtLeast(0)))
			t.Fatalf("%s: %v (at %s: %.500s)", what, err, url, body)
		}
	}

	run("borrower signs in", signInActions(base, "controller@btu.example"), waitText("h1", "BTU"), shot(t, dir, "01-facility-borrower-before"))
	// Dropping three files on one box puts each in its box by name.
	run("drop", chromedp.Navigate(base+"/facilities/btu/certificates"), chromedp.WaitVisible(chromedp.ID(`upload`)))
	placed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var dt = new DataTransfer();
		["march-inventory.csv", "Debtors.xlsx", "receivables-aging.csv"].forEach(function (n) { dt.items.add(new File(["x"], n)); });
		document.querySelector(".drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return ["receivables", "debtors", "inventory"].map(function (id) { var f = document.getElementById(id).files; return f.length ? f[0].name : ""; }).join(",");
	})()`))
	if err != nil || placed != "receivables-aging.csv,Debtors.xlsx,march-inventory.csv" {
		t.Errorf("dropped files placed as %q (%v)", placed, err)
	}
	run("borrower uploads the certificate",
		chromedp.Navigate(base+"/facilities/btu/certificates"),
		chromedp.WaitVisible(chromedp.ID(`upload`)),
		chromedp.SetValue(chromedp.ID(`as_of`), "2004-10-03"),
		chromedp.SetUploadFiles(chromedp.ID(`receivables`), []string{filepath.Join(files, "receivables.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`debtors`), []string{filepath.Join(files, "debtors.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`inventory`), []string{filepath.Join(files, "inventory.csv")}),
		shot(t, dir, "02-upload-form"),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		waitText("h1", "Certificate 1 as of"),
		waitText(".flash", "submitted for the lender"),
		shot(t, dir, "03-certificate-submitted"),
	)
	run("borrower opens a line",
		chromedp.Click(chromedp.CSS(`a[href$="/lines/receivables.ineligible.past_due"]`)),
		waitText("main", "Input rows"),
		shot(t, dir, "04-certificate-line"),
		signOut,
	)
	run("lender signs in", signInActions(base, "officer@bank.example"), waitText("h1", "Portfolio"), shot(t, dir, "06-portfolio"))
	run("lender approves the certificate",
		chromedp.Navigate(base+"/facilities/btu/certificates/1"),
		chromedp.SendKeys(chromedp.ID(`comment-a`), "Agrees with the aging"),
		chromedp.Click(chromedp.ID(`approve-certificate`)),
		waitText(".flash", "is approved"),
	)
	run("lender signs out", signOut)
	run("borrower requests an advance", signInActions(base, "controller@btu.example"), waitText("h1", "BTU"),
		chromedp.Navigate(base+"/facilities/btu/loans"),
		chromedp.WaitVisible(chromedp.ID(`amount`)),
		chromedp.SendKeys(chromedp.ID(`amount`), "300000.00"),
		chromedp.Click(chromedp.ID(`request-advance`)),
		waitText(".flash", "waits for a lender"),
		shot(t, dir, "05-loans-borrower"),
		signOut,
	)

	run("lender signs in again", signInActions(base, "officer@bank.example"), waitText("h1", "Portfolio"))
	rs, err := e.st.AdvanceRequests(context.Background(), "btu")
	if err != nil || len(rs) != 1 {
		t.Fatalf("advance requests %v %v", rs, err)
	}
	run("lender approves the advance",
		chromedp.Navigate(base+"/facilities/btu/loans"),
		chromedp.Click(chromedp.ID(`approve-advance-1`)),
		waitText(".flash", "is funded"),
		shot(t, dir, "07-loans-lender-after"),
	)
	shown, err := chromedp.Run(ctx, chromedp.Text(chromedp.ID(`availability`)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := e.api.Service().Availability(context.Background(), "btu", date.FromTime(testNow), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if a.LoansOutstanding != 30000000 {
		t.Errorf("loans outstanding %s, want 300,000.00", a.LoansOutstanding.Grouped())
	}
	if want := "USD " + a.Available.Grouped(); strings.TrimSpace(shown) != want {
		t.Errorf("availability shown %q, want %q", shown, want)
	}
	run("lender looks around",
		chromedp.Navigate(base+"/facilities/btu"), waitText("main", "Borrowing base"), shot(t, dir, "08-facility-waterfall"),
		chromedp.Navigate(base+"/facilities/btu/certificates/1"), waitText(".badge", "approved"), shot(t, dir, "09-certificate-approved"),
		chromedp.Navigate(base+"/facilities/btu/covenants?as_known_on=2006-10-01&compare=2006-08-01"), waitText("h1", "Covenants"), shot(t, dir, "10-covenants"),
		chromedp.Navigate(base+"/facilities/btu/terms"), waitText("h1", "Terms"), shot(t, dir, "11-terms"),
		chromedp.Navigate(base+"/facilities/btu/calendar"), waitText("h1", "Calendar"), shot(t, dir, "12-calendar"),
		chromedp.Navigate(base+"/"), waitText("h1", "Portfolio"), shot(t, dir, "13-portfolio-after"),
		signOut,
	)
	run("auditor reads the trail", signInActions(base, "auditor@audit.example"),
		chromedp.Navigate(base+"/audit"), waitText("main", "verified"), shot(t, dir, "14-audit"), signOut)

	run("another facility's borrower", signInActions(base, "controller@other.example"),
		chromedp.Navigate(base+"/facilities/btu"), waitText("h1", "Not found"), shot(t, dir, "15-not-found"))
	h1, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("h1")))
	if h1 != "Not found" {
		t.Errorf("another borrower sees %q on /facilities/btu", h1)
	}
	// Keyboard: the first Tab stop is the skip link, and it leads to main.
	run("keyboard", chromedp.Navigate(base+"/facilities/other"), waitText("h1", "Sovereign"), chromedp.KeyEvent("\t"))
	focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.className + " " + document.activeElement.getAttribute("href")`))
	if err != nil || focused != "skip #main" {
		t.Errorf("first Tab focuses %q (%v), want the skip link", focused, err)
	}
	// Tablet width.
	run("tablet", chromedp.EmulateViewport(820, 1180), chromedp.Navigate(base+"/facilities/other/loans"), waitText("h1", "Loan account"), shot(t, dir, "16-loans-tablet"))
}
