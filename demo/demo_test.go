package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/sqlite"
	"revolver/store/testdb"
)

func TestDerivedReports(t *testing.T) {
	base, err := examples.FS.ReadFile("btu-sovereign/data/receivables.csv")
	if err != nil {
		t.Fatal(err)
	}
	same, err := Receivables(base, BaseAsOf, 100)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(bytes.TrimSpace(same), bytes.TrimSpace(bytes.ReplaceAll(base, []byte("\r"), nil))) {
		t.Fatal("factor 1 at the base date changed the aging")
	}
	r, err := Receivables([]byte("debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed\nC1,I1,2004-09-03,2004-10-03,100.05,USD,false\nC1,I2,2004-09-03,2004-10-03,-0.05,USD,false\n"),
		BaseAsOf.AddDays(28), 110)
	if err != nil {
		t.Fatal(err)
	}
	want := "debtor_id,invoice_no,invoice_date,due_date,amount,currency,disputed\nC1,I1,2004-10-01,2004-10-31,110.06,USD,false\nC1,I2,2004-10-01,2004-10-31,-0.06,USD,false\n"
	if string(r) != want {
		t.Fatalf("got\n%s\nwant\n%s", r, want)
	}
	inv, err := Inventory([]byte("item,description,location,category,quantity,unit_cost,extended_cost,last_movement_date\nP1,Part,BIL,raw_materials,347,17.02,5905.94,2004-05-31\n"), BaseAsOf.AddDays(-3), 90)
	if err != nil {
		t.Fatal(err)
	}
	if want := "item,description,location,category,quantity,unit_cost,extended_cost,last_movement_date\nP1,Part,BIL,raw_materials,312,17.02,5310.24,2004-05-28\n"; string(inv) != want {
		t.Fatalf("got\n%s\nwant\n%s", inv, want)
	}
}

func accountsOf(t *testing.T, st store.Store) store.Accounts {
	t.Helper()
	acc, ok := st.(store.Accounts)
	if !ok {
		t.Fatalf("%T keeps no accounts", st)
	}
	return acc
}

// counts is what a store holds, to show that a refused load stores nothing.
func counts(t *testing.T, st store.Store) string {
	t.Helper()
	ctx := context.Background()
	recs, err := auditTrail(ctx, accountsOf(t, st))
	if err != nil {
		t.Fatal(err)
	}
	snap, err := takeSnapshot(ctx, st, accountsOf(t, st))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(snap)
	return fmt.Sprintf("%s, %d audit records", b, len(recs))
}

// refusal loads into st and wants a refusal naming each of want; nothing
// may be stored.
func refusal(t *testing.T, st store.Store, want ...string) *Refusal {
	t.Helper()
	before := counts(t, st)
	res, err := Load(context.Background(), st, nil)
	var r *Refusal
	if !errors.As(err, &r) {
		t.Fatalf("load: %+v, %v; want a refusal", res, err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("refusal %q\ndoes not name %q", err, w)
		}
	}
	if after := counts(t, st); after != before || res.Created != 0 {
		t.Errorf("a refused load stored %+v:\n%s\n→ %s", res, before, after)
	}
	return r
}

// The demo's history on both stores: per-event audit records in
// business-date order by the demo users, statements when they would have
// been received, waivers after the breach is known, the transaction fee
// paid on the day the calendar says; a second load on the untouched
// database stores nothing; sign-ins and API tokens do not touch it; any
// change does, and the demo then refuses, storing nothing — it never
// decides a person's pending certificate.
func TestLoadTwiceAndRefuseChanged(t *testing.T) {
	for _, b := range testdb.Backends {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			var log bytes.Buffer
			start := time.Now()
			r1, err := Load(ctx, st, &log)
			if err != nil {
				t.Fatalf("first load: %v\n%s", err, log.String())
			}
			t.Logf("first load in %v: %+v", time.Since(start), r1)
			if r1.Certificates != 35 || r1.Advances < 20 || r1.Audit < 900 {
				t.Fatalf("first load: %+v", r1)
			}
			checkHistory(t, st)

			start = time.Now()
			if r2, err := Load(ctx, st, nil); err != nil || r2.Created != 0 {
				t.Fatalf("second load: %+v %v", r2, err)
			}
			t.Logf("second load in %v", time.Since(start))

			acc := accountsOf(t, st)
			for _, route := range []string{"POST /api/v1/session", "DELETE /api/v1/session", "revolver token create"} {
				if _, err := acc.AppendAudit(ctx, store.AuditRecord{At: Clock.Add(time.Minute), Actor: officer, RequestID: "r", Route: route, After: []byte(`{}`)}); err != nil {
					t.Fatal(err)
				}
			}
			if r, err := Load(ctx, st, nil); err != nil || r.Created != 0 || !r.LastRecorded.Equal(Clock.Add(time.Minute)) {
				t.Fatalf("after sign-ins and a token: %+v %v (the clock must run on from the last sign-in)", r, err)
			}

			// A person uses the demo: the controller submits a certificate as
			// of 31 October 2006 through the use case, as the API would.
			svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: func() time.Time { return Clock.Add(5 * time.Minute) }}
			terms, err := svc.Terms.(*app.StoredTerms).TermsAsOf(ctx, Slug, date.MustParse("2006-10-31"))
			if err != nil {
				t.Fatal(err)
			}
			l := &loader{ex: BTU}
			if err := l.readReports(); err != nil {
				t.Fatal(err)
			}
			recv, _ := l.read("history/2006-10-31/receivables.csv")
			inv, _ := l.read("history/2006-10-31/inventory.csv")
			pctx := app.WithActor(ctx, app.Actor{User: controller, Role: store.RoleBorrower, Facilities: []string{Slug}, Via: "POST /api/v1/facilities/btu-sovereign/borrowing-base-certificates"})
			mine, _, err := svc.SubmitCertificate(pctx, terms, app.CertificateInput{Facility: Slug, AsOf: date.MustParse("2006-10-31"), By: controller,
				Receivables: store.InputContent{Name: "r.csv", Content: recv}, Debtors: store.InputContent{Name: "d.csv", Content: l.debtors},
				Inventory: store.InputContent{Name: "i.csv", Content: inv}})
			if err != nil {
				t.Fatal(err)
			}
			r := refusal(t, st, "the demo loaded it, but it has changed since", "1 audit record after the demo's loading",
				"controller@btu.example: POST /api/v1/facilities/btu-sovereign/borrowing-base-certificates on btu-sovereign",
				"borrowing base certificates: 35 when the demo loaded, 36 now")
			if !r.Loaded || r.Interrupted || !r.LastAt.Equal(Clock.Add(5*time.Minute)) {
				t.Errorf("refusal %+v", r)
			}
			if c, err := st.Certificate(ctx, mine.ID); err != nil || c.Status != store.Submitted || c.Reviewer != "" {
				t.Errorf("the person's certificate after the demo ran again: %+v %v", c, err)
			}

			// A change without an audit record is seen too.
			if err := st.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2007-01-02"), Value: money.MustRate("0.0850")}, nil); err != nil {
				t.Fatal(err)
			}
			refusal(t, st, "prime rate entries: 18 when the demo loaded, 19 now")
		})
	}
}

// checkHistory checks that the demo's history is one a live facility could
// have: in business-date order, each event audited by who did it, stamped
// when it would have happened.
func checkHistory(t *testing.T, st store.Store) {
	t.Helper()
	ctx := context.Background()
	nyc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatal(err)
	}
	day := func(at time.Time) date.Date { return date.FromTime(at.In(nyc)) }
	terms := &app.StoredTerms{Store: st}
	ft, err := terms.Terms(ctx, Slug, LastDay)
	if err != nil {
		t.Fatal(err)
	}
	cal := ft.Calendar

	recs, err := auditTrail(ctx, accountsOf(t, st))
	if err != nil {
		t.Fatal(err)
	}
	if b := store.VerifyAudit(0, "", recs); b != nil {
		t.Fatalf("audit chain: %+v", b)
	}
	actors := map[string]int{}
	changes := map[string]int{}
	for i, r := range recs {
		actors[r.Actor]++
		if r.Route != Via {
			t.Errorf("audit record %d: route %q", r.ID, r.Route)
		}
		if i > 0 && r.At.Before(recs[i-1].At) {
			t.Errorf("audit record %d at %v before record %d at %v", r.ID, r.At, recs[i-1].ID, recs[i-1].At)
		}
		what, _, _ := strings.Cut(strings.TrimPrefix(r.RequestID, "demo:"), ":")
		changes[what]++
	}
	for _, u := range []string{admin, officer, controller, credit} {
		if actors[u] == 0 {
			t.Errorf("no audit record by %s: %v", u, actors)
		}
	}
	// Each certificate is submitted and approved in its own record, each
	// advance requested (and, above the threshold, approved) in its own;
	// statements with the covenant tests they record.
	if changes["certificate"] != 2*35 || changes["advance"] < 28 || changes["statements"] < 12 || changes["close-of-business"] < 700 {
		t.Errorf("changes audited: %v", changes)
	}
	bd, err := st.BusinessDate(ctx)
	if err != nil || bd.Date != LastDay {
		t.Errorf("business date %+v %v, want %s", bd, err, LastDay)
	}

	certs, err := st.Certificates(ctx, Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range certs {
		if c.Status != store.Approved || day(c.SubmittedAt) <= c.AsOf || !c.DecidedAt.After(c.SubmittedAt) || c.SubmittedBy != controller || c.Reviewer != officer {
			t.Errorf("certificate %d as of %s: %s, submitted %v by %s, decided %v by %s", c.ID, c.AsOf, c.Status, c.SubmittedAt, c.SubmittedBy, c.DecidedAt, c.Reviewer)
		}
	}

	// Statements are received when BTU filed them: 45 days after a
	// quarter, 90 after the year; the restatement of Q2 2006 with Q3, and
	// accepted by the officer.
	fs, err := st.FinancialsAsKnown(ctx, Slug, Clock)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		h, err := st.FinancialsHistory(ctx, Slug, f.PeriodEnd)
		if err != nil {
			t.Fatal(err)
		}
		wait := quarterDays
		if f.PeriodEnd.Time().Month() == time.December {
			wait = yearDays
		}
		for _, x := range h {
			if got := day(x.RecordedAt); got < f.PeriodEnd.AddDays(wait) || !cal.IsBusinessDay(got) {
				t.Errorf("statements for %s received %s, want a Business Day %d days after or later", f.PeriodEnd, got, wait)
			}
		}
		// The restatement, received on 2006-11-15, counts from its
		// acceptance two Business Days later.
		if f.PeriodEnd == date.MustParse("2006-07-02") && (len(h) != 2 || day(h[1].RecordedAt) != date.MustParse("2006-11-17")) {
			t.Errorf("Q2 2006: %d submissions, the last %v", len(h), h[len(h)-1].RecordedAt)
		}
	}
	if len(fs) != 11 {
		t.Errorf("%d periods with statements by the end of 2006, want 11 (Q4 2006 is received in 2007)", len(fs))
	}

	// Waivers come after the statements showing the breach, and no
	// advance is funded between the two.
	facts, err := st.FactRecords(ctx, Slug)
	if err != nil {
		t.Fatal(err)
	}
	known := map[string]time.Time{}
	var feePaid date.Date
	type span struct{ from, to time.Time }
	var breached []span
	for _, r := range facts {
		switch r.Kind {
		case store.FactCovenantResult:
			var c struct{ Pass bool }
			_ = json.Unmarshal(r.Body, &c)
			id := "covenant_failed:" + r.Subject
			if _, ok := known[id]; !c.Pass && !ok {
				known[id] = r.RecordedAt
			}
		case store.FactDefaultAction:
			from, ok := known[r.Subject]
			if !ok || !r.RecordedAt.After(from) || r.RecordedBy != credit || day(r.RecordedAt) != r.On {
				t.Errorf("waiver of %s on %s recorded %v by %s; the breach known %v", r.Subject, r.On, r.RecordedAt, r.RecordedBy, from)
			}
			breached = append(breached, span{from, r.RecordedAt})
		case store.FactOccurrence:
			if r.Subject == "transaction_fee" {
				feePaid = r.On
			}
		}
	}
	if len(breached) != 4 {
		t.Errorf("%d waivers, want 4 (Q1 and Q2 2005, Q2 2006 restated, Q3 2006)", len(breached))
	}
	// The restatement was accepted by a lender, after its submission.
	svc := &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}}
	rs, _ := svc.Requests(ctx, Slug)
	var restatements, waivers int
	for _, r := range rs {
		switch r.Kind {
		case defaults.RequestRestatement:
			restatements++
			if r.Status != app.RequestApproved || r.RequestedBy != controller || r.DecidedBy != officer || !r.DecidedAt.After(r.RequestedAt) {
				t.Errorf("restatement %+v", r)
			}
		case defaults.RequestWaiver:
			waivers++
			if r.Status != app.RequestApproved || r.RequestedBy != officer || r.DecidedBy != credit {
				t.Errorf("waiver request %+v", r)
			}
		}
	}
	if restatements != 1 || waivers != 4 {
		t.Errorf("%d restatements and %d waiver requests, want 1 and 4", restatements, waivers)
	}
	// The four failed net income tests are waived, each after it was known.
	rep, err := svc.DefaultsReport(ctx, Slug, LastDay)
	if err != nil {
		t.Fatal(err)
	}
	var waived int
	for _, x := range rep.Defaults {
		if x.Continuing {
			t.Errorf("continuing at the end of the demo: %s (%s)", x.ID, x.Why)
		}
		if x.Waiver != nil {
			t.Logf("%s: known %s, waived %s", x.ID, x.RecordedAt.Format(time.RFC3339), x.Waived)
			waived++
			if x.Waived.Time().Before(x.RecordedAt) || x.Waiver.ApprovedBy != credit {
				t.Errorf("%s: waived %s, known %s, by %+v: the waiver must follow the breach being known", x.ID, x.Waived, x.RecordedAt, x.Waiver)
			}
		}
	}
	if waived != 4 {
		t.Errorf("%d waived defaults, want 4: %+v", waived, rep.Defaults)
	}
	advs, err := st.AdvanceRequests(ctx, Slug)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range advs {
		if a.Status != store.AdvanceFunded || !cal.IsBusinessDay(a.ValueDate) || day(a.RequestedAt) != a.ValueDate {
			t.Errorf("advance %s: %s, value date %s (%s), requested %v", a.Key, a.Status, a.ValueDate, a.ValueDate.Weekday(), a.RequestedAt)
		}
		for _, s := range breached {
			if a.RequestedAt.After(s.from) && a.RequestedAt.Before(s.to) {
				t.Errorf("advance %s requested %v while a known breach awaited its waiver (%v to %v)", a.Key, a.RequestedAt, s.from, s.to)
			}
		}
	}

	// The transaction fee is billed and paid on the day the calendar says
	// it was paid; the interest billed each month is paid.
	txs, err := st.Transactions(ctx, Slug)
	if err != nil {
		t.Fatal(err)
	}
	var fee, paid date.Date
	for _, x := range txs {
		switch {
		case x.Kind == ledger.KindFee:
			fee = x.ValueDate
		case x.Kind == ledger.KindPayment && x.Postings[1].Account == ledger.FeesReceivable:
			paid = x.ValueDate
		}
	}
	if fee != Closing || paid != Closing || feePaid != Closing {
		t.Errorf("transaction fee charged %s, paid in the ledger %s, paid in the calendar %s; want %s", fee, paid, feePaid, Closing)
	}
	bal, err := st.Balances(ctx, Slug, LastDay)
	if err != nil {
		t.Fatal(err)
	}
	if bal[ledger.Loans] <= 0 || bal[ledger.FeesReceivable] != 0 || bal[ledger.FeeIncome] != -2_000_000 || bal[ledger.LCOutstanding] != 0 {
		t.Errorf("balances at the end of 2006: %v", bal)
	}
	var december money.Amount
	for _, x := range txs {
		if x.Kind == ledger.KindInterest && x.ValueDate >= date.MustParse("2006-12-01") {
			for _, p := range x.Postings {
				if p.Account == ledger.InterestReceivable {
					december += p.Amount
				}
			}
		}
	}
	if december <= 0 || bal[ledger.InterestReceivable] != december {
		t.Errorf("interest receivable at the end of 2006 %s, want December's accrued %s (the months before paid)", bal[ledger.InterestReceivable], december)
	}
	// The collections come from the lockbox through cash application: a
	// BAI2 file a Business Day, the deposits credited as collections (no
	// repayment is recorded), the returned items charged back, the loans
	// never below zero; the bank's deposits tie to the collections journal
	// of each certificate that carries one.
	files, err := st.CashFiles(ctx, Slug)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[ledger.Kind]int{}
	for _, x := range txs {
		kinds[x.Kind]++
	}
	if len(files) < 700 || kinds[ledger.KindRepayment] != 0 || kinds[ledger.KindCollection] < 600 || kinds[ledger.KindChargeBack] == 0 {
		t.Errorf("%d cash files, transactions by kind %v", len(files), kinds)
	}
	items, err := st.CashItems(ctx, Slug, 0)
	if err != nil {
		t.Fatal(err)
	}
	var credited, applied money.Amount
	for _, it := range items {
		if it.Kind == "lockbox_deposit" {
			credited += it.Amount
			applied += it.Applied
			if it.Applied+it.Remitted != it.Amount || !it.Swept {
				t.Errorf("deposit %d: applied %s + remitted %s ≠ %s", it.ID, it.Applied, it.Remitted, it.Amount)
			}
		}
	}
	var collected money.Amount
	for _, x := range txs {
		if x.Kind == ledger.KindCollection {
			collected -= x.Postings[1].Amount
		}
	}
	if applied != collected || applied <= credited/2 {
		t.Errorf("deposits %s, applied %s, the ledger's collections %s", credited, applied, collected)
	}
	svc = &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}}
	for _, c := range certs {
		if c.AsOf < date.MustParse("2004-03-31") || c.AsOf > date.MustParse("2006-11-30") || c.AsOf.Time().Month()%5 != 0 {
			continue
		}
		r, err := svc.ReconcileCash(ctx, Slug, c.ID, time.Time{})
		if err != nil {
			t.Errorf("reconcile certificate %d as of %s: %v", c.ID, c.AsOf, err)
			continue
		}
		if len(r.Differences) != 0 || r.Bank == 0 || r.Bank != r.Book {
			t.Errorf("certificate %d as of %s: bank %s, journal %s: %v", c.ID, c.AsOf, r.Bank, r.Book, r.Differences)
		}
	}
	u, err := accountsOf(t, st).UserByEmail(ctx, controller)
	if err != nil || len(u.Facilities) != 1 {
		t.Errorf("controller %+v %v", u, err)
	}
	if u, err := accountsOf(t, st).UserByEmail(ctx, admin); err != nil || u.Role != store.RoleLenderAdmin {
		t.Errorf("admin %+v %v", u, err)
	}
}

// A database the demo did not create is refused, naming what it holds,
// and nothing is stored.
func TestRefuseOtherDatabase(t *testing.T) {
	for _, b := range testdb.Backends {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			st := b.Open(t)
			acc := accountsOf(t, st)
			if _, err := acc.CreateUser(ctx, store.User{Email: "ann@bank.example", Role: store.RoleLenderOfficer, PasswordHash: "x", Created: time.Now()}); err != nil {
				t.Fatal(err)
			}
			if _, err := acc.AppendAudit(ctx, store.AuditRecord{At: time.Now(), Actor: "cli:ops", RequestID: "r", Route: "revolver user add", After: []byte(`{}`)}); err != nil {
				t.Fatal(err)
			}
			if _, err := st.CreateFacility(ctx, store.Facility{Slug: "acme", Name: "Acme", Created: time.Now()}); err != nil {
				t.Fatal(err)
			}
			r := refusal(t, st, "it is not empty and the demo did not create it", "facilities acme", "1 audit record by cli:ops")
			if r.Loaded || r.Interrupted {
				t.Errorf("refusal %+v", r)
			}
		})
	}
}

// failing fails every store transaction after the first n.
type failing struct {
	*sqlite.Store
	n int
}

func (f *failing) Update(ctx context.Context, facility string, fn func(store.Tx) error) error {
	if f.n--; f.n < 0 {
		return errors.New("the disk is full")
	}
	return f.Store.Update(ctx, facility, fn)
}

// A loading that stopped before its end leaves only the demo's records:
// the next run says so and stores nothing.
func TestRefuseInterrupted(t *testing.T) {
	st := testdb.SQLite(t)
	if _, err := Load(context.Background(), &failing{Store: st, n: 40}, nil); err == nil || !strings.Contains(err.Error(), "the disk is full") {
		t.Fatalf("interrupted load: %v", err)
	}
	r := refusal(t, st, "an earlier loading by the demo stopped before its end", "facilities btu-sovereign")
	if !r.Interrupted {
		t.Errorf("refusal %+v", r)
	}
}
