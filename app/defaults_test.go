package app

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"revolver/agreement"
	"revolver/covenant"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
	"revolver/store/postgres"
	"revolver/store/sqlite"
)

var pgSchemaSeq atomic.Int64

// defaultsBackends opens an empty store on SQLite, and on PostgreSQL when
// REVOLVER_TEST_DATABASE_URL is set.
func defaultsBackends(t *testing.T, f func(t *testing.T, s store.Store)) {
	t.Run("sqlite", func(t *testing.T) {
		s, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "d.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		f(t, s)
	})
	t.Run("postgres", func(t *testing.T) {
		url := os.Getenv("REVOLVER_TEST_DATABASE_URL")
		if url == "" {
			t.Skip("set REVOLVER_TEST_DATABASE_URL to run on PostgreSQL")
		}
		ctx := context.Background()
		admin, err := pgxpool.New(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		schema := fmt.Sprintf("revolver_app_test_%d_%d", time.Now().UnixNano(), pgSchemaSeq.Add(1))
		if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			t.Fatal(err)
		}
		sep := "?"
		if strings.Contains(url, "?") {
			sep = "&"
		}
		s, err := postgres.Open(ctx, url+sep+"search_path="+schema)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			s.Close()
			admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		})
		f(t, s)
	})
}

// btu registers the example facility with the Loan Modification Agreement
// performed at closing (lmaPerformed) and returns its service.
func btu(t *testing.T, s store.Store) *Service {
	t.Helper()
	svc := btuBare(t, s)
	lmaPerformed(t, svc, "btu")
	return svc
}

// btuBare registers the example facility, no fact recorded.
func btuBare(t *testing.T, s store.Store) *Service {
	t.Helper()
	var files []agreement.File
	entries, _ := examples.FS.ReadDir("btu-sovereign")
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".yaml") {
			b, _ := examples.FS.ReadFile("btu-sovereign/" + e.Name())
			files = append(files, agreement.NewFile(e.Name(), b))
		}
	}
	now := time.Date(2006, 6, 1, 12, 0, 0, 0, time.UTC)
	svc := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: func() time.Time { return now }}
	if _, err := svc.RegisterFacility(context.Background(), "btu", files, Settings{}, "setup"); err != nil {
		t.Fatal(err)
	}
	return svc
}

// lmaPerformed records, as known on 5 February 2004, the fee of the Loan
// Modification Agreement §II.A paid at closing and its §III.F costs paid
// that day, as the demo does: without them every later date has the LMA
// §III.D(i) event of default of their being overdue, which tests of other
// defaults, advances and availability do not concern.
func lmaPerformed(t *testing.T, svc *Service, slug string) {
	t.Helper()
	now := svc.Now
	defer func() { svc.Now = now }()
	svc.Now = func() time.Time { return time.Date(2004, 2, 5, 22, 0, 0, 0, time.UTC) }
	for _, e := range []defaults.Event{
		{Kind: "fee_paid", Ref: "transaction_fee", Date: date.MustParse("2004-01-28"), Note: "paid by wire at closing"},
		{Kind: "costs_paid", Ref: "lma_costs", Date: date.MustParse("2004-02-05"), Note: "counsel's invoice paid"},
	} {
		if _, err := svc.RecordOccurrence(context.Background(), FactInput{Facility: slug, Key: "lma-" + e.Kind, By: "setup"}, e); err != nil {
			t.Fatal(err)
		}
	}
}

func in(key, by string) FactInput { return FactInput{Facility: "btu", Key: key, By: by} }

func et(s string) time.Time {
	loc, _ := time.LoadLocation("America/New_York")
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// A waiver needs a second lender: the requester cannot approve it; another
// lender can, once; the default then no longer continues.
func TestWaiverNeedsSecondApprover(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		eod, err := svc.RecordDefault(ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-06-01"), Description: "merger agreed without consent"})
		if err != nil {
			t.Fatal(err)
		}
		if eod.ID == "" || eod.Replayed {
			t.Fatalf("recorded %+v", eod)
		}
		// Before any request, nothing to approve.
		if _, err := svc.ApproveWaiver(ctx, in("ap0", "officer2@bank"), eod.ID, 0); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("approve without a request: %v, want not_found", err)
		}
		// ¶16: the waiver must name the agreement.
		if _, err := svc.RequestWaiver(ctx, in("wr-bad", "officer1@bank"), WaiverRequest{Default: eod.ID, Date: d("2005-07-01")}); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "¶16") {
			t.Errorf("waiver naming no agreement: %v, want invalid citing ¶16", err)
		}
		req, err := svc.RequestWaiver(ctx, in("wr", "officer1@bank"), WaiverRequest{Default: eod.ID, Date: d("2005-07-01"), Agreement: "security-agreement", Note: "consented in writing"})
		if err != nil {
			t.Fatal(err)
		}
		// The requester may not approve.
		if _, err := svc.ApproveWaiver(ctx, in("ap1", "officer1@bank"), eod.ID, 0); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("requester approving: %v, want forbidden", err)
		}
		rep, err := svc.DefaultsReport(ctx, "btu", d("2005-08-01"))
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Defaults) != 1 || !rep.Defaults[0].Continuing {
			t.Fatalf("before approval: %+v", rep.Defaults)
		}
		ap, err := svc.ApproveWaiver(ctx, in("ap2", "officer2@bank"), eod.ID, req.Record.ID)
		if err != nil {
			t.Fatal(err)
		}
		again, err := svc.ApproveWaiver(ctx, in("ap2", "officer2@bank"), eod.ID, req.Record.ID)
		if err != nil || !again.Replayed || again.Record.ID != ap.Record.ID {
			t.Errorf("replay: %+v %v", again, err)
		}
		if _, err := svc.ApproveWaiver(ctx, in("ap3", "officer3@bank"), eod.ID, req.Record.ID); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("second approval: %v, want conflict", err)
		}
		rep, err = svc.DefaultsReport(ctx, "btu", d("2005-08-01"))
		if err != nil {
			t.Fatal(err)
		}
		got := rep.Defaults[0]
		if got.Continuing || got.Status != defaults.StageWaived || got.Waiver == nil || got.Waiver.RequestedBy != "officer1@bank" || got.Waiver.ApprovedBy != "officer2@bank" {
			t.Errorf("after approval: %+v (problems %v)", got, rep.Problems)
		}
		// Before the waiver's date the default still continued.
		rep, _ = svc.DefaultsReport(ctx, "btu", d("2005-06-15"))
		if !rep.Defaults[0].Continuing {
			t.Errorf("on 2005-06-15 the default should continue: %+v", rep.Defaults[0])
		}
	})
}

// While a recorded event of default continues, the stored terms say so and
// an advance is refused (the terms block advances on default); a cure lifts
// it only when a second lender approves it: the officer who recorded the
// default and asked for the cure cannot end it alone.
func TestAdvanceRefusedWhileDefaultContinues(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		ft, err := svc.Terms.Terms(ctx, "btu", d("2005-06-10"))
		if err != nil || ft.DefaultContinuing || !ft.BlocksOnDefault {
			t.Fatalf("before: %+v %v", ft, err)
		}
		eod, err := svc.RecordDefault(ctx, in("eod", "officer1@bank"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-06-01"), Description: "dissolved"})
		if err != nil {
			t.Fatal(err)
		}
		svc.Terms.(*StoredTerms).Invalidate("btu")
		if ft, _ = svc.Terms.Terms(ctx, "btu", d("2005-06-10")); !ft.DefaultContinuing {
			t.Fatalf("terms after the default: DefaultContinuing false")
		}
		if ft, _ = svc.Terms.Terms(ctx, "btu", d("2005-05-31")); ft.DefaultContinuing {
			t.Errorf("the day before it occurred: DefaultContinuing true")
		}
		_, err = svc.Advance(ctx, AdvanceRequest{Facility: "btu", Key: "adv", Amount: money.Amount(100_00), ValueDate: d("2005-06-10")})
		if store.ErrorCode(err) != ledger.CodeDefaultContinuing {
			t.Fatalf("advance while the default continues: %v, want %s", err, ledger.CodeDefaultContinuing)
		}
		cure, err := svc.DefaultAction(ctx, in("cure", "officer1@bank"), eod.ID, defaults.ActionCure, d("2005-06-20"), "reinstated")
		if err != nil {
			t.Fatal(err)
		}
		if !cure.Pending || cure.Request == nil || cure.Request.Kind != defaults.RequestCure {
			t.Fatalf("cure by one officer: %+v, want a pending request", cure)
		}
		_, err = svc.Advance(ctx, AdvanceRequest{Facility: "btu", Key: "adv1", Amount: money.Amount(100_00), ValueDate: d("2005-06-21")})
		if store.ErrorCode(err) != ledger.CodeDefaultContinuing {
			t.Fatalf("advance after a cure only requested: %v, want %s", err, ledger.CodeDefaultContinuing)
		}
		ds, err := svc.DefaultsContinuing(ctx, "btu", d("2005-06-21"), time.Time{})
		if err != nil || len(ds) != 1 || len(ds[0].Pending) != 1 || !strings.Contains(ds[0].Why, "cure requested by officer1@bank waits") {
			t.Fatalf("continuing with the cure pending: %+v %v", ds, err)
		}
		if _, err := svc.DecideRequest(ctx, in("cure-ok-1", "officer1@bank"), cure.Record.ID, true, ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Fatalf("the requester approves the cure: %v, want forbidden", err)
		}
		if _, err := svc.DecideRequest(ctx, in("cure-ok-2", "officer2@bank"), cure.Record.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Advance(ctx, AdvanceRequest{Facility: "btu", Key: "adv2", Amount: money.Amount(100_00), ValueDate: d("2005-06-21")})
		if store.ErrorCode(err) == ledger.CodeDefaultContinuing {
			t.Errorf("advance after the cure: %v", err)
		}
		// Acceleration needs the notice of the default first.
		if _, err := svc.DefaultAction(ctx, in("acc", "officer1@bank"), eod.ID, defaults.ActionAcceleration, d("2005-06-05"), ""); store.ErrorCode(err) != store.CodeInvalid {
			t.Errorf("acceleration without notice: %v, want invalid", err)
		}
	})
}

// The report of a stored facility equals the engine's on the same facts
// given directly, and the records keep their idempotency.
func TestStoredFactsMatchEngine(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btuBare(t, s)
		d := date.MustParse
		// A courier notice deposited on the Friday before Memorial Day 2006
		// takes effect on Tuesday.
		n, err := svc.RecordNotice(ctx, in("n1", "officer1@bank"), defaults.Notice{From: "lender", To: "borrower", Subject: "casualty_overadvance", Method: "courier", Sent: et("2006-05-26 16:30")})
		if err != nil {
			t.Fatal(err)
		}
		if n.Effect == nil || n.Effect.Date != d("2006-05-30") || !strings.Contains(n.Effect.Rule, "Business Day after deposit") {
			t.Fatalf("effect %+v", n.Effect)
		}
		again, err := svc.RecordNotice(ctx, in("n1", "officer1@bank"), defaults.Notice{From: "lender", To: "borrower", Subject: "casualty_overadvance", Method: "courier", Sent: et("2006-05-26 16:30")})
		if err != nil || !again.Replayed || again.Record.ID != n.Record.ID {
			t.Errorf("replay: %+v %v", again, err)
		}
		if _, err := svc.RecordNotice(ctx, in("n1", "officer1@bank"), defaults.Notice{From: "lender", To: "borrower", Subject: "casualty_overadvance", Method: "courier", Sent: et("2006-05-26 16:31")}); store.ErrorCode(err) != store.CodeIdempotencyMismatch {
			t.Errorf("other content under the key: %v", err)
		}
		fax, err := svc.RecordNotice(ctx, in("n2", "officer1@bank"), defaults.Notice{From: "borrower", To: "lender", Subject: "records_move", Method: "fax", Sent: et("2006-04-03 10:00")})
		if err != nil || fax.Effect.Effective {
			t.Fatalf("unconfirmed fax: %+v %v", fax, err)
		}
		conf := et("2006-04-03 10:05")
		if c, err := svc.ConfirmNotice(ctx, in("n2c", "officer1@bank"), fax.ID, &conf, nil); err != nil || !c.Effect.Effective || c.Effect.Date != d("2006-04-03") {
			t.Fatalf("confirmation: %+v %v", c, err)
		}
		steps := []func() (Recorded, error){
			func() (Recorded, error) {
				return svc.RecordOccurrence(ctx, in("o1", "officer1@bank"), defaults.Event{Kind: "records_move", Date: d("2006-05-01")})
			},
			func() (Recorded, error) {
				return svc.RecordOccurrence(ctx, in("o2", "officer1@bank"), defaults.Event{Kind: "delivered", Ref: "other_documents", Date: d("2004-01-28")})
			},
			func() (Recorded, error) {
				ev := d("2005-12-20")
				return svc.RecordPolicy(ctx, in("p1", "officer1@bank"), defaults.Policy{ID: "INV-1", Insurer: "Mutual", Covers: []string{"inventory", "other_tangible_collateral"},
					Effective: d("2006-01-01"), Expires: d("2006-12-31"), LossPayee: "lender", CancellationNoticeDays: 10, Evidenced: &ev})
			},
			func() (Recorded, error) {
				return svc.RecordFiling(ctx, in("u1", "officer1@bank"), defaults.FilingRecord{Filing: "ucc1", Number: "4-0123", Filed: d("2004-02-02")}, "Delaware")
			},
			func() (Recorded, error) {
				return svc.RecordOtherDebt(ctx, in("x1", "officer1@bank"), defaults.OtherDebt{ID: "note-7", Creditor: "Other Bank", Amount: money.Amount(60_000_00), Due: d("2006-03-01")})
			},
			func() (Recorded, error) {
				// The same debt later: disputed in good faith with adequate reserves.
				return svc.RecordOtherDebt(ctx, in("x2", "officer1@bank"), defaults.OtherDebt{ID: "note-7", Creditor: "Other Bank", Amount: money.Amount(60_000_00), Due: d("2006-03-01"), Disputed: true, ReservesAdequate: true})
			},
		}
		for i, st := range steps {
			if _, err := st(); err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
		}
		for _, asOf := range []string{"2006-03-15", "2006-05-30", "2006-06-01", "2006-12-31"} {
			got, err := svc.DefaultsReport(ctx, "btu", d(asOf))
			if err != nil {
				t.Fatal(err)
			}
			terms, _ := svc.agreementAt(ctx, "btu", d(asOf))
			recs, _ := s.FactRecords(ctx, "btu")
			// The same facts written by hand with the ids the records give.
			ev := d("2005-12-20")
			c := conf.In(et("2006-01-01 00:00").Location())
			facts := defaults.Facts{
				Notices: []defaults.Notice{
					{ID: fmt.Sprintf("notice-%d", recs[0].ID), From: "lender", To: "borrower", Subject: "casualty_overadvance", Method: "courier", Sent: et("2006-05-26 16:30")},
					{ID: fmt.Sprintf("notice-%d", recs[1].ID), From: "borrower", To: "lender", Subject: "records_move", Method: "fax", Sent: et("2006-04-03 10:00"), Confirmed: &c},
				},
				Events: []defaults.Event{{ID: fmt.Sprintf("occ-%d", recs[3].ID), Kind: "records_move", Date: d("2006-05-01")},
					{ID: fmt.Sprintf("occ-%d", recs[4].ID), Kind: "delivered", Ref: "other_documents", Date: d("2004-01-28")}},
				Policies: []defaults.Policy{{ID: "INV-1", Insurer: "Mutual", Covers: []string{"inventory", "other_tangible_collateral"},
					Effective: d("2006-01-01"), Expires: d("2006-12-31"), LossPayee: "lender", CancellationNoticeDays: 10, Evidenced: &ev}},
				Filings:    []defaults.FilingRecord{{Filing: "ucc1", Number: "4-0123", Filed: d("2004-02-02")}},
				OtherDebts: []defaults.OtherDebt{{ID: "note-7", Creditor: "Other Bank", Amount: money.Amount(60_000_00), Due: d("2006-03-01"), Disputed: true, ReservesAdequate: true}},
			}
			loc, _ := time.LoadLocation("America/New_York")
			want, err := defaults.Evaluate(terms, facts, d(asOf), loc)
			if err != nil {
				t.Fatal(err)
			}
			want.Facility = "btu"
			gj, _ := json.Marshal(got)
			wj, _ := json.Marshal(want)
			if string(gj) != string(wj) {
				t.Errorf("as of %s: stored facts give\n%s\nthe engine on the same facts gives\n%s", asOf, gj, wj)
			}
			if asOf == "2006-06-01" {
				var found bool
				for _, dl := range got.Deadlines {
					if strings.HasPrefix(dl.ID, "obligation:casualty_cure:") {
						found = true
						if dl.Due != d("2006-06-29") || dl.Status != defaults.StatusComing {
							t.Errorf("casualty cure deadline %+v, want coming 2006-06-29 (30 days from Tue 2006-05-30)", dl)
						}
					}
				}
				if !found {
					t.Errorf("no casualty cure deadline in %+v", got.Deadlines)
				}
			}
		}
	})
}

// Bad facts are refused with what was found and expected, and store nothing.
func TestFactsRefused(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "d.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	svc := btuBare(t, s)
	d := date.MustParse
	for name, f := range map[string]func() error{
		"unknown event": func() error {
			_, err := svc.RecordDefault(ctx, in("a", "o"), defaults.DefaultRecord{Event: "7.9(z)", Occurred: d("2005-01-01"), Description: "x"})
			return err
		},
		"unknown method": func() error {
			_, err := svc.RecordNotice(ctx, in("b", "o"), defaults.Notice{From: "lender", To: "borrower", Subject: "sale", Method: "pigeon", Sent: et("2006-01-03 10:00")})
			return err
		},
		"unknown party": func() error {
			_, err := svc.RecordNotice(ctx, in("c", "o"), defaults.Notice{From: "lender", To: "someone", Subject: "sale", Method: "courier", Sent: et("2006-01-03 10:00")})
			return err
		},
		"notice of a default that has not occurred": func() error {
			_, err := svc.NoticeOfDefault(ctx, in("d", "o"), "eod-999", defaults.Notice{Method: "courier", Sent: et("2006-01-03 10:00")})
			return err
		},
		"policy payable to the borrower's party unknown": func() error {
			_, err := svc.RecordPolicy(ctx, in("e", "o"), defaults.Policy{ID: "P", Insurer: "I", Effective: d("2006-01-01"), Expires: d("2007-01-01"), LossPayee: "nobody"})
			return err
		},
		"filing not of the terms": func() error {
			_, err := svc.RecordFiling(ctx, in("f", "o"), defaults.FilingRecord{Filing: "ucc9", Filed: d("2004-02-02")}, "")
			return err
		},
		"filing in another state": func() error {
			_, err := svc.RecordFiling(ctx, in("f2", "o"), defaults.FilingRecord{Filing: "ucc1", Filed: d("2004-02-02")}, "Massachusetts")
			return err
		},
		"delivery of an item not on the checklist": func() error {
			_, err := svc.RecordOccurrence(ctx, in("g", "o"), defaults.Event{Kind: "delivered", Ref: "cake", Date: d("2004-01-28")})
			return err
		},
		"negative debt": func() error {
			_, err := svc.RecordOtherDebt(ctx, in("h", "o"), defaults.OtherDebt{ID: "n", Creditor: "c", Amount: -1, Due: d("2006-01-01")})
			return err
		},
	} {
		err := f()
		if code := store.ErrorCode(err); code != store.CodeInvalid && code != store.CodeNotFound {
			t.Errorf("%s: %v, want invalid or not_found", name, err)
		}
	}
	if recs, _ := s.FactRecords(ctx, "btu"); len(recs) != 0 {
		t.Errorf("refused facts stored: %+v", recs)
	}
}

// BenchmarkStoredTermsWithFacts: the terms an advance is checked against,
// with no fact records and with 40 (events of default, notices, cures,
// policies, other debts), on SQLite.
func BenchmarkStoredTermsWithFacts(b *testing.B) {
	for _, n := range []int{0, 40} {
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			ctx := context.Background()
			s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "b.db"))
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			svc := btu(&testing.T{}, s)
			d := date.MustParse
			for i := 0; i < n/4; i++ {
				eod, err := svc.RecordDefault(ctx, in(fmt.Sprint("e", i), "o"), defaults.DefaultRecord{Event: "dissolution", Occurred: d("2005-01-01").AddDays(i), Description: "x"})
				if err != nil {
					b.Fatal(err)
				}
				cure, err := svc.DefaultAction(ctx, in(fmt.Sprint("c", i), "o"), eod.ID, defaults.ActionCure, d("2005-01-01").AddDays(i+1), "")
				if err != nil {
					b.Fatal(err)
				}
				if _, err := svc.DecideRequest(ctx, in(fmt.Sprint("ca", i), "o2"), cure.Record.ID, true, ""); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.RecordOtherDebt(ctx, in(fmt.Sprint("x", i), "o"), defaults.OtherDebt{ID: fmt.Sprint("debt", i), Creditor: "c", Amount: 1000_00, Due: d("2006-01-01")}); err != nil {
					b.Fatal(err)
				}
				if _, err := svc.RecordNotice(ctx, in(fmt.Sprint("n", i), "o"), defaults.Notice{From: "lender", To: "borrower", Subject: "sale", Method: "courier", Sent: et("2005-03-01 10:00")}); err != nil {
					b.Fatal(err)
				}
			}
			b.ResetTimer()
			for b.Loop() {
				if _, err := svc.Terms.Terms(ctx, "btu", d("2006-06-01")); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A quarter's statements are tested when they are recorded: a failed test
// is an event of default the availability check sees, until it is waived
// by a second lender (Schedule A; Security Agreement ¶16); a restatement
// records the period's results again.
func TestStatementsRecordCovenantTests(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		ctx := context.Background()
		svc := btu(t, s)
		d := date.MustParse
		data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
		if err != nil {
			t.Fatal(err)
		}
		sts, err := covenant.ReadStatements("financials.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		var q1 []covenant.Statement // fiscal 2005 Q1: net income -1,236,480.00
		for _, st := range sts {
			if st.PeriodEnd <= d("2005-04-03") {
				q1 = append(q1, st)
			}
		}
		if _, _, err := svc.AddStatementsAt(ctx, "btu", q1, "controller@btu", et("2005-05-18 16:00")); err != nil {
			t.Fatal(err)
		}
		svc.Terms.(*StoredTerms).Invalidate("btu")
		_, err = svc.Advance(ctx, AdvanceRequest{Facility: "btu", Key: "adv", Amount: money.Amount(100_00), ValueDate: d("2005-05-20")})
		if store.ErrorCode(err) != ledger.CodeDefaultContinuing {
			t.Fatalf("advance after a failed net income test: %v, want %s", err, ledger.CodeDefaultContinuing)
		}
		id := "covenant_failed:minimum_net_income:2005-04-03"
		w := WaiverRequest{Default: id, Date: d("2005-05-25"), Agreement: "original-loan-agreement", Covenant: "minimum_net_income", Period: d("2005-04-03")}
		req, err := svc.RequestWaiver(ctx, in("w", "officer1@bank"), w)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.ApproveWaiver(ctx, in("wa", "officer2@bank"), id, req.Record.ID); err != nil {
			t.Fatal(err)
		}
		svc.Terms.(*StoredTerms).Invalidate("btu")
		if _, err = svc.Advance(ctx, AdvanceRequest{Facility: "btu", Key: "adv2", Amount: money.Amount(100_00), ValueDate: d("2005-05-26")}); store.ErrorCode(err) == ledger.CodeDefaultContinuing {
			t.Errorf("advance after the waiver: %v", err)
		}
	})
}
