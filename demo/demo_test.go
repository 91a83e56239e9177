package demo

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/defaults"
	"revolver/examples"
	"revolver/ledger"
	"revolver/store"
	"revolver/store/sqlite"
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

func TestLoadTwice(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "demo.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var log bytes.Buffer
	r1, err := Load(ctx, st, &log)
	if err != nil {
		t.Fatalf("first load: %v\n%s", err, log.String())
	}
	t.Logf("first load: %+v\n%s", r1, log.String())
	if r1.Certificates != 36 || r1.Advances < 20 {
		t.Fatalf("first load: %+v", r1)
	}
	txs1, _ := st.Transactions(ctx, Slug)
	r2, err := Load(ctx, st, nil)
	if err != nil {
		t.Fatalf("second load: %v", err)
	}
	if r2.Created != 0 {
		t.Fatalf("second load created %+v", r2)
	}
	txs2, _ := st.Transactions(ctx, Slug)
	if len(txs1) != len(txs2) {
		t.Fatalf("transactions %d then %d", len(txs1), len(txs2))
	}
	certs, _ := st.Certificates(ctx, Slug)
	if len(certs) != 36 {
		t.Fatalf("%d certificates", len(certs))
	}
	for _, c := range certs {
		if c.Status != store.Approved {
			t.Fatalf("certificate %d %s", c.ID, c.Status)
		}
	}
	bal, _ := st.Balances(ctx, Slug, date.MustParse("2006-12-31"))
	if bal[ledger.Loans] <= 0 || bal[ledger.InterestReceivable] <= 0 || bal[ledger.FeesReceivable] != 2_000_000 || bal[ledger.LCOutstanding] != 0 {
		t.Fatalf("balances at the end of 2006: %v", bal)
	}
	users, _ := st.UserByEmail(ctx, "controller@btu.example")
	if len(users.Facilities) != 1 {
		t.Fatalf("controller %+v", users)
	}
	hist, _ := st.FinancialsHistory(ctx, Slug, date.MustParse("2006-07-02"))
	if len(hist) != 2 {
		t.Fatalf("Q2 2006 submissions: %d", len(hist))
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
}
