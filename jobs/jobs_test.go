package jobs_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"revolver/agreement"
	"revolver/app"
	"revolver/date"
	"revolver/examples"
	"revolver/jobs"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/dial"
	"revolver/store/testdb"
)

var ctx = context.Background()

// backends are the databases the tests run on, as the command line names
// them: a SQLite file, a PostgreSQL schema of the test's own.
var backends = []struct {
	name   string
	target func(t *testing.T) string
}{
	{"sqlite", func(t *testing.T) string { return filepath.Join(t.TempDir(), "revolver.db") }},
	{"postgres", func(t *testing.T) string { return testdb.PostgresURL(t) }},
}

// world is a database with facilities that have loans to accrue.
type world struct {
	target     string
	st         store.Store
	svc        *app.Service
	facilities []string
	first      date.Date // the advances' value date
}

// newWorld opens target (migrating it as the command line does) and
// registers n copies of the example facility, each with an advance on
// first.
func newWorld(t *testing.T, target string, n int) *world {
	t.Helper()
	st, err := dial.Open(ctx, target)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w := &world{target: target, st: st, first: date.MustParse("2005-01-03")}
	w.svc = &app.Service{Store: st, Terms: &app.StoredTerms{Store: st}, Now: time.Now}
	var files []agreement.File
	entries, _ := examples.FS.ReadDir("btu-sovereign")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, _ := examples.FS.ReadFile("btu-sovereign/" + e.Name())
			files = append(files, agreement.NewFile(e.Name(), b))
		}
	}
	if err := st.PutRate(ctx, "prime", ledger.RatePoint{Effective: date.MustParse("2004-01-01"), Value: money.MustRate("0.06")}, nil); err != nil {
		t.Fatal(err)
	}
	var txs []ledger.Transaction
	for i := range n {
		slug := fmt.Sprintf("f%02d", i)
		if _, err := w.svc.RegisterFacility(ctx, slug, append([]agreement.File(nil), files...), app.Settings{}, "setup"); err != nil {
			t.Fatal(err)
		}
		tr, err := ledger.Advance(ledger.Ref{Facility: slug, Key: "a1", ValueDate: w.first}, money.Amount(1_000_000_00+int64(i)*1000_00))
		if err != nil {
			t.Fatal(err)
		}
		txs = append(txs, tr)
		w.facilities = append(w.facilities, slug)
	}
	if _, err := st.PostBatch(ctx, txs); err != nil {
		t.Fatal(err)
	}
	return w
}

// accruals counts, by facility, the interest transactions of each day,
// and fails the test on a day posted twice.
func (w *world) accruals(t *testing.T) (total int, through date.Date) {
	t.Helper()
	for _, f := range w.facilities {
		txs, err := w.st.Transactions(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[date.Date]bool{}
		for _, tr := range txs {
			if tr.Kind != ledger.KindInterest {
				continue
			}
			if seen[tr.ValueDate] {
				t.Errorf("%s: interest of %s posted twice", f, tr.ValueDate)
			}
			seen[tr.ValueDate] = true
			total++
			through = max(through, tr.ValueDate)
		}
	}
	return total, through
}

// check says that interest is accrued exactly once for every facility and
// day from the advances through through, and that the business date is
// the day after.
func (w *world) check(t *testing.T, through date.Date) {
	t.Helper()
	got, last := w.accruals(t)
	want := len(w.facilities) * (through.Sub(w.first) + 1)
	if got != want || last != through {
		t.Errorf("interest transactions: %d through %s, want %d (%d facilities, %s to %s)", got, last, want, len(w.facilities), w.first, through)
	}
	bd, err := w.st.BusinessDate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if bd.Date != through+1 {
		t.Errorf("business date %s, want %s", bd.Date, through+1)
	}
}

// closeRecords are the audit records of close-of-business runs.
func (w *world) closeRecords(t *testing.T) []store.AuditRecord {
	t.Helper()
	recs, err := w.svc.AuditTrail(ctx, store.AuditFilter{Kind: "close_of_business", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// waitJob waits until the job is completed (or discarded), and returns it.
func waitJob(t *testing.T, q *jobs.Queue, id int64, within time.Duration) jobs.Job {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		j, err := q.Get(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if j.State == "completed" || j.State == "discarded" || j.State == "cancelled" {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %d still %s after %s (attempt %d, errors %q)", id, j.State, within, j.Attempt, j.Errors)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// In one process: a close of business enqueued is run by the workers as
// the actor who asked, once; enqueued again for the same day it is the
// same job; run again (a new job for a day closed) it posts nothing and
// succeeds. Running, Ready and the counters follow.
func TestCloseOfBusinessJob(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.target(t), 2)
			q, err := jobs.Open(ctx, jobs.Config{Store: w.st, Service: w.svc, Work: true})
			if err != nil {
				t.Fatal(err)
			}
			if q.Running() || q.Ready() == nil {
				t.Errorf("before Start: Running %v, Ready %v; want false and an error", q.Running(), q.Ready())
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			if !q.Running() || q.Ready() != nil {
				t.Errorf("after Start: Running %v, Ready %v; want true and nil", q.Running(), q.Ready())
			}
			through := w.first + 40
			by := app.Actor{User: "ops@bank.example", Role: "lender_admin", Via: "revolver cob --queue"}
			j, err := q.EnqueueCloseOfBusiness(ctx, through, by)
			if err != nil {
				t.Fatal(err)
			}
			again, err := q.EnqueueCloseOfBusiness(ctx, through, app.Actor{User: "other@bank.example"})
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != j.ID || !again.Duplicate || j.Duplicate {
				t.Errorf("enqueued twice for %s: jobs %d (duplicate %v) and %d (duplicate %v); want one job", through, j.ID, j.Duplicate, again.ID, again.Duplicate)
			}
			if got := waitJob(t, q, j.ID, 30*time.Second); got.State != "completed" || got.Attempt != 1 {
				t.Fatalf("job %d: %s after %d attempts (%q), want completed after 1", j.ID, got.State, got.Attempt, got.Errors)
			}
			w.check(t, through)
			recs := w.closeRecords(t)
			if len(recs) != 1 || recs[0].Actor != by.User || !strings.Contains(recs[0].Route, fmt.Sprintf("(job %d)", j.ID)) || recs[0].RequestID != fmt.Sprintf("job_%d_1", j.ID) {
				t.Fatalf("close-of-business audit records %+v; want one by %s via the job", recs, by.User)
			}
			// The day again, as a new job (the first is kept as completed
			// by River; a direct insert of a different day is not unique):
			// a day already closed posts nothing and succeeds.
			earlier, err := q.EnqueueCloseOfBusiness(ctx, through-10, by)
			if err != nil {
				t.Fatal(err)
			}
			if got := waitJob(t, q, earlier.ID, 30*time.Second); got.State != "completed" {
				t.Fatalf("job %d for a day already closed: %s (%q), want completed", earlier.ID, got.State, got.Errors)
			}
			w.check(t, through)
			if n := len(w.closeRecords(t)); n != 1 {
				t.Errorf("%d close-of-business audit records after a run that changed nothing, want 1", n)
			}
			s := q.Stats()["close_of_business"]
			if s.Started != 2 || s.Done != 2 || s.Failed != 0 || s.Duration <= 0 {
				t.Errorf("stats %+v; want 2 started, 2 done, 0 failed, a duration", s)
			}
			if err := q.Stop(ctx); err != nil {
				t.Fatal(err)
			}
			if q.Running() {
				t.Error("Running after Stop")
			}
		})
	}
}

func TestSchedule(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	s, err := jobs.ParseSchedule("17:00", "America/New_York", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ now, want time.Time }{
		{time.Date(2006, 12, 29, 9, 0, 0, 0, ny), time.Date(2006, 12, 29, 17, 0, 0, 0, ny)},
		{time.Date(2006, 12, 29, 17, 0, 0, 0, ny), time.Date(2006, 12, 30, 17, 0, 0, 0, ny)},
		{time.Date(2006, 12, 29, 23, 30, 0, 0, time.UTC), time.Date(2006, 12, 30, 17, 0, 0, 0, ny)}, // 18:30 in New York
		// Across the change to daylight saving time: 17:00 local, not 24 h later.
		{time.Date(2007, 3, 10, 18, 0, 0, 0, ny), time.Date(2007, 3, 11, 17, 0, 0, 0, ny)},
	} {
		if got := s.Next(c.now); !got.Equal(c.want) {
			t.Errorf("Next(%s) = %s, want %s", c.now, got, c.want)
		}
	}
	s2, err := jobs.ParseSchedule("17:00:30", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := s2.Next(time.Date(2006, 12, 29, 17, 0, 0, 0, time.UTC)), time.Date(2006, 12, 29, 17, 0, 30, 0, time.UTC); !got.Equal(want) || s2.String() != "17:00:30 UTC" {
		t.Errorf("17:00:30 UTC: Next = %s (%s), want %s", got, s2, want)
	}
	for _, bad := range []struct{ at, zone, want string }{
		{"5pm", "", "expected a time of day HH:MM"},
		{"24:00", "", "expected a time of day HH:MM"},
		{"17:60", "", "expected a time of day HH:MM"},
		{"7:00", "", "expected a time of day HH:MM"},
		{"17:00:60", "", "expected a time of day HH:MM"},
		{"17:00:00:00", "", "expected a time of day HH:MM"},
		{"17:00", "Mars/Olympus", `time zone "Mars/Olympus"`},
	} {
		if _, err := jobs.ParseSchedule(bad.at, bad.zone, nil); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseSchedule(%q, %q): %v, want an error saying %q", bad.at, bad.zone, err, bad.want)
		}
	}
}

// A certificate import enqueued with its reports is submitted by a worker
// as the borrower who asked, once (the same submission again is the same
// job); one with a bad row is refused, audited as a refusal, not retried,
// and stores no certificate.
func TestCertificateImportJob(t *testing.T) {
	read := func(name string) store.InputContent {
		b, err := examples.FS.ReadFile("btu-sovereign/data/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return store.InputContent{Name: name, Content: b}
	}
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.target(t), 1)
			q, err := jobs.Open(ctx, jobs.Config{Store: w.st, Service: w.svc, Work: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { q.Stop(ctx) })
			slug := w.facilities[0]
			by := app.Actor{User: "cfo@btu.example", Role: "borrower", Facilities: []string{slug}, Via: "revolver certificate submit --queue"}
			in := app.CertificateInput{Facility: slug, AsOf: date.MustParse("2004-10-03"), By: by.User,
				Receivables: read("receivables.csv"), Debtors: read("debtors.csv"), Inventory: read("inventory.csv")}
			j, err := q.EnqueueCertificateImport(ctx, in, by)
			if err != nil {
				t.Fatal(err)
			}
			again, err := q.EnqueueCertificateImport(ctx, in, by)
			if err != nil {
				t.Fatal(err)
			}
			if again.ID != j.ID || !again.Duplicate {
				t.Errorf("the same submission enqueued twice: jobs %d and %d (duplicate %v), want one", j.ID, again.ID, again.Duplicate)
			}
			done := waitJob(t, q, j.ID, 30*time.Second)
			if done.State != "completed" {
				t.Fatalf("import job: %s (%q)", done.State, done.Errors)
			}
			var out jobs.CertificateImported
			if err := json.Unmarshal(done.Output, &out); err != nil {
				t.Fatalf("output %s: %v", done.Output, err)
			}
			certs, err := w.st.Certificates(ctx, slug)
			if err != nil {
				t.Fatal(err)
			}
			if len(certs) != 1 || certs[0].ID != out.Certificate || string(certs[0].Status) != "submitted" || out.Status != "submitted" {
				t.Fatalf("certificates %+v, output %+v; want the one submitted", certs, out)
			}

			bad := in
			bad.AsOf = date.MustParse("2004-10-04")
			bad.Receivables = store.InputContent{Name: "receivables.csv", Content: []byte(strings.Replace(string(in.Receivables.Content), ",", ",x", 3))}
			j2, err := q.EnqueueCertificateImport(ctx, bad, by)
			if err != nil {
				t.Fatal(err)
			}
			refused := waitJob(t, q, j2.ID, 30*time.Second)
			if refused.State != "cancelled" || refused.Attempt != 1 || len(refused.Errors) == 0 || !strings.Contains(refused.Errors[0], "receivables.csv") {
				t.Fatalf("bad import: %s after %d attempts (%q); want cancelled after 1 naming the file", refused.State, refused.Attempt, refused.Errors)
			}
			t.Logf("refused: %s", refused.Errors[0])
			if certs, _ := w.st.Certificates(ctx, slug); len(certs) != 1 {
				t.Errorf("%d certificates after a refused import, want 1", len(certs))
			}
			recs, err := w.svc.AuditTrail(ctx, store.AuditFilter{Facility: slug, Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var kinds []string
			for _, r := range recs {
				if r.Actor == by.User {
					kinds = append(kinds, r.Kind+"/"+r.Action+":"+r.Result)
				}
			}
			if len(kinds) != 2 || kinds[0] != "certificate/submit:done" || kinds[1] != "certificate/submit:refused" {
				t.Errorf("audit records of %s: %v; want the submission done, then refused", by.User, kinds)
			}
		})
	}
}

// A job acts with what its user may do when it runs, not when it was
// enqueued: a user disabled while the job waited is refused, the job is
// cancelled (not retried) and nothing is posted.
func TestJobActsAsTheUserIsNow(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.target(t), 1)
			acc := w.st.(store.Accounts)
			u, err := acc.CreateUser(ctx, store.User{Email: "ops@bank.example", Role: store.RoleLenderAdmin, PasswordHash: "x", Created: time.Now()})
			if err != nil {
				t.Fatal(err)
			}
			q, err := jobs.Open(ctx, jobs.Config{Store: w.st, Service: w.svc, Work: true})
			if err != nil {
				t.Fatal(err)
			}
			j, err := q.EnqueueCloseOfBusiness(ctx, w.first+5, app.Actor{User: u.Email, UserID: u.ID, Role: u.Role, Via: "POST /api/v1/close-of-business"})
			if err != nil {
				t.Fatal(err)
			}
			if err := acc.SetUserDisabled(ctx, u.ID, true, time.Now(), nil); err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer q.Stop(ctx)
			got := waitJob(t, q, j.ID, 30*time.Second)
			if got.State != "cancelled" || got.Attempt != 1 || !strings.Contains(strings.Join(got.Errors, " "), "disabled") {
				t.Fatalf("job of a user disabled while it waited: %s after %d attempts (%q), want cancelled after 1, saying disabled", got.State, got.Attempt, got.Errors)
			}
			if n, _ := w.accruals(t); n != 0 {
				t.Errorf("%d interest transactions posted by a refused job, want 0", n)
			}
		})
	}
}

// A close of business that cannot close one facility of three closes the
// other two, and the job fails after them: its errors name the facility
// and the reason (the unknown term's path), its output is the run's
// result with the facility not closed.
func TestCloseOfBusinessJobReportsAFacility(t *testing.T) {
	unknownMargin := agreement.NewFile("2005-01-01-unknown.yaml", []byte(`revolver: amendment/1
facility: btu-sovereign
id: unknown-margin
document: first-amendment
effective: 2005-01-01
order: 1
changes:
  - op: replace
    path: pricing.options.prime.margin
    cite: first-amendment §9
    value:
      unknown: the test does not know it
`))
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			w := newWorld(t, b.target(t), 0)
			var files []agreement.File
			entries, _ := examples.FS.ReadDir("btu-sovereign")
			for _, e := range entries {
				if strings.HasSuffix(e.Name(), ".yaml") {
					data, _ := examples.FS.ReadFile("btu-sovereign/" + e.Name())
					files = append(files, agreement.NewFile(e.Name(), data))
				}
			}
			var txs []ledger.Transaction
			for i, slug := range []string{"f00", "f01", "f02"} {
				fs := append([]agreement.File(nil), files...)
				if i == 1 {
					fs = append(fs, unknownMargin)
				}
				if _, err := w.svc.RegisterFacility(ctx, slug, fs, app.Settings{}, "setup"); err != nil {
					t.Fatal(err)
				}
				tr, _ := ledger.Advance(ledger.Ref{Facility: slug, Key: "a1", ValueDate: w.first}, 1_000_000_00)
				txs = append(txs, tr)
			}
			if _, err := w.st.PostBatch(ctx, txs); err != nil {
				t.Fatal(err)
			}
			q, err := jobs.Open(ctx, jobs.Config{Store: w.st, Service: w.svc, Work: true})
			if err != nil {
				t.Fatal(err)
			}
			if err := q.Start(ctx); err != nil {
				t.Fatal(err)
			}
			defer q.Stop(ctx)
			through := w.first + 9
			j, err := q.EnqueueCloseOfBusiness(ctx, through, app.Actor{User: "ops@bank.example", Role: "lender_admin", Via: "revolver cob --queue"})
			if err != nil {
				t.Fatal(err)
			}
			// The job fails (River will try it again later, as any failed
			// job: once the terms are put right it closes the rest).
			var got jobs.Job
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if got, err = q.Get(ctx, j.ID); err != nil {
					t.Fatal(err)
				}
				if len(got.Errors) > 0 || got.State == "completed" {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("job %d still %s", j.ID, got.State)
				}
			}
			if got.State == "completed" || len(got.Errors) != 1 || !strings.Contains(got.Errors[0], `facility "f01"`) || !strings.Contains(got.Errors[0], "pricing.options.prime.margin") {
				t.Fatalf("job %d: %s, errors %q; want it failed naming f01 and its margin", j.ID, got.State, got.Errors)
			}
			var res app.CloseResult
			if err := json.Unmarshal(got.Output, &res); err != nil {
				t.Fatalf("job output %s: %v", got.Output, err)
			}
			if res.Facilities != 3 || res.Posted != 20 || len(res.Failed) != 1 || res.Failed[0].Facility != "f01" || !strings.Contains(res.Failed[0].Reason, "pricing.options.prime.margin") {
				t.Errorf("job output %+v; want 3 facilities, 20 posted, f01 not closed", res)
			}
			for slug, want := range map[string]int{"f00": 10, "f01": 0, "f02": 10} {
				all, err := w.st.Transactions(ctx, slug)
				if err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, tr := range all {
					if tr.Kind == ledger.KindInterest {
						n++
					}
				}
				if n != want {
					t.Errorf("%s: %d days of interest, want %d", slug, n, want)
				}
			}
		})
	}
}
