package web

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/collateral"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/money"
	"revolver/notify"
	"revolver/notify/smtptest"
	"revolver/store"
)

// qbShaped writes a plain aging as an accounting package exports it, in
// the shape of collateral/testdata/layout/qb-aging.csv: title rows, the
// header ",Type,Date,Num,Name,Due Date,Aging,Open Balance" on line 5, the
// invoices grouped by customer (a group row, the rows, a "Total" row),
// US dates, "$1,234.56" and "(12.00)" amounts, and a grand total. It
// returns the file, its invoice rows, its customers and its total.
func qbShaped(t *testing.T, plain []byte) (string, int, int, money.Amount) {
	t.Helper()
	rows, err := csv.NewReader(strings.NewReader(string(plain))).ReadAll()
	if err != nil || len(rows) < 2 || rows[0][0] != "debtor_id" || rows[0][4] != "amount" {
		t.Fatalf("the plain aging: %d rows, header %v (%v)", len(rows), rows[:1], err)
	}
	rows = rows[1:]
	sort.SliceStable(rows, func(i, j int) bool { return rows[i][0] < rows[j][0] })
	us := func(iso string) string {
		y, m, d := date.MustParse(iso).Civil()
		return fmt.Sprintf("%02d/%02d/%04d", int(m), d, y)
	}
	amt := func(a money.Amount) string {
		if a < 0 {
			return "(" + (-a).Grouped() + ")"
		}
		return "$" + a.Grouped()
	}
	var b strings.Builder
	w := csv.NewWriter(&b)
	w.WriteAll([][]string{{"Walkthrough Borrower Inc."}, {"A/R Aging Detail"}, {"As of the period end"}, {}, {"", "Type", "Date", "Num", "Name", "Due Date", "Aging", "Open Balance"}})
	var total, sub money.Amount
	customers := 0
	for i, r := range rows {
		if i == 0 || r[0] != rows[i-1][0] {
			w.Write([]string{r[0]})
			customers++
			sub = 0
		}
		a, err := money.ParseAmount(r[4])
		if err != nil {
			t.Fatal(err)
		}
		sub, total = sub+a, total+a
		w.Write([]string{"", "Invoice", us(r[2]), r[1], r[0], us(r[3]), "", amt(a)})
		if i == len(rows)-1 || rows[i+1][0] != r[0] {
			w.Write([]string{"Total " + r[0], "", "", "", "", "", "", amt(sub)})
		}
	}
	w.Write([]string{"TOTAL", "", "", "", "", "", "", amt(total)})
	w.Flush()
	return b.String(), len(rows), customers, total
}

// walkSender delivers the notifications through the test's SMTP server
// and webhook receiver, as the delivery job does.
type walkSender struct {
	smtp *notify.SMTP
	post *notify.Poster
}

func (s walkSender) Email(ctx context.Context, to string, m notify.Message) error {
	return s.smtp.Send(ctx, to, m)
}

func (s walkSender) Webhook(ctx context.Context, url, secret string, m notify.Message) (int, error) {
	return s.post.Post(ctx, url, secret, m)
}

// hookCall is a webhook request received.
type hookCall struct {
	signature, event string
	body             []byte
	verified         error
}

// modernWithBorrower registers the modern example (its Term SOFR option)
// as "modern" with a maker-checker threshold of USD 5,000,000.00, the
// closing fee recorded paid at the closing, and its controller as a
// borrower user of it.
func modernWithBorrower(t *testing.T, e *env, controller string) {
	t.Helper()
	ctx := context.Background()
	b, err := examples.FS.ReadFile("modern-abl/agreement.yaml")
	if err != nil {
		t.Fatal(err)
	}
	threshold := money.Amount(500_000_000)
	if _, err := e.web.svc.RegisterFacility(ctx, "modern", []agreement.File{agreement.NewFile("agreement.yaml", b)}, app.Settings{MakerCheckerThreshold: &threshold}, "setup"); err != nil {
		t.Fatal(err)
	}
	closing := &app.Service{Store: e.st, Now: func() time.Time { return time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC) }, Terms: &app.StoredTerms{Store: e.st}}
	if _, err := closing.RecordOccurrence(ctx, app.FactInput{Facility: "modern", Key: "closing-fee-paid", By: "setup"},
		defaults.Event{Kind: "fee_paid", Ref: "closing_fee", Date: date.MustParse("2026-06-30"), Note: "paid by wire at the closing"}); err != nil {
		t.Fatal(err)
	}
	hash, err := auth.HashPassword(testPassword, cheap)
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.acc.CreateUser(ctx, store.User{Email: controller, Role: store.RoleBorrower, PasswordHash: hash, Created: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.acc.GrantFacility(ctx, u.ID, "modern"); err != nil {
		t.Fatal(err)
	}
}

// TestWalkthrough is issue 14's story in Chromium, each step asserted on
// the page and in the store:
//  1. the borrower's controller saves the column map of an accounting
//     package's aging on the report formats page (previewed first: rows
//     read, subtotals checked), then submits a certificate with that
//     export from the upload form, read with the saved map;
//  2. a lender officer finds it in the morning page's review queue, reads
//     its roll-forward and approves it;
//  3. the controller of the modern facility requests a Term SOFR loan
//     (funded within the maker-checker threshold) and cancels a request
//     above it that waits for a lender;
//  4. the officer records a repayment, records an event of default and
//     asks to waive it, a lender administrator approves the waiver; the
//     event of default reaches the officer by email through a real SMTP
//     server and a webhook receiver, signed;
//  5. the auditor filters the audit trail and exports it: CSV holding
//     exactly the filtered records.
//
// REVOLVER_SCREENSHOTS=dir keeps a screenshot of each step.
func TestWalkthrough(t *testing.T) {
	start := time.Now()
	ctx := browser(t)
	e := newEnv(t)
	bg := context.Background()
	dir := screenshots(t)
	base := e.srv.URL
	run := func(what string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(ctx, actions...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Location())
			body, _ := chromedp.Run(ctx, chromedp.Text(chromedp.CSS("main"), chromedp.AtLeast(0)))
			t.Fatalf("%s: %v (at %s: %.800s)", what, err, loc, body)
		}
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("text of %s: %v", sel, err)
		}
		return s
	}
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return s
	}

	// A month of history (the journals the roll-forward reads), its
	// opening certificate approved.
	hist := genHistory(t)
	ctl := e.signIn(t, "controller@btu.example")
	officer := e.signIn(t, "officer@bank.example")
	mustStatus(t, "opening certificate", ctl.upload("btu", "2004-06-30", historyFiles(t, hist, "2004-06-30", false)).StatusCode, http.StatusSeeOther)
	mustStatus(t, "approve the opening certificate", officer.post("/facilities/btu/certificates/1/approve", url.Values{"comment": {"opening"}}).StatusCode, http.StatusSeeOther)
	plain, err := os.ReadFile(filepath.Join(hist, "2004-07-31", "receivables.csv"))
	if err != nil {
		t.Fatal(err)
	}
	shaped, invoices, customers, total := qbShaped(t, plain)
	aging := filepath.Join(t.TempDir(), "qb-aging-2004-07.csv")
	if err := os.WriteFile(aging, []byte(shaped), 0o644); err != nil {
		t.Fatal(err)
	}

	// 1. The controller saves the aging's format, previewed first.
	const columns = "debtor_id=Name, invoice_no=Num, invoice_date=Date, due_date=Due Date, amount=Open Balance"
	run("controller previews the aging's format", signInActions(base, "controller@btu.example"), waitText("h1", "BTU"),
		chromedp.Navigate(base+"/facilities/btu/report-maps"), chromedp.WaitVisible(chromedp.ID(`file_receivables`)),
		chromedp.SetValue(chromedp.ID(`as_of`), "2004-07-31"),
		chromedp.SetUploadFiles(chromedp.ID(`file_receivables`), []string{aging}),
		chromedp.SendKeys(chromedp.ID(`columns_receivables`), columns),
		chromedp.SetValue(chromedp.ID(`date_format_receivables`), "MM/DD/YYYY"),
		chromedp.SendKeys(chromedp.ID(`defaults_receivables`), "currency=USD, disputed=false"),
		chromedp.Click(chromedp.ID(`preview-receivables`)),
		chromedp.WaitVisible(chromedp.ID(`preview-rows-receivables`)),
		shot(t, dir, "walk-01-report-map-preview"),
	)
	status := text(`#box-receivables [role=status] p`)
	for _, want := range []string{fmt.Sprintf("Read: %d rows; total amount %s", invoices, total.Grouped()), "header on line 5"} {
		if !strings.Contains(status, want) {
			t.Errorf("the preview says %q, want %q in it", status, want)
		}
	}
	if w := text(`#box-receivables ul.warnings`); !strings.Contains(w, fmt.Sprintf("%d subtotals and 1 total checked against the detail (they agree)", customers)) {
		t.Errorf("the preview's warnings say %q, want the %d subtotals and the total checked", w, customers)
	}
	if n := eval(`String(document.querySelectorAll("#preview-rows-receivables tbody tr").length)`); n == "0" {
		t.Error("the preview shows no row")
	}
	run("controller saves the format", chromedp.Click(chromedp.ID(`save-receivables`)), waitText(".flash", "The receivables format is saved"),
		shot(t, dir, "walk-02-report-map-saved"))
	maps, err := e.web.svc.ReportMaps(bg, "btu", time.Time{})
	if err != nil || len(maps) != 1 || maps[0].Kind != "receivables" || maps[0].Map.Columns["amount"] != "Open Balance" ||
		maps[0].Map.Layout == nil || maps[0].Map.Layout.DateFormat != collateral.DateMDY || maps[0].SetBy != "controller@btu.example" {
		t.Fatalf("maps saved: %+v (%v), want the receivables map by the controller, MM/DD/YYYY", maps, err)
	}
	p := filepath.Join(hist, "2004-07-31")
	run("controller submits the certificate with the export",
		chromedp.Navigate(base+"/facilities/btu/certificates"), chromedp.WaitVisible(chromedp.ID(`upload`)),
		chromedp.SetValue(chromedp.ID(`as_of`), "2004-07-31"),
		chromedp.SetUploadFiles(chromedp.ID(`receivables`), []string{aging}),
		chromedp.SetUploadFiles(chromedp.ID(`debtors`), []string{filepath.Join(hist, "debtors.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`inventory`), []string{filepath.Join(p, "inventory.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`sales`), []string{filepath.Join(p, "sales.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`collections`), []string{filepath.Join(p, "collections.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`credits`), []string{filepath.Join(p, "credits.csv")}),
		chromedp.SetUploadFiles(chromedp.ID(`inventory_activity`), []string{filepath.Join(p, "inventory_activity.csv")}),
		shot(t, dir, "walk-03-upload-form"),
		chromedp.Click(chromedp.CSS(`#upload button[type=submit]`)),
		waitText("h1", "Certificate 2 as of"), waitText(".flash", "submitted for the lender"),
		shot(t, dir, "walk-04-certificate-submitted"),
		signOut,
	)
	cert, err := e.st.Certificate(bg, 2)
	if err != nil {
		t.Fatal(err)
	}
	if cert.Status != store.Submitted || cert.BorrowingBase <= 0 || len(cert.Inputs) == 0 || cert.Inputs[0].Name != "qb-aging-2004-07.csv" {
		t.Fatalf("certificate 2: status %s, borrowing base %s, inputs %d; want submitted with the export as its aging", cert.Status, cert.BorrowingBase, len(cert.Inputs))
	}
	// The export was read with the saved map, which is kept with it.
	var used collateral.ReportMap
	if err := json.Unmarshal(cert.Inputs[0].Map, &used); err != nil || used.Columns["debtor_id"] != "Name" || used.Layout == nil || used.Layout.DateFormat != collateral.DateMDY {
		t.Errorf("the aging's stored map %s (%v), want the saved one", cert.Inputs[0].Map, err)
	}

	// 2. The officer finds it in the review queue, reads its
	// roll-forward, approves it.
	run("officer opens the morning page", signInActions(base, "officer@bank.example"), waitText("h1", "Portfolio"),
		chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS(`ul[data-queue="review"] a[href$="/facilities/btu/certificates/2"]`)),
		shot(t, dir, "walk-05-morning-queue"),
	)
	// Every group of exceptions is headed in words, not by its kind's id.
	if hs := eval(`Array.from(document.querySelectorAll("h3.exceptions-kind")).map(h => h.textContent).join("; ")`); strings.Contains(hs, "_") {
		t.Errorf("the morning page heads exceptions %q, want words", hs)
	}
	run("officer opens the certificate from the queue",
		chromedp.Click(chromedp.CSS(`ul[data-queue="review"] a[href$="/facilities/btu/certificates/2"]`)),
		waitText("h1", "Certificate 2 as of"),
		waitText("#rollforward", "Roll-forward from certificate 1"),
		chromedp.WaitVisible(chromedp.ID(`roll-receivables`)),
		shot(t, dir, "walk-06-certificate-rollforward"),
	)
	// Its reported ending is the export's total: every invoice was read.
	if v := text(`#roll-receivables`); !strings.Contains(v, "Expected ending") || !strings.Contains(v, total.Grouped()) {
		t.Errorf("the roll-forward of receivables shows %q, want the expected ending and the aging's total %s", v, total.Grouped())
	}
	run("officer approves the certificate",
		chromedp.SendKeys(chromedp.ID(`comment-a`), "Roll-forward agrees with the journals"),
		chromedp.Click(chromedp.ID(`approve-certificate`)),
		waitText(".flash", "Certificate 2 is approved"), waitText(".badge", "approved"),
		shot(t, dir, "walk-07-certificate-approved"),
		signOut,
	)
	if c, err := e.st.Certificate(bg, 2); err != nil || c.Status != store.Approved || c.Reviewer != "officer@bank.example" {
		t.Fatalf("certificate 2 after the approval: %s by %q (%v), want approved by the officer", c.Status, c.Reviewer, err)
	}

	// 3. The modern facility's controller, on its business date: a Term
	// SOFR loan, and a request above the threshold cancelled.
	const northwind = "controller@northwind.example"
	modernWithBorrower(t, e, northwind)
	e.setClock(time.Date(2026, 11, 2, 15, 0, 0, 0, time.UTC))
	nw := e.signIn(t, northwind)
	files := map[string][2]string{}
	for _, n := range []string{"receivables", "debtors", "inventory"} {
		b, err := examples.FS.ReadFile("modern-abl/data/" + n + ".csv")
		if err != nil {
			t.Fatal(err)
		}
		files[n] = [2]string{n + ".csv", string(b)}
	}
	mustStatus(t, "modern certificate", nw.upload("modern", "2026-10-31", files).StatusCode, http.StatusSeeOther)
	mc, err := e.st.Certificates(bg, "modern")
	if err != nil || len(mc) != 1 {
		t.Fatalf("modern certificates %+v %v", mc, err)
	}
	officer = e.signIn(t, "officer@bank.example")
	mustStatus(t, "approve the modern certificate", officer.post(fmt.Sprintf("/facilities/modern/certificates/%d/approve", mc[0].ID), url.Values{"comment": {"October"}}).StatusCode, http.StatusSeeOther)

	run("controller requests a Term SOFR loan", signInActions(base, northwind),
		chromedp.Navigate(base+"/facilities/modern/loans"), chromedp.WaitVisible(chromedp.ID(`amount`)),
	)
	// The Term SOFR option's margin is its grid's, not a fixed 0%.
	if o := eval(`document.querySelector('#option option[value="term_sofr"]').textContent`); !strings.Contains(o, "level_ii 1.5%") || strings.Contains(o, "+ 0%") {
		t.Errorf("the Term SOFR option reads %q, want its grid's margins", o)
	}
	run("controller fills in the Term SOFR loan",
		chromedp.SendKeys(chromedp.ID(`amount`), "2000000.00"),
		chromedp.SetValue(chromedp.ID(`value_date`), "2026-11-02"),
		chromedp.SetValue(chromedp.ID(`option`), "term_sofr"),
		chromedp.SetValue(chromedp.ID(`interest_period`), "1m"),
		shot(t, dir, "walk-08-advance-form-sofr"),
		chromedp.Click(chromedp.ID(`request-advance`)),
		waitText(".flash", "of USD 2,000,000.00 value 2026-11-02 was funded"),
	)
	run("controller requests an advance above the threshold",
		chromedp.WaitVisible(chromedp.ID(`amount`)),
		chromedp.SetValue(chromedp.ID(`amount`), "6000000.00"),
		chromedp.SetValue(chromedp.ID(`value_date`), "2026-11-02"),
		chromedp.Click(chromedp.ID(`request-advance`)),
		waitText(".flash", "of USD 6,000,000.00 value 2026-11-02 waits for a lender's approval"),
		shot(t, dir, "walk-09-advance-waits"),
	)
	rs, err := e.st.AdvanceRequests(bg, "modern")
	if err != nil || len(rs) != 2 {
		t.Fatalf("modern advance requests: %+v %v, want 2", rs, err)
	}
	sofr, waiting := rs[0], rs[1]
	if sofr.Status != store.AdvanceFunded || sofr.Option != "term_sofr" || sofr.InterestPeriod != "1m" || sofr.Amount != money.Amount(200_000_000) {
		t.Errorf("the first request: %s %s %s %s, want funded, term_sofr 1m, 2,000,000.00", sofr.Status, sofr.Option, sofr.InterestPeriod, sofr.Amount.Grouped())
	}
	if waiting.Status != store.AdvanceRequested {
		t.Fatalf("the second request is %s, want requested (above the threshold)", waiting.Status)
	}
	cancel := fmt.Sprintf("cancel-advance-%d", waiting.ID)
	run("controller cancels the waiting request",
		chromedp.Click(chromedp.ID(cancel)),
		waitText(".flash", fmt.Sprintf("Advance request %d is cancelled", waiting.ID)),
		waitText("#queue", "No advance request is waiting."),
		shot(t, dir, "walk-10-advance-cancelled"),
		signOut,
	)
	if rs, err := e.st.AdvanceRequests(bg, "modern"); err != nil || len(rs) != 2 || rs[1].Status != store.AdvanceCancelled || rs[1].Transaction != 0 {
		t.Errorf("the requests after the cancel: %+v (%v), want request %d cancelled, nothing posted", rs, err, waiting.ID)
	}

	// 4. The lender: a repayment, an event of default and its waiver;
	// the event reaches the officer's email and the webhook.
	smtpSrv := smtptest.Start(t, smtptest.Options{})
	var mu sync.Mutex
	var calls []hookCall
	const secret = "whsec_walkthrough_0123456789"
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		c := hookCall{signature: r.Header.Get(notify.SignatureHeader), event: r.Header.Get("X-Revolver-Event"), body: b}
		c.verified = notify.Verify(secret, c.signature, b, time.Now(), 0)
		mu.Lock()
		calls = append(calls, c)
		mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(hook.Close)
	svc := e.web.svc
	if _, err := svc.AddWebhook(bg, app.WebhookInput{URL: hook.URL + "/revolver", Kinds: []string{notify.DefaultRecorded}, Secret: secret}); err != nil {
		t.Fatal(err)
	}
	// Whatever was told before this step is not this step's to deliver.
	if _, err := svc.DispatchEvents(bg, 1000); err != nil {
		t.Fatal(err)
	}

	run("officer turns on email for events of default", signInActions(base, "officer@bank.example"),
		chromedp.Navigate(base+"/preferences"), chromedp.WaitVisible(chromedp.ID(`email-`+notify.DefaultRecorded)),
		chromedp.Click(chromedp.ID(`email-`+notify.DefaultRecorded)),
		chromedp.Click(chromedp.ID(`save-preferences`)),
		waitText(".flash", "Your notification preferences are saved (1 changed)"),
	)
	run("officer records a repayment",
		chromedp.Navigate(base+"/facilities/modern/loans"), chromedp.WaitVisible(chromedp.ID(`rep-amount`)),
		chromedp.SendKeys(chromedp.ID(`rep-amount`), "500000.00"),
		chromedp.SetValue(chromedp.ID(`rep-value-date`), "2026-11-02"),
		chromedp.Click(chromedp.ID(`record-repayment`)),
		waitText(".flash", "The repayment of USD 500,000.00 value 2026-11-02 is recorded"),
		shot(t, dir, "walk-11-repayment"),
	)
	av, err := e.api.Service().Availability(bg, "modern", date.MustParse("2026-11-02"), time.Time{})
	if err != nil || av.LoansOutstanding != money.Amount(150_000_000) {
		t.Errorf("loans outstanding after the repayment: %s (%v), want 1,500,000.00", av.LoansOutstanding.Grouped(), err)
	}
	if got := strings.TrimSpace(text(`#availability`)); got != "USD "+av.Available.Grouped() {
		t.Errorf("the loans page shows availability %q, want the service's USD %s", got, av.Available.Grouped())
	}
	run("officer records an event of default",
		chromedp.Navigate(base+"/facilities/modern/calendar"), chromedp.WaitVisible(chromedp.ID(`r-event`)),
		chromedp.SetValue(chromedp.ID(`r-event`), "change_of_control"),
		chromedp.SetValue(chromedp.ID(`r-occurred`), "2026-10-30"),
		chromedp.SendKeys(chromedp.ID(`r-description`), "the parent sold a majority of the borrower's shares"),
		chromedp.Click(chromedp.ID(`record-default`)),
		waitText(".flash", "is recorded"),
	)
	eod := strings.TrimPrefix(eval(`(function () { var l = document.querySelector('li[id^="eod-"]'); return l ? l.id : ""; })()`), "eod-")
	rep, err := svc.DefaultsReport(bg, "modern", date.MustParse("2026-11-02"))
	if err != nil {
		t.Fatal(err)
	}
	if eod == "" || !slices.ContainsFunc(rep.Defaults, func(d defaults.Default) bool { return d.ID == eod && d.Continuing }) {
		t.Fatalf("event of default %q on the page; the report's %+v, want it continuing", eod, rep.Defaults)
	}
	run("officer asks to waive it",
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.querySelector(%q).open = true`, "#eod-"+eod+" details")),
		chromedp.SetValue(chromedp.ID(`w-date-`+eod), "2026-11-02"),
		chromedp.SetValue(chromedp.ID(`w-agreement-`+eod), "credit-agreement"),
		chromedp.SendKeys(chromedp.ID(`w-note-`+eod), "the Required Lenders consent in writing"),
		shot(t, dir, "walk-12-waiver-form"),
		chromedp.Click(chromedp.ID(`waive-default-`+eod)),
		waitText(".flash", "is asked for as request"),
		shot(t, dir, "walk-13-waiver-requested"),
		signOut,
	)
	reqs, err := svc.Requests(bg, "modern")
	i := slices.IndexFunc(reqs, func(r app.EndRequest) bool { return r.Kind == "waiver" && r.Default == eod })
	if err != nil || i < 0 || reqs[i].Status != "requested" || reqs[i].RequestedBy != "officer@bank.example" {
		t.Fatalf("requests %+v (%v), want the officer's waiver of %s requested", reqs, err, eod)
	}
	waiver := reqs[i].ID
	run("a second lender approves the waiver", signInActions(base, "admin@bank.example"),
		chromedp.Navigate(base+"/facilities/modern/calendar"),
		chromedp.Click(chromedp.ID(fmt.Sprintf("approve-request-%d", waiver))),
		waitText(".flash", fmt.Sprintf("Request %d is approved", waiver)),
		waitText("#eod-"+eod+" .badge", "waived"),
		shot(t, dir, "walk-14-waiver-approved"),
		signOut,
	)
	if rep, err := svc.DefaultsReport(bg, "modern", date.MustParse("2026-11-02")); err != nil ||
		slices.ContainsFunc(rep.Defaults, func(d defaults.Default) bool { return d.ID == eod && d.Continuing }) {
		t.Errorf("event of default %s still continuing after the waiver (%v)", eod, err)
	}

	// Delivered as the delivery job would: fan out, then one attempt each.
	sender := walkSender{smtp: &notify.SMTP{Host: smtpSrv.Host, Port: smtpSrv.Port, From: "revolver@bank.example"}, post: &notify.Poster{}}
	ds, err := svc.DispatchEvents(bg, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ds {
		for _, x := range d.Deliveries {
			if x.Channel == store.ChannelInbox {
				continue
			}
			if _, err := svc.Deliver(bg, x.ID, 1, true, sender, base); err != nil {
				t.Errorf("delivery %d to %s: %v", x.ID, x.Address, err)
			}
		}
	}
	msgs := smtpSrv.Wait(1, 5*time.Second)
	var mail *smtptest.Message
	for i := range msgs {
		if msgs[i].Header.Get("X-Revolver-Event") == notify.DefaultRecorded {
			mail = &msgs[i]
		}
	}
	if mail == nil {
		t.Errorf("the SMTP server received %d messages, none of an event of default", len(msgs))
	} else {
		subject := mail.Header.Get("Subject")
		if len(mail.To) != 1 || mail.To[0] != "officer@bank.example" || mail.Header.Get("To") != "officer@bank.example" ||
			!strings.HasPrefix(subject, "[revolver modern] Event of default") || !strings.Contains(subject, "by officer@bank.example") ||
			!strings.Contains(mail.Body, base+"/facilities/modern") {
			t.Errorf("the email: to %v, subject %q, body %q; want the officer told of the event of default with the facility's link", mail.To, subject, mail.Body)
		}
	}
	mu.Lock()
	got := slices.Clone(calls)
	mu.Unlock()
	if len(got) != 1 {
		t.Errorf("the webhook received %d requests, want 1 (the event of default)", len(got))
	}
	for _, c := range got {
		if c.signature == "" || c.verified != nil || c.event != notify.DefaultRecorded || !strings.Contains(string(c.body), `"facility":"modern"`) {
			t.Errorf("the webhook: event %q, signature %q (%v), body %s; want the event of default signed with the webhook's secret", c.event, c.signature, c.verified, c.body)
		}
	}

	// 5. The auditor filters the trail and exports what is shown.
	run("auditor filters the audit trail", signInActions(base, "auditor@audit.example"),
		chromedp.Navigate(base+"/audit"), waitText("main", "verified"),
		chromedp.SendKeys(chromedp.ID(`facility`), "modern"),
		chromedp.SendKeys(chromedp.ID(`kind`), "advance"),
		chromedp.Click(chromedp.CSS(`form.filters button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`form.filters a[href="/audit"]`)), // the filters' Clear link
		shot(t, dir, "walk-15-audit-filtered"),
	)
	want, err := e.acc.FindAudit(bg, store.AuditFilter{Facility: "modern", Kind: "advance"})
	if err != nil || len(want) < 3 {
		t.Fatalf("audit records of modern's advances: %d (%v), want the two requests and the cancel at least", len(want), err)
	}
	if n := eval(`String(document.querySelectorAll("code.hash").length)`); n != strconv.Itoa(len(want)) {
		t.Errorf("the filtered page shows %s records, want %d", n, len(want))
	}
	href := eval(`document.querySelector("form.filters a.button").getAttribute("href")`)
	if !strings.Contains(href, "format=csv") || !strings.Contains(href, "facility=modern") || !strings.Contains(href, "kind=advance") {
		t.Errorf("the export link is %q, want the CSV of the filters", href)
	}
	exported, err := chromedp.Run(ctx, chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.text().then(b => r.headers.get("Content-Type") + "\n" + b))`, href), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("the export %s: %v", href, err)
	}
	ct, body, _ := strings.Cut(exported, "\n")
	if ct != "text/csv; charset=utf-8" {
		t.Errorf("the export's content type is %q, want text/csv; charset=utf-8", ct)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != len(want)+1 || rows[0][0] != "id" {
		t.Fatalf("the export: %d rows (%v), want a header and %d records", len(rows), err, len(want))
	}
	for i, r := range want {
		if rows[i+1][0] != strconv.FormatInt(r.ID, 10) || rows[i+1][len(rows[i+1])-1] != r.Hash {
			t.Errorf("export row %d: %v, want record %d", i+1, rows[i+1], r.ID)
		}
	}
	run("auditor signs out", signOut)
	t.Logf("walkthrough in %s", time.Since(start).Round(time.Millisecond))
}
