// Package demo loads the example facility (examples/btu-sovereign) with
// three years of history into a new store, day by day in business-date
// order, through the same use cases (app.Service) as the API: each event is
// done by a demo user (a lender admin, the lender's officer and its credit
// officer, the borrower's controller) named in the context, and the use case
// appends its audit record in the change's own store transaction.
//
// The history: the closing of the Loan Modification Agreement on
// 28 January 2004 (the closing deliveries, the $20,000 transaction fee
// billed and paid, the inventory insurance), the prime rate entered on each
// change, monthly borrowing base certificates computed by the borrowingbase
// engine from derived monthly reports (see data.go), submitted by the
// controller and approved by the officer, an advance each month after the
// certificate (above the maker-checker threshold approved by the officer),
// the lockbox collections imported from the bank's BAI2 file every
// Business Day and applied to the loans (app.ImportCash), the interest
// billed each month paid, a
// letter of credit, the quarterly financial statements received when BTU
// filed them (45 days after a quarter, 90 after the year) with the
// restatement of Q2 2006 (a submission the officer accepts), the waivers of
// the failed net income tests
// requested by the officer and approved by credit once the statements
// showing them were received, and close of business every banking day. The
// business date and the clock move through the history, so that each
// record is stamped when it would have happened.
//
// The demo writes only into an empty database, or does nothing on one it
// loaded before that no one has changed since (see guard.go): loading twice
// stores nothing the second time.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/calendar"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Slug is the demo facility.
const Slug = "btu-sovereign"

// Via is what the demo's audit records say asked for the change.
const Via = "revolver demo"

// Credential is a demo user.
type Credential struct {
	Email, Password, Role string
}

// The demo users.
const (
	admin      = "admin@lender.example"
	officer    = "officer@lender.example"
	controller = "controller@btu.example"
	credit     = "credit@lender.example" // the second lender officer (four eyes)
	auditor    = "auditor@lender.example"
)

// Users are the demo users: the lender's officer, the borrower's
// controller, a second lender officer (credit, for four eyes), an auditor
// and the lender's administrator (who registers the facility and its users,
// enters the prime rate and runs close of business).
var Users = []Credential{
	{officer, "officer-demo-pass", store.RoleLenderOfficer},
	{controller, "controller-demo-pass", store.RoleBorrower},
	{credit, "credit-demo-pass", store.RoleLenderOfficer},
	{auditor, "auditor-demo-pass", store.RoleAuditor},
	{admin, "admin-demo-pass", store.RoleLenderAdmin},
}

// Threshold is the demo facility's maker-checker threshold for advances.
var Threshold = money.Amount(100_000_000) // 1,000,000.00

// Result counts what a load stored.
type Result struct {
	Created      int // records stored now (0 on a second load)
	Certificates int
	Advances     int
	Transactions int
	Audit        int // audit records in the trail after loading
	// LastRecorded is, on a database loaded before, the latest time its
	// audit trail records (sign-ins after the loading are later than
	// Clock): a clock serving it again runs from there.
	LastRecorded time.Time `json:",omitzero"`
}

// primeSource is where the demo's prime rate values are taken from.
const primeSource = "U.S. prime rate as published in the Federal Reserve's statistical release H.15 (bank prime loan rate, FRED series DPRIME) and The Wall Street Journal, entered at each change"

// prime is the U.S. prime rate 2004–2006 (effective dates of changes).
var prime = []struct{ d, v string }{
	{"2003-06-27", "0.0400"}, {"2004-07-01", "0.0425"}, {"2004-08-11", "0.0450"}, {"2004-09-22", "0.0475"},
	{"2004-11-11", "0.0500"}, {"2004-12-15", "0.0525"}, {"2005-02-03", "0.0550"}, {"2005-03-23", "0.0575"},
	{"2005-05-04", "0.0600"}, {"2005-06-30", "0.0625"}, {"2005-08-10", "0.0650"}, {"2005-09-21", "0.0675"},
	{"2005-11-02", "0.0700"}, {"2005-12-14", "0.0725"}, {"2006-02-01", "0.0750"}, {"2006-03-29", "0.0775"},
	{"2006-05-11", "0.0800"}, {"2006-06-30", "0.0825"},
}

// Closing is the first day of the demo's history: the closing of the Loan
// Modification Agreement, the First Amendment and the Security Agreement.
var Closing = date.MustParse("2004-01-28")

// LastDay is the last day of the demo's history: the business date the
// demo ends on (close of business has run through the day before).
var LastDay = date.MustParse("2006-12-31")

// Clock is the instant the demo's clock starts from when it serves (it
// runs on from there): 17:00 UTC of LastDay.
var Clock = LastDay.Time().Add(17 * time.Hour)

// event is something a demo user does at a time of the day.
type event struct {
	at   time.Time // in the facility's zone
	by   string    // the demo user's e-mail
	what string    // names the event in its audit record's request id
	run  func(ctx context.Context) error
}

// Example is a demo: an example facility of examples/ with its history.
type Example struct {
	Slug  string // the facility, also its directory in examples/
	Users []Credential
	// Closing is the first day of the history, LastDay the business date
	// it ends on, Clock the instant the demo's clock starts from.
	Closing, LastDay date.Date
	Clock            time.Time
	Threshold        money.Amount // the maker-checker threshold for advances
	Opening          string       // why the first business date is opened
	Summary          string       // what the demo holds, for `revolver demo`
	// History, when set, is the directory of the example holding the
	// borrower's reporting history as ../shared/data/gen_abl_history.py
	// writes it (debtors.csv and, per as-of date, the reports and the
	// journals); the certificates are submitted from it.
	History  string
	schedule func(*loader) error
}

// BTU is the first example (examples/btu-sovereign) with three years of
// history, 2004–2006.
var BTU = &Example{Slug: Slug, Users: Users, Closing: Closing, LastDay: LastDay, Clock: Clock, Threshold: Threshold,
	History:  "history",
	Opening:  "the demo's history begins: the closing of the Loan Modification Agreement",
	Summary:  "the BTU International facility with three years of history (2004–2006)",
	schedule: (*loader).schedule}

// Examples are the demos by facility: the first is the default.
var Examples = []*Example{BTU, Modern}

// ExampleNamed is the demo of the facility slug, or nil.
func ExampleNamed(slug string) *Example {
	for _, e := range Examples {
		if e.Slug == slug {
			return e
		}
	}
	return nil
}

type loader struct {
	ex    *Example
	ctx   context.Context
	st    store.Store
	acc   store.Accounts
	terms *app.StoredTerms
	svc   *app.Service
	at    time.Time // the simulated clock
	loc   *time.Location
	cal   calendar.Calendar
	res   Result
	log   io.Writer
	users map[string]store.User
	days  map[date.Date][]event
	// certs are the demo's certificates by as-of date.
	certs map[date.Date]store.Certificate

	debtors, receivables, inventory []byte
}

func readFile(name string) ([]byte, error) { return fs.ReadFile(examples.FS, path.Join(Slug, name)) }

// read reads a file of the loader's example.
func (l *loader) read(name string) ([]byte, error) {
	return fs.ReadFile(examples.FS, path.Join(l.ex.Slug, name))
}

// Load loads the demo into st (which must keep accounts and an audit trail)
// if st is empty; on a store the demo loaded before and no one changed
// since it stores nothing and returns a zero Result. Any other store is
// refused with a *Refusal saying what was found, and nothing is stored.
// Progress goes to log (may be nil).
func Load(ctx context.Context, st store.Store, log io.Writer) (Result, error) {
	return LoadExample(ctx, st, BTU, log)
}

// LoadExample is Load for the demo ex.
func LoadExample(ctx context.Context, st store.Store, ex *Example, log io.Writer) (Result, error) {
	acc, ok := st.(store.Accounts)
	if !ok {
		return Result{}, fmt.Errorf("demo: the store %T does not keep accounts", st)
	}
	if _, ok := st.(store.TxAuditor); !ok {
		return Result{}, fmt.Errorf("demo: the store %T does not keep an audit trail", st)
	}
	if log == nil {
		log = io.Discard
	}
	loaded, last, err := inspect(ctx, st, acc)
	if err != nil || loaded {
		return Result{LastRecorded: last}, err
	}
	l := &loader{ex: ex, ctx: ctx, st: st, acc: acc, terms: &app.StoredTerms{Store: st}, log: log,
		users: map[string]store.User{}, days: map[date.Date][]event{}, certs: map[date.Date]store.Certificate{}}
	l.svc = &app.Service{Store: st, Terms: l.terms, Now: func() time.Time { return l.at }}
	for _, f := range []func() error{l.readReports, l.setUp, func() error { return ex.schedule(l) }, l.play, l.finish} {
		if err := f(); err != nil {
			return l.res, err
		}
	}
	return l.res, nil
}

func (l *loader) readReports() error {
	var err error
	if l.ex.History != "" {
		l.debtors, err = l.read(path.Join(l.ex.History, "debtors.csv"))
		return err
	}
	for _, f := range []struct {
		name string
		into *[]byte
	}{{"data/debtors.csv", &l.debtors}, {"data/receivables.csv", &l.receivables}, {"data/inventory.csv", &l.inventory}} {
		if *f.into, err = l.read(f.name); err != nil {
			return err
		}
	}
	return nil
}

// as returns the context of an event done by the demo user by.
func (l *loader) as(by, what string) context.Context {
	u := l.users[by]
	return app.WithActor(l.ctx, app.Actor{User: by, UserID: u.ID, Role: u.Role, Facilities: u.Facilities, RequestID: "demo:" + what, Via: Via})
}

// local is the time h:m on d in the facility's zone.
func (l *loader) local(d date.Date, h, m int) time.Time {
	y, mo, dd := d.Time().Date()
	return time.Date(y, mo, dd, h, m, 0, 0, l.loc)
}

// on schedules an event on d at h:m.
func (l *loader) on(d date.Date, h, m int, by, what string, run func(ctx context.Context) error) {
	l.days[d] = append(l.days[d], event{at: l.local(d, h, m), by: by, what: what, run: run})
}

// setUp registers the facility and the demo users at the closing, as the
// lender admin, and opens the closing day as the business date.
func (l *loader) setUp() error {
	ex := l.ex
	entries, err := fs.ReadDir(examples.FS, ex.Slug)
	if err != nil {
		return err
	}
	var files []agreement.File
	for _, e := range entries {
		if !e.IsDir() && agreement.IsFileName(e.Name()) {
			b, err := l.read(e.Name())
			if err != nil {
				return err
			}
			files = append(files, agreement.NewFile(e.Name(), b))
		}
	}
	l.at = ex.Closing.Time().Add(14 * time.Hour) // 09:00 in New York (08:00 in Chicago)
	thr := ex.Threshold
	// Each change of the setting up is a use case that stores its audit
	// record with it, as the lender admin (who is not yet a user).
	if _, err := l.svc.RegisterFacility(l.as(admin, "facility"), ex.Slug, files, app.Settings{MakerCheckerThreshold: &thr}, admin); err != nil {
		return fmt.Errorf("demo facility: %w", err)
	}
	l.res.Created += 1 + len(files)
	t, err := l.terms.TermsAsOf(l.ctx, ex.Slug, ex.Closing)
	if err != nil {
		return err
	}
	if l.loc, err = defaults.Location(t); err != nil {
		return err
	}
	ft, err := l.terms.Terms(l.ctx, ex.Slug, ex.Closing)
	if err != nil {
		return err
	}
	l.cal = ft.Calendar
	l.at = l.local(ex.Closing, 9, 5)
	for _, c := range ex.Users {
		in := app.NewUser{Email: c.Email, Role: c.Role, Password: c.Password}
		if c.Role == store.RoleBorrower {
			in.Facilities = []string{ex.Slug}
		}
		u, err := l.svc.AddUser(l.as(admin, "user:"+c.Email), in)
		if err != nil {
			return fmt.Errorf("demo user %s: %w", c.Email, err)
		}
		l.users[c.Email] = u
		l.res.Created++
	}
	ctx := l.as(admin, "business-date:"+ex.Closing.String())
	if _, err := l.svc.OpenBusinessDate(ctx, ex.Closing, admin, ex.Opening); err != nil {
		return err
	}
	fmt.Fprintf(l.log, "facility %s: %d agreement files, %d users\n", ex.Slug, len(files), len(ex.Users))
	return nil
}

// banking is the first Business Day of the facility on or after d.
func (l *loader) banking(d date.Date) date.Date { return l.cal.OnOrAfter(d) }

// schedule lays out the history known in advance; amounts are computed
// when each event happens, from what is stored by then.
func (l *loader) schedule() error {
	d := date.MustParse
	// The prime rate: what is in force at the closing, then each change on
	// its effective day, before business.
	for _, p := range prime {
		on, h, m := l.cal.OnOrBefore(d(p.d)), 8, 30
		if on <= Closing {
			on, h, m = Closing, 9, 10
		}
		rp := ledger.RatePoint{Effective: d(p.d), Value: money.MustRate(p.v), Source: primeSource}
		l.on(on, h, m, admin, "prime:"+p.d, func(ctx context.Context) error {
			if err := l.svc.RecordRate(ctx, "prime", rp); err != nil {
				return err
			}
			l.res.Created++
			return nil
		})
	}
	l.closing()
	// The inventory insurance renewed each year with the Bank as loss payee
	// (Security Agreement ¶13(b)), recorded when its evidence arrives.
	for y := 2005; y <= 2006; y++ {
		ev := d(fmt.Sprintf("%d-01-20", y))
		l.policy(l.banking(ev), y, ev)
	}
	l.on(d("2005-03-10"), 10, 0, officer, "lc:1", func(ctx context.Context) error {
		return l.post(ctx)(ledger.LCIssue(ref("lc:1", d("2005-03-10"), "standby letter of credit for a supplier"), money.Amount(50_000_000)))
	})
	l.on(d("2006-03-10"), 10, 0, officer, "lc:1:expire", func(ctx context.Context) error {
		return l.post(ctx)(ledger.LCExpire(ref("lc:1:expire", d("2006-03-10"), "letter of credit expired undrawn"), money.Amount(50_000_000)))
	})
	for m := 1; m < 36; m++ {
		l.month(m)
	}
	if err := l.lockbox(); err != nil {
		return err
	}
	l.fieldExamReserve()
	return l.statements()
}

func ref(key string, d date.Date, memo string) ledger.Ref {
	return ledger.Ref{Facility: Slug, Key: "demo:" + key, ValueDate: d, Memo: memo}
}

// post returns what posts a transaction through the use case in ctx and
// counts it.
func (l *loader) post(ctx context.Context) func(t ledger.Transaction, err error) error {
	return func(t ledger.Transaction, err error) error {
		if err != nil {
			return err
		}
		if _, err := l.svc.Post(ctx, t); err != nil {
			return fmt.Errorf("%s %s on %s: %w", t.Kind, t.Key, t.ValueDate, err)
		}
		l.res.Created++
		l.res.Transactions++
		return nil
	}
}

// record stores a fact through its use case and counts it.
func (l *loader) record(ctx context.Context, key string, f func(in app.FactInput) (app.Recorded, error)) error {
	by, _ := app.ActorFrom(ctx)
	if _, err := f(app.FactInput{Facility: l.ex.Slug, Key: "demo-" + key, By: by.User}); err != nil {
		return fmt.Errorf("%s: %w", key, err)
	}
	l.res.Created++
	return nil
}

// closing is the closing day: the closing deliveries, the transaction fee
// (Loan Modification Agreement §II.A) billed and paid by wire, the
// inventory insurance in force; the Lender's costs paid a week later.
func (l *loader) closing() {
	d := Closing
	occurrence := func(h, m int, e defaults.Event) {
		l.on(e.Date, h, m, officer, e.Kind+":"+e.Ref, func(ctx context.Context) error {
			return l.record(ctx, e.Kind+"-"+e.Ref, func(in app.FactInput) (app.Recorded, error) { return l.svc.RecordOccurrence(ctx, in, e) })
		})
	}
	occurrence(10, 0, defaults.Event{Kind: "delivered", Ref: "other_documents", Date: d, Note: "closing certificates and the opinion of counsel"})
	l.on(d, 10, 30, officer, "fee:transaction_fee", func(ctx context.Context) error {
		return l.post(ctx)(ledger.Fee(ref("closing-fee", d, "Transaction fee, Loan Modification Agreement §II.A"), money.Amount(2_000_000), false))
	})
	l.on(d, 11, 0, officer, "fee:transaction_fee:paid", func(ctx context.Context) error {
		return l.post(ctx)(ledger.Payment(ref("closing-fee:paid", d, "Transaction fee paid by wire at closing"), ledger.FeesReceivable, money.Amount(2_000_000)))
	})
	occurrence(11, 15, defaults.Event{Kind: "fee_paid", Ref: "transaction_fee", Date: d, Note: "paid by wire at closing"})
	l.policy(d, 2004, date.MustParse("2004-01-20"))
	occurrence(11, 0, defaults.Event{Kind: "costs_paid", Ref: "lma_costs", Date: date.MustParse("2004-02-05"), Note: "counsel's invoice paid"})
}

// policy records the inventory policy of year y, evidenced on ev, on d.
func (l *loader) policy(d date.Date, y int, ev date.Date) {
	p := defaults.Policy{ID: fmt.Sprintf("INV-%d", y), Insurer: "Factory Mutual Insurance Company", Number: fmt.Sprintf("FM-%d-0417", y),
		Covers: []string{"inventory", "other_tangible_collateral"}, Effective: date.MustParse(fmt.Sprintf("%d-02-01", y)),
		Expires: date.MustParse(fmt.Sprintf("%d-02-01", y+1)), LossPayee: "lender", CancellationNoticeDays: 10, Evidenced: &ev}
	if y == 2004 {
		p.Effective = Closing
	}
	l.on(d, 11, 30, officer, "policy:"+p.ID, func(ctx context.Context) error {
		return l.record(ctx, "policy-"+p.ID, func(in app.FactInput) (app.Recorded, error) { return l.svc.RecordPolicy(ctx, in, p) })
	})
}

// fieldExamReserve is the field examination of June 2005 and what it
// leads to: the officer schedules it, records its report and its finding,
// and disposes of the finding by a reserve on the borrowing base (set in
// the same transaction as the disposition); the second officer approves
// the reserve the next Business Day (maker-checker), and the officer
// releases it once the follow-up examination of January 2006 has tested
// the borrower's credit-memo controls (that exam's finding a note). The
// next exam is due a year after the follow-up's report (the bank's
// default frequency: the BTU agreement is silent).
func (l *loader) fieldExamReserve() {
	const id = "field-exam-2005"
	const examiner = "Sovereign Bank field examination (J. Alvarez)"
	start, report := l.banking(date.MustParse("2005-06-06")), l.banking(date.MustParse("2005-06-17"))
	set, release := l.banking(date.MustParse("2005-06-20")), l.banking(date.MustParse("2006-01-17"))
	var exam, finding int64
	l.on(start, 9, 0, officer, "field-exam:2005:schedule", func(ctx context.Context) error {
		e, err := l.svc.ScheduleFieldExam(ctx, Slug, app.FieldExamInput{Start: start, Examiner: examiner, Scope: "receivables, credit memos and dilution, inventory count"})
		exam = e.ID
		return l.created(err)
	})
	l.on(report, 15, 0, officer, "field-exam:2005:report", func(ctx context.Context) error {
		_, err := l.svc.PerformFieldExam(ctx, Slug, exam, app.FieldExamInput{On: report})
		if err := l.created(err); err != nil {
			return err
		}
		e, err := l.svc.AddFinding(ctx, Slug, exam, app.FindingInput{Severity: "high", Text: "credit memos issued weeks after the goods came back: dilution understated in the certificates"})
		if err == nil {
			finding = e.Findings[len(e.Findings)-1].ID
		}
		return l.created(err)
	})
	l.on(set, 16, 0, officer, "reserve:"+id, func(ctx context.Context) error {
		_, err := l.svc.DisposeFinding(ctx, Slug, finding, app.DispositionInput{Disposition: "reserve", Reserve: &app.ReserveInput{ID: id, Kind: "fixed", Placement: "borrowing_base", Amount: money.Amount(250_000_00), From: set,
			Reason: "field examination of June 2005: credit memos issued weeks after the goods came back; reserve until the borrower's credit-memo controls are tested"}})
		return l.created(err)
	})
	l.on(l.cal.Next(set), 10, 0, credit, "reserve:"+id+":approve", func(ctx context.Context) error {
		_, err := l.svc.ApproveReserve(ctx, Slug, id, credit)
		return l.created(err)
	})
	fstart, freport := l.banking(date.MustParse("2006-01-09")), l.banking(date.MustParse("2006-01-13"))
	var follow int64
	l.on(fstart, 9, 0, officer, "field-exam:2006:schedule", func(ctx context.Context) error {
		e, err := l.svc.ScheduleFieldExam(ctx, Slug, app.FieldExamInput{Start: fstart, Examiner: examiner, Scope: "follow-up: credit-memo controls"})
		follow = e.ID
		return l.created(err)
	})
	l.on(freport, 15, 0, officer, "field-exam:2006:report", func(ctx context.Context) error {
		_, err := l.svc.PerformFieldExam(ctx, Slug, follow, app.FieldExamInput{On: freport})
		if err := l.created(err); err != nil {
			return err
		}
		e, err := l.svc.AddFinding(ctx, Slug, follow, app.FindingInput{Severity: "low", Text: "credit memos now issued within two days of the return; tested on a sample of 40"})
		if err := l.created(err); err != nil {
			return err
		}
		_, err = l.svc.DisposeFinding(ctx, Slug, e.Findings[len(e.Findings)-1].ID, app.DispositionInput{Disposition: "note", Text: "the June 2005 reserve is to be released"})
		return l.created(err)
	})
	l.on(release, 11, 0, officer, "reserve:"+id+":release", func(ctx context.Context) error {
		_, err := l.svc.ReleaseReserve(ctx, Slug, id, release, "credit-memo controls tested in the follow-up examination of January 2006", officer)
		return l.created(err)
	})
}

// created counts a record created when err is nil, and returns err.
func (l *loader) created(err error) error {
	if err == nil {
		l.res.Created++
	}
	return err
}

// month m (1 = February 2004) of the history: the interest billed for the
// month before paid on the first Business Day (the officer records the
// payment received); the certificate as of the month before's end is
// submitted on the 12th and approved the next Business Day; an advance on
// the 15th (or the Business Day after the approval) brings the loans to
// 55–80% of the borrowing base net of letters of credit.
func (l *loader) month(m int) {
	y, mon := 2004+m/12, time.Month(m%12+1)
	first := date.FromTime(time.Date(y, mon, 1, 0, 0, 0, 0, time.UTC))
	me := first.AddDays(-1) // the month billed and the certificate's date
	label := fmt.Sprintf("%04d-%02d", y, mon)

	pay := l.banking(first)
	l.on(pay, 10, 0, officer, "interest:"+label, func(ctx context.Context) error {
		bal, err := l.st.Balances(l.ctx, Slug, me)
		if err != nil {
			return err
		}
		due := bal[ledger.InterestReceivable]
		if due <= 0 {
			return nil
		}
		return l.post(ctx)(ledger.Payment(ref("interest:"+me.String(), pay, "interest billed for the month ended "+me.String()), ledger.InterestReceivable, due))
	})

	submit := l.banking(first.AddDays(11))
	approve := l.cal.Next(submit)
	l.certificate(certPlan{asOf: me, submit: submit, submitAt: [2]int{10, 0}, approve: approve, approveAt: [2]int{15, 0}, by: controller,
		comment: "reviewed against the aging and the inventory report",
		reports: func() (app.CertificateInput, error) { return l.reportFiles(me) }})
	vd := max(l.banking(first.AddDays(14)), l.cal.Next(approve))
	if vd >= LastDay {
		return
	}
	l.advance(advancePlan{asOf: me, vd: vd, at: [2]int{9, 30}, approveAt: [2]int{14, 0}, by: controller, label: label,
		share: int64(55 + m*7%26), unit: money.Amount(1_000_00)})
}

// Days after a period's end that its statements are received: BTU's
// quarterly (10-Q) and annual (10-K) filing deadlines, since the
// agreement's own are not in the documents held.
const (
	quarterDays = 45
	yearDays    = 90
)

// statements schedules the quarterly statements on the day they are
// received, and the restatement of Q2 2006 with the statements of Q3, which
// the officer accepts two Business Days later.
func (l *loader) statements() error {
	for _, f := range []struct {
		file     string
		received func(st covenant.Statement) date.Date
	}{
		{"data/financials.csv", func(st covenant.Statement) date.Date {
			if st.FiscalQuarter == 4 {
				return st.PeriodEnd.AddDays(yearDays)
			}
			return st.PeriodEnd.AddDays(quarterDays)
		}},
		{"data/financials-restated-2006q2.csv", func(covenant.Statement) date.Date { return date.MustParse("2006-11-15") }},
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
			on := l.banking(f.received(st))
			if on >= LastDay {
				continue
			}
			what := "statements:" + st.PeriodEnd.String()
			minute := 0
			if path.Base(f.file) != "financials.csv" {
				what, minute = what+":restated", 30
			}
			l.on(on, 16, minute, controller, what, func(ctx context.Context) error {
				_, pending, err := l.svc.AddStatements(ctx, Slug, []covenant.Statement{st}, controller)
				if err != nil {
					return fmt.Errorf("statements for %s: %w", st.PeriodEnd, err)
				}
				l.res.Created++
				if len(pending) == 0 {
					return l.waivers(on, st.PeriodEnd)
				}
				// A restatement is the borrower's submission: the officer
				// accepts it two Business Days later, and only then do its
				// tests count.
				accept := l.cal.AddBusinessDays(on, 2)
				for _, r := range pending {
					l.on(accept, 11, 0, officer, what+":accept", func(ctx context.Context) error {
						if _, err := l.svc.DecideRequest(ctx, app.FactInput{Facility: Slug, Key: "demo-accept-" + st.PeriodEnd.String(), By: officer}, r.Record.ID, true, ""); err != nil {
							return fmt.Errorf("accepting the restatement of %s: %w", st.PeriodEnd, err)
						}
						l.res.Created++
						return l.waivers(accept, st.PeriodEnd)
					})
				}
				return nil
			})
		}
	}
	return nil
}

// waivers: when statements received on d show a failed covenant for the
// period, the Bank waives it in writing for the quarter only (Security
// Agreement ¶16), three Business Days later: requested by the officer,
// approved by credit.
func (l *loader) waivers(d, period date.Date) error {
	rep, err := l.svc.DefaultsReport(l.ctx, Slug, d)
	if err != nil {
		return err
	}
	on := l.cal.AddBusinessDays(d, 3)
	for _, x := range rep.Defaults {
		if !x.Continuing || x.Covenant == "" || x.Period != period {
			continue
		}
		w := app.WaiverRequest{Default: x.ID, Date: on, Agreement: "original-loan-agreement", Covenant: x.Covenant, Period: x.Period,
			Note: "waived for the quarter only; the covenant stands"}
		var req app.Recorded
		l.on(on, 10, 0, officer, "waiver:"+x.ID, func(ctx context.Context) error {
			var err error
			if req, err = l.svc.RequestWaiver(ctx, app.FactInput{Facility: Slug, Key: "demo-waiver-request-" + x.ID, By: officer}, w); err != nil {
				return fmt.Errorf("waiver of %s: %w", x.ID, err)
			}
			l.res.Created++
			return nil
		})
		l.on(on, 15, 0, credit, "waiver:"+x.ID+":approve", func(ctx context.Context) error {
			if _, err := l.svc.ApproveWaiver(ctx, app.FactInput{Facility: Slug, Key: "demo-waiver-approval-" + x.ID, By: credit}, x.ID, req.Record.ID); err != nil {
				return fmt.Errorf("approval of the waiver of %s: %w", x.ID, err)
			}
			l.res.Created++
			return nil
		})
	}
	return nil
}

// play runs the history day by day: each day's events in time order (an
// event may add later ones), then, on a Business Day, close of business
// through the day before the next Business Day, in the evening.
func (l *loader) play() error {
	first, last := l.ex.Closing, l.ex.LastDay
	days := int(last - first)
	for d := first; d < last; d++ {
		app.ReportProgress(l.ctx, "demo: days of history", int(d-first), days)
		for len(l.days[d]) > 0 {
			evs := l.days[d]
			i := 0
			for j, e := range evs {
				if e.at.Before(evs[i].at) {
					i = j
				}
			}
			e := evs[i]
			l.days[d] = slices.Delete(evs, i, i+1)
			if bd, err := l.svc.BusinessDate(l.ctx); err != nil {
				return err
			} else if bd != d {
				return fmt.Errorf("demo: %s on %s: the business date is %s", e.what, d, bd)
			}
			l.at = e.at
			// The demo reports its days, not each event's steps.
			if err := e.run(app.WithProgress(l.as(e.by, e.what), nil)); err != nil {
				return fmt.Errorf("demo: %s on %s: %w", e.what, d, err)
			}
		}
		delete(l.days, d)
		if !l.cal.IsBusinessDay(d) {
			continue
		}
		if err := l.closeOfBusiness(d, min(l.cal.Next(d), last)-1); err != nil {
			return err
		}
	}
	app.ReportProgress(l.ctx, "demo: days of history", days, days)
	for d := range l.days {
		return fmt.Errorf("demo: events scheduled on %s, after the history's end %s", d, last)
	}
	return nil
}

// closeOfBusiness runs close of business on d through the day through, at
// 18:30 in the facility's zone, as the lender admin.
func (l *loader) closeOfBusiness(d, through date.Date) error {
	l.at = l.local(d, 18, 30)
	// The demo reports its days, not each run's facilities.
	res, err := l.svc.CloseOfBusiness(app.WithProgress(l.as(admin, "close-of-business:"+through.String()), nil), through)
	if err != nil {
		return fmt.Errorf("demo: close of business %s: %w", through, err)
	}
	l.res.Created += res.Posted
	l.res.Transactions += res.Posted
	return nil
}

// finish appends the demo's mark: what the store holds after its loading
// (see guard.go), at the end of the history.
func (l *loader) finish() error {
	l.at = l.ex.Clock
	snap, err := takeSnapshot(l.ctx, l.st, l.acc)
	if err != nil {
		return err
	}
	recs, err := auditTrail(l.ctx, l.acc)
	if err != nil {
		return err
	}
	l.res.Audit = len(recs) + 1
	if _, err := l.acc.AppendAudit(l.ctx, store.AuditRecord{At: l.at, Actor: admin, RequestID: markID, Route: Via,
		After: mustJSON(mark{Loaded: l.res, Store: snap})}); err != nil {
		return err
	}
	return nil
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
