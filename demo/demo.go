// Package demo loads the example facility (examples/btu-sovereign) with
// three years of history into a store: monthly borrowing base certificates
// computed by the borrowingbase engine from derived monthly reports (see
// data.go) and approved, advances and repayments, interest by close of
// business, a letter of credit, the transaction fee at closing, quarterly
// financial statements 2004–2006 with the restatement of Q2 2006, and demo
// users. Loading is idempotent: every record is keyed, so loading twice
// stores nothing new the second time.
package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"revolver/defaults"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/auth"
	"revolver/covenant"
	"revolver/date"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Slug is the demo facility.
const Slug = "btu-sovereign"

// Credential is a demo user.
type Credential struct {
	Email, Password, Role string
}

// Users are the demo users: a lender officer, the borrower's controller, a
// second lender officer (four eyes), and an auditor.
var Users = []Credential{
	{"officer@lender.example", "officer-demo-pass", store.RoleLenderOfficer},
	{"controller@btu.example", "controller-demo-pass", store.RoleBorrower},
	{"credit@lender.example", "credit-demo-pass", store.RoleLenderOfficer},
	{"auditor@lender.example", "auditor-demo-pass", store.RoleAuditor},
}

// Threshold is the demo facility's maker-checker threshold for advances.
var Threshold = money.Amount(100_000_000) // 1,000,000.00

// Result counts what a load stored.
type Result struct {
	Created      int // records stored now (0 on a second load)
	Certificates int
	Advances     int
	Transactions int
}

// prime is the U.S. prime rate 2004–2006 (effective dates of changes).
var prime = []struct{ d, v string }{
	{"2003-06-27", "0.0400"}, {"2004-07-01", "0.0425"}, {"2004-08-11", "0.0450"}, {"2004-09-22", "0.0475"},
	{"2004-11-11", "0.0500"}, {"2004-12-15", "0.0525"}, {"2005-02-03", "0.0550"}, {"2005-03-23", "0.0575"},
	{"2005-05-04", "0.0600"}, {"2005-06-30", "0.0625"}, {"2005-08-10", "0.0650"}, {"2005-09-21", "0.0675"},
	{"2005-11-02", "0.0700"}, {"2005-12-14", "0.0725"}, {"2006-02-01", "0.0750"}, {"2006-03-29", "0.0775"},
	{"2006-05-11", "0.0800"}, {"2006-06-30", "0.0825"},
}

type loader struct {
	ctx   context.Context
	st    store.Store
	acc   store.Accounts
	terms *app.StoredTerms
	svc   *app.Service
	at    time.Time // the simulated clock
	res   Result
	log   io.Writer
	users map[string]store.User
}

func readFile(name string) ([]byte, error) { return fs.ReadFile(examples.FS, path.Join(Slug, name)) }

// Load loads the demo into st (which must keep accounts). Progress goes to
// log (may be nil).
func Load(ctx context.Context, st store.Store, log io.Writer) (Result, error) {
	acc, ok := st.(store.Accounts)
	if !ok {
		return Result{}, fmt.Errorf("demo: the store %T does not keep accounts", st)
	}
	if log == nil {
		log = io.Discard
	}
	l := &loader{ctx: ctx, st: st, acc: acc, terms: &app.StoredTerms{Store: st}, log: log, users: map[string]store.User{}}
	l.svc = &app.Service{Store: st, Terms: l.terms, Now: func() time.Time { return l.at }}
	steps := []func() error{l.facility, l.addUsers, l.rates, l.history, l.financials, l.facts}
	for _, f := range steps {
		if err := f(); err != nil {
			return l.res, err
		}
	}
	if l.res.Created > 0 {
		after, _ := json.Marshal(l.res)
		if _, err := acc.AppendAudit(ctx, store.AuditRecord{At: time.Now(), Actor: "cli:demo", RequestID: auth.Random("cli_", 12),
			Route: "revolver demo", Facility: Slug, After: after}); err != nil {
			return l.res, err
		}
	}
	return l.res, nil
}

func (l *loader) facility() error {
	entries, err := fs.ReadDir(examples.FS, Slug)
	if err != nil {
		return err
	}
	var files []agreement.File
	for _, e := range entries {
		if path.Ext(e.Name()) == ".yaml" {
			b, err := readFile(e.Name())
			if err != nil {
				return err
			}
			files = append(files, agreement.NewFile(e.Name(), b))
		}
	}
	before, _ := l.st.Documents(l.ctx, Slug)
	l.at = time.Date(2004, 1, 28, 9, 0, 0, 0, time.UTC)
	thr := Threshold
	if _, err := l.svc.RegisterFacility(l.ctx, Slug, files, app.Settings{MakerCheckerThreshold: &thr}, "demo"); err != nil {
		return fmt.Errorf("demo facility: %w", err)
	}
	if len(before) == 0 {
		l.res.Created++
	}
	fmt.Fprintf(l.log, "facility %s: %d agreement files\n", Slug, len(files))
	return nil
}

func (l *loader) addUsers() error {
	for _, c := range Users {
		u, err := l.acc.UserByEmail(l.ctx, c.Email)
		if store.ErrorCode(err) == store.CodeNotFound {
			h, err := auth.HashPassword(c.Password, auth.DefaultParams)
			if err != nil {
				return err
			}
			if u, err = l.acc.CreateUser(l.ctx, store.User{Email: c.Email, Role: c.Role, PasswordHash: h, Created: time.Now()}); err != nil {
				return err
			}
			l.res.Created++
		} else if err != nil {
			return err
		}
		if c.Role == store.RoleBorrower {
			if err := l.acc.GrantFacility(l.ctx, u.ID, Slug); err != nil {
				return err
			}
		}
		l.users[c.Role+":"+c.Email] = u
	}
	return nil
}

func (l *loader) rates() error {
	for _, p := range prime {
		if err := l.st.PutRate(l.ctx, "prime", ledger.RatePoint{Effective: date.MustParse(p.d), Value: money.MustRate(p.v)}); err != nil {
			return fmt.Errorf("prime rate %s: %w", p.d, err)
		}
	}
	return nil
}

const (
	officer    = "officer@lender.example"
	controller = "controller@btu.example"
	credit     = "credit@lender.example" // the second lender officer (four eyes)
)

// LastDay is the last day of the demo's history.
var LastDay = date.MustParse("2006-12-31")

// cob runs close of business through the day before d, so that postings
// dated d are accrued from d.
func (l *loader) cob(d date.Date) error {
	res, err := l.svc.CloseOfBusiness(l.ctx, d-1)
	if err != nil {
		return err
	}
	l.res.Created += res.Posted
	l.res.Transactions += res.Posted
	return nil
}

func (l *loader) post(t ledger.Transaction, err error) error {
	if err != nil {
		return err
	}
	if err := l.cob(t.ValueDate); err != nil {
		return err
	}
	l.at = t.ValueDate.Time().Add(11 * time.Hour)
	p, err := l.svc.Post(l.ctx, t)
	if err != nil {
		return fmt.Errorf("%s %s on %s: %w", t.Kind, t.Key, t.ValueDate, err)
	}
	if !p.Replayed {
		l.res.Created++
		l.res.Transactions++
	}
	return nil
}

func ref(key string, d date.Date, memo string) ledger.Ref {
	return ledger.Ref{Facility: Slug, Key: "demo:" + key, ValueDate: d, Memo: memo}
}

// history plays 2004–2006 month by month.
func (l *loader) history() error {
	debtors, err := readFile("data/debtors.csv")
	if err != nil {
		return err
	}
	baseR, err := readFile("data/receivables.csv")
	if err != nil {
		return err
	}
	baseI, err := readFile("data/inventory.csv")
	if err != nil {
		return err
	}
	certs, err := l.st.Certificates(l.ctx, Slug)
	if err != nil {
		return err
	}
	byAsOf := map[date.Date]store.Certificate{}
	for _, c := range certs {
		byAsOf[c.AsOf] = c
	}
	advs, err := l.st.AdvanceRequests(l.ctx, Slug)
	if err != nil {
		return err
	}
	byKey := map[string]store.AdvanceRequest{}
	for _, a := range advs {
		byKey[a.Key] = a
	}
	txs, err := l.st.Transactions(l.ctx, Slug)
	if err != nil {
		return err
	}
	posted := map[string]bool{}
	for _, t := range txs {
		posted[t.Key] = true
	}
	// post posts t unless its key is stored (amounts computed from the
	// balances would differ once t itself is in them).
	post := func(t ledger.Transaction, err error) error {
		if err != nil || posted[t.Key] {
			return err
		}
		return l.post(t, nil)
	}
	closing := date.MustParse("2004-01-28")
	if err := post(ledger.Fee(ref("closing-fee", closing, "Transaction fee, Loan Modification Agreement §II.A"), money.Amount(2_000_000), false)); err != nil {
		return err
	}
	end := LastDay
	// Month m: collections on the 8th repay part of the loans; the
	// certificate as of the previous month end is submitted on the 12th and
	// approved on the 14th; an advance on the 15th (or the next banking
	// day) brings the loans to
	// 55–80% of the borrowing base net of letters of credit.
	for m := 1; m <= 36; m++ {
		y, mon := 2004+m/12, time.Month(m%12+1)
		first := date.FromTime(time.Date(y, mon, 1, 0, 0, 0, 0, time.UTC))
		me := first.AddDays(-1) // the certificate's date
		label := fmt.Sprintf("%04d-%02d", y, mon)
		if d := first.AddDays(7); d <= end {
			bal, err := l.st.Balances(l.ctx, Slug, d)
			if err != nil {
				return err
			}
			if rep := money.Amount(int64(bal[ledger.Loans]) * int64(12+m%7) / 100 / 100_000 * 100_000); rep > 0 {
				if err := post(ledger.Repayment(ref("repayment:"+label, d, "collections"), rep)); err != nil {
					return err
				}
			}
		}
		if label == "2005-03" {
			if err := post(ledger.LCIssue(ref("lc:1", date.MustParse("2005-03-10"), "standby letter of credit for a supplier"), money.Amount(50_000_000))); err != nil {
				return err
			}
		}
		if label == "2006-03" {
			if err := post(ledger.LCExpire(ref("lc:1:expire", date.MustParse("2006-03-10"), "letter of credit expired undrawn"), money.Amount(50_000_000))); err != nil {
				return err
			}
		}
		c, ok := byAsOf[me]
		if !ok {
			recv, err := Receivables(baseR, me, Scale(m-1))
			if err != nil {
				return err
			}
			inv, err := Inventory(baseI, me, Scale(m-1))
			if err != nil {
				return err
			}
			t, err := l.terms.TermsAsOf(l.ctx, Slug, me)
			if err != nil {
				return err
			}
			if err := l.cob(min(first.AddDays(11), end+1)); err != nil {
				return err
			}
			l.at = first.AddDays(11).Time().Add(10 * time.Hour)
			c, _, err = l.svc.SubmitCertificate(l.ctx, t, app.CertificateInput{Facility: Slug, AsOf: me, By: controller,
				Receivables: store.InputContent{Name: "receivables-" + me.String() + ".csv", Content: recv},
				Debtors:     store.InputContent{Name: "debtors.csv", Content: debtors},
				Inventory:   store.InputContent{Name: "inventory-" + me.String() + ".csv", Content: inv}})
			if err != nil {
				return fmt.Errorf("certificate %s: %w", me, err)
			}
			l.res.Created++
			l.res.Certificates++
		}
		if c.Status == store.Submitted {
			l.at = first.AddDays(13).Time().Add(15 * time.Hour)
			if _, _, err := l.svc.DecideCertificate(l.ctx, Slug, c.ID, store.Approved, officer, "reviewed against the aging and the inventory report"); err != nil {
				return fmt.Errorf("approve certificate %s: %w", me, err)
			}
			l.res.Created++
		}
		// The advance is value the 15th, or the next banking day.
		ft, err := l.terms.Terms(l.ctx, Slug, first.AddDays(14))
		if err != nil {
			return err
		}
		vd := ft.Calendar.OnOrAfter(first.AddDays(14))
		key := "demo:advance:" + label
		r, seen := byKey[key]
		if vd > end {
			continue
		}
		if !seen {
			bal, err := l.st.Balances(l.ctx, Slug, vd)
			if err != nil {
				return err
			}
			target := money.Amount(int64(c.BorrowingBase-bal[ledger.LCOutstanding]) * int64(55+m*7%26) / 100 / 100_000 * 100_000)
			want := target - bal[ledger.Loans]
			if want <= 0 {
				continue
			}
			if err := l.cob(vd); err != nil {
				return err
			}
			l.at = vd.Time().Add(9 * time.Hour)
			r, err = l.svc.RequestAdvance(l.ctx, app.RequestInput{Facility: Slug, Key: key, Amount: want, ValueDate: vd, By: controller})
			var le *ledger.Error
			if errors.As(err, &le) {
				fmt.Fprintf(l.log, "advance %s refused: %v\n", label, err)
				continue
			}
			if err != nil {
				return fmt.Errorf("advance %s: %w", label, err)
			}
			l.res.Created++
			l.res.Advances++
		}
		if r.Status == store.AdvanceRequested {
			l.at = vd.Time().Add(14 * time.Hour)
			if _, err = l.svc.ApproveAdvance(l.ctx, Slug, r.ID, officer); err != nil {
				return fmt.Errorf("approve advance %s: %w", label, err)
			}
			l.res.Created++
		}
	}
	return l.cob(end + 1)
}

// financials records the quarterly statements 45 days after each quarter
// and the restatement of Q2 2006 on 15 November 2006.
func (l *loader) financials() error {
	for _, f := range []struct {
		file     string
		recorded func(st covenant.Statement) time.Time
		nth      int // submissions of the period before this one
	}{
		{"data/financials.csv", func(st covenant.Statement) time.Time { return st.PeriodEnd.AddDays(45).Time().Add(16 * time.Hour) }, 0},
		{"data/financials-restated-2006q2.csv", func(covenant.Statement) time.Time { return time.Date(2006, 11, 15, 16, 0, 0, 0, time.UTC) }, 1},
	} {
		b, err := readFile(f.file)
		if err != nil {
			return err
		}
		sts, err := covenant.ReadStatements(path.Base(f.file), b)
		if err != nil {
			return err
		}
		for _, st := range sts {
			h, err := l.st.FinancialsHistory(l.ctx, Slug, st.PeriodEnd)
			if err != nil {
				return err
			}
			if len(h) > f.nth {
				continue
			}
			if _, err := l.svc.AddStatementsAt(l.ctx, Slug, []covenant.Statement{st}, controller, f.recorded(st)); err != nil {
				return err
			}
			l.res.Created++
		}
	}
	return nil
}

// facts records what happened outside the loan account: the closing
// deliveries, the transaction fee and the Lender's costs paid, and the
// inventory insurance renewed each year with the Bank as loss payee
// (Security Agreement ¶13(b)).
func (l *loader) facts() error {
	d := date.MustParse
	l.at = time.Date(2004, 1, 28, 17, 0, 0, 0, time.UTC)
	record := func(key string, f func(in app.FactInput) (app.Recorded, error)) error {
		r, err := f(app.FactInput{Facility: Slug, Key: "demo-" + key, By: officer})
		if err == nil && !r.Replayed {
			l.res.Created++
		}
		return err
	}
	events := []defaults.Event{
		{Kind: "delivered", Ref: "other_documents", Date: d("2004-01-28"), Note: "closing certificates and the opinion of counsel"},
		{Kind: "fee_paid", Ref: "transaction_fee", Date: d("2004-01-28"), Note: "charged to the loan account at closing"},
		{Kind: "costs_paid", Ref: "lma_costs", Date: d("2004-02-05"), Note: "counsel's invoice paid"},
	}
	for _, e := range events {
		if err := record(e.Kind+"-"+e.Ref, func(in app.FactInput) (app.Recorded, error) { return l.svc.RecordOccurrence(l.ctx, in, e) }); err != nil {
			return fmt.Errorf("demo: %s: %w", e.Kind, err)
		}
	}
	// The Bank waived each quarter's failed net income test in writing (Security
	// Agreement ¶16), requested by the officer and approved by credit.
	rep, err := l.svc.DefaultsReport(l.ctx, Slug, LastDay)
	if err != nil {
		return err
	}
	for _, x := range rep.Defaults {
		if !x.Continuing || x.Covenant == "" {
			continue
		}
		on := x.Occurred.AddDays(50)
		w := app.WaiverRequest{Default: x.ID, Date: on, Agreement: "original-loan-agreement", Covenant: x.Covenant, Period: x.Period,
			Note: "waived for the quarter only; the covenant stands"}
		req, err := l.svc.RequestWaiver(l.ctx, app.FactInput{Facility: Slug, Key: "demo-waiver-request-" + x.ID, By: officer}, w)
		if err != nil {
			return fmt.Errorf("demo: waiver of %s: %w", x.ID, err)
		}
		if _, err := l.svc.ApproveWaiver(l.ctx, app.FactInput{Facility: Slug, Key: "demo-waiver-approval-" + x.ID, By: credit}, x.ID, req.Record.ID); err != nil {
			return fmt.Errorf("demo: approval of the waiver of %s: %w", x.ID, err)
		}
		l.res.Created += 2
	}
	for y := 2004; y <= 2007; y++ {
		evidenced := d(fmt.Sprintf("%d-01-20", y))
		p := defaults.Policy{ID: fmt.Sprintf("INV-%d", y), Insurer: "Factory Mutual Insurance Company", Number: fmt.Sprintf("FM-%d-0417", y),
			Covers: []string{"inventory", "other_tangible_collateral"}, Effective: d(fmt.Sprintf("%d-02-01", y)).AddDays(-4 * b2i(y == 2004)),
			Expires: d(fmt.Sprintf("%d-02-01", y+1)), LossPayee: "lender", CancellationNoticeDays: 10, Evidenced: &evidenced}
		if err := record("policy-"+p.ID, func(in app.FactInput) (app.Recorded, error) { return l.svc.RecordPolicy(l.ctx, in, p) }); err != nil {
			return fmt.Errorf("demo: insurance policy %s: %w", p.ID, err)
		}
	}
	return nil
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
