package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"revolver/store"
)

// genHistory writes a borrower's history with ../shared/data/gen_abl_history.py
// (beside the module root).
func genHistory(t *testing.T, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not installed")
	}
	gen, err := filepath.Abs("../../shared/data/gen_abl_history.py")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(gen); err != nil {
		t.Skipf("the history generator is not beside the module: %v", err)
	}
	dir := t.TempDir()
	args = append([]string{gen, "--out", dir, "--start", "2004-06-30", "--periods", "1", "--debtors", "40", "--sales-per-period", "120",
		"--items", "200", "--ar-scale", "0.55", "--inv-scale", "0.05"}, args...)
	if out, err := exec.Command("python3", args...).CombinedOutput(); err != nil {
		t.Fatalf("gen_abl_history.py: %v\n%s", err, out)
	}
	return dir
}

// historyFiles are the upload form's files of one date of a history.
func historyFiles(t *testing.T, dir, asOf string, journals bool) map[string][2]string {
	t.Helper()
	files := map[string][2]string{}
	add := func(field, path string) {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		files[field] = [2]string{filepath.Base(path), string(b)}
	}
	add("receivables", filepath.Join(dir, asOf, "receivables.csv"))
	add("debtors", filepath.Join(dir, "debtors.csv"))
	add("inventory", filepath.Join(dir, asOf, "inventory.csv"))
	if journals {
		for _, f := range []string{"sales", "collections", "credits", "inventory_activity"} {
			add(f, filepath.Join(dir, asOf, f+".csv"))
		}
	}
	return files
}

// The review page shows the roll-forward stored with the certificate
// (both levels, dilution, DSO, every exception with its rows) and its
// data-quality warnings; approving it needs a comment. A journal row
// outside the period is refused, named next to its file's box.
func TestCertificateRollForwardReview(t *testing.T) {
	e := newEnv(t)
	dir := genHistory(t, "--anomalies", "3")
	b := e.signIn(t, "controller@btu.example")
	l := e.signIn(t, "officer@bank.example")
	_, form := b.get("/facilities/btu/certificates")
	for _, want := range []string{`name="sales"`, `name="collections"`, `name="credits"`, `name="inventory_activity"`} {
		if !strings.Contains(form, want) {
			t.Errorf("the upload form has no %s box", want)
		}
	}
	mustStatus(t, "upload", b.upload("btu", "2004-06-30", historyFiles(t, dir, "2004-06-30", false)).StatusCode, http.StatusSeeOther)
	mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)

	// A credit dated on the previous as-of date: refused, next to its box.
	bad := historyFiles(t, dir, "2004-07-31", true)
	lines := strings.Split(bad["credits"][1], "\n")
	f := strings.Split(lines[2], ",")
	f[0] = "2004-06-30"
	lines[2] = strings.Join(f, ",")
	bad["credits"] = [2]string{"credits.csv", strings.Join(lines, "\n")}
	resp, page := b.postUpload("btu", "2004-07-31", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity {
		t.Fatalf("credit outside the period: %d", resp.StatusCode)
	}
	i := strings.Index(page, `id="credits-errors"`)
	if i < 0 || !strings.Contains(page[i:], "credits.csv:3") || strings.Contains(page, `id="sales-errors"`) {
		t.Errorf("the refused row is not shown next to the credits box")
	}

	resp = b.upload("btu", "2004-07-31", historyFiles(t, dir, "2004-07-31", true))
	mustStatus(t, "upload with journals", resp.StatusCode, http.StatusSeeOther)
	_, review := l.get("/facilities/btu/certificates/2")
	for _, want := range []string{`id="rollforward"`, "Roll-forward from certificate 1", `id="roll-receivables"`, `id="roll-inventory"`,
		`id="roll-dilution"`, `id="roll-dso"`, `data-code="unexplained_variance"`, `data-code="exception_`, "receivables.csv:", `id="roll-lines"`,
		"Comment (required: the certificate has data-quality warnings)"} {
		if !strings.Contains(review, want) {
			t.Errorf("the review page does not show %q", want)
		}
	}
	resp, refused := l.postPage("/facilities/btu/certificates/2/approve", url.Values{})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(refused, "comment") {
		t.Errorf("approval without a comment: %d", resp.StatusCode)
	}
	mustStatus(t, "approve with a comment", l.post("/facilities/btu/certificates/2/approve", url.Values{"comment": {"exceptions explained"}}).StatusCode, http.StatusSeeOther)
	// The approved certificate shows the roll-forward it was approved with.
	if _, page := l.get("/facilities/btu/certificates/2"); !strings.Contains(page, `id="rollforward"`) || !strings.Contains(page, "exceptions explained") {
		t.Errorf("the approved certificate's page lost its roll-forward or comment")
	}
}

// TestBrowserRollForwardReview: in Chromium, dropped journals go to their
// boxes by name (inventory activity not to the inventory box), the borrower
// uploads a certificate with its journals, and the lender sees its
// roll-forward and warnings and can approve it only with a comment.
func TestBrowserRollForwardReview(t *testing.T) {
	ctx := browser(t)
	e := newEnv(t)
	dir := genHistory(t, "--anomalies", "3")
	b := e.signIn(t, "controller@btu.example")
	l := e.signIn(t, "officer@bank.example")
	mustStatus(t, "upload", b.upload("btu", "2004-06-30", historyFiles(t, dir, "2004-06-30", false)).StatusCode, http.StatusSeeOther)
	mustStatus(t, "approve", l.post("/facilities/btu/certificates/1/approve", url.Values{}).StatusCode, http.StatusSeeOther)
	base := e.srv.URL
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.AtLeast(0)))
			t.Fatalf("%s: %v (at %s: %.500s)", what, err, loc, body)
		}
	}
	run("borrower signs in", signInActions(base, "controller@btu.example"), waitText("h1", "BTU"),
		chromedp.Navigate(base+"/facilities/btu/certificates"), chromedp.WaitVisible(chromedp.ID(`upload`)))
	placed, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function () {
		var dt = new DataTransfer();
		["inventory_activity.csv", "sales.csv", "collections.csv", "credits.csv", "inventory.csv"].forEach(function (n) { dt.items.add(new File(["x"], n)); });
		document.querySelector(".drop").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
		return ["inventory", "sales", "collections", "credits", "inventory_activity"].map(function (id) { var f = document.getElementById(id).files; return f.length ? f[0].name : ""; }).join(",");
	})()`))
	if err != nil || placed != "inventory.csv,sales.csv,collections.csv,credits.csv,inventory_activity.csv" {
		t.Errorf("dropped journals placed as %q (%v)", placed, err)
	}
	p := filepath.Join(dir, "2004-07-31")
	run("borrower uploads with the journals",
		chromedp.Navigate(base+"/facilities/btu/certificates"),
		chromedp.WaitVisible(chromedp.ID(`upload`)),
		chromedp.SetValue(chromedp.ID(`as_of`), "2004-07-31"),
		chromedp.SetUploadFiles(chromedp.ID(`receivables`), []string{filepath.Join(p, "receivables.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`debtors`), []string{filepath.Join(dir, "debtors.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`inventory`), []string{filepath.Join(p, "inventory.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`sales`), []string{filepath.Join(p, "sales.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`collections`), []string{filepath.Join(p, "collections.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`credits`), []string{filepath.Join(p, "credits.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`inventory_activity`), []string{filepath.Join(p, "inventory_activity.csv")}),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		waitText("h1", "Certificate 2 as of"),
		waitText("#rollforward", "Roll-forward from certificate 1"),
		signOut,
	)
	run("lender reviews", signInActions(base, "officer@bank.example"), waitText("h1", "Portfolio"),
		chromedp.Navigate(base+"/facilities/btu/certificates/2"),
		chromedp.WaitVisible(chromedp.ID(`roll-receivables`)),
		waitText("#roll-inventory-variance", "0.00"),
		waitText(".warnings", "invoice"),
	)
	// The review page passes the accessibility checks, when axe-core is at hand.
	if src := os.Getenv("REVOLVER_AXE_JS"); src != "" {
		axe, err := os.ReadFile(src)
		if err != nil {
			t.Fatalf("REVOLVER_AXE_JS: %v", err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](string(axe)+";true")); err != nil {
			t.Fatalf("load axe-core: %v", err)
		}
		out, err := chromedp.Run(ctx, chromedp.Evaluate[string](`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}}).then(r => JSON.stringify(r.violations))`, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("axe: %v", err)
		}
		var vs []axeViolation
		if err := json.Unmarshal([]byte(out), &vs); err != nil {
			t.Fatalf("axe's answer: %v", err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("review page: %s (%s): %s", v.ID, v.Impact, v.Help)
			}
		}
	}
	run("lender tries to approve without a comment", chromedp.Click(chromedp.ID(`approve-certificate`)))
	// The comment box is required: the browser does not send the approval.
	missing, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("comment-a").required && document.getElementById("comment-a").validity.valueMissing`))
	if err != nil || !missing {
		t.Errorf("the approval's comment is not required on the page (%v)", err)
	}
	if c, _ := e.st.Certificate(context.Background(), 2); c.Status != store.Submitted {
		t.Fatalf("approved without a comment: %s", c.Status)
	}
	run("lender approves with a comment",
		chromedp.SendKeys(chromedp.ID(`comment-a`), "Exceptions explained by the controller"),
		chromedp.Click(chromedp.ID(`approve-certificate`)),
		waitText(".flash", "is approved"),
		waitText("#rollforward", "Roll-forward from certificate 1"),
	)
}
