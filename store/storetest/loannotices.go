package storetest

import (
	"testing"

	"revolver/store"
)

// testLoanNotices: a loan notice is stored once under its key and read back
// whole (in the transaction and outside it), the same key with other
// content is refused, a second notice for the same loan and period end is
// a conflict, an incomplete notice is invalid, and a refused notice stores
// nothing and leaves the facility's version as it is.
func testLoanNotices(t *testing.T, s store.Store) {
	newFacility(t, s, "f")
	newFacility(t, s, "g")
	n := store.LoanNotice{Facility: "f", Key: "notice-1", Loan: 7, PeriodEnd: d("2006-03-01"), Kind: store.LoanContinue,
		Option: "sofr", InterestPeriod: "3m", GivenBy: "treasurer@borrower", GivenAt: t0, BusinessDate: d("2006-02-24")}
	var first store.LoanNotice
	if err := s.Update(ctx, "f", func(tx store.Tx) error {
		var replay bool
		var err error
		if first, replay, err = tx.AddLoanNotice(n); replay {
			t.Errorf("first notice is a replay")
		}
		return err
	}); err != nil || first.ID == 0 {
		t.Fatalf("notice: %+v, %v", first, err)
	}
	if err := s.Update(ctx, "f", func(tx store.Tx) error {
		again, replay, err := tx.AddLoanNotice(n)
		if !replay || again.ID != first.ID {
			t.Errorf("same key and content: %+v replay %v", again, replay)
		}
		in, err2 := tx.LoanNotices()
		if len(in) != 1 || in[0].ID != first.ID {
			t.Errorf("in the transaction: %+v, %v", in, err2)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	version := func() int64 {
		vs := must(s.FacilityVersions(ctx)).of(t)
		for _, v := range vs {
			if v.Facility.Slug == "f" {
				return v.Version
			}
		}
		t.Fatal("no version of f")
		return 0
	}
	v0 := version()
	other := n
	other.InterestPeriod = "1m"
	wantCode(t, s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.AddLoanNotice(other); return err }), store.CodeIdempotencyMismatch)
	second := n
	second.Key, second.Kind, second.Option, second.InterestPeriod = "notice-2", store.LoanConvert, "prime", ""
	wantCode(t, s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.AddLoanNotice(second); return err }), store.CodeConflict)
	for _, bad := range []store.LoanNotice{
		{Facility: "f", Key: "b1", Loan: 7, PeriodEnd: d("2006-06-01"), Kind: "renew", Option: "sofr", GivenBy: "x", GivenAt: t0},
		{Facility: "f", Key: "b2", Loan: 0, PeriodEnd: d("2006-06-01"), Kind: store.LoanConvert, Option: "prime", GivenBy: "x", GivenAt: t0},
		{Facility: "f", Key: "b3", Loan: 7, PeriodEnd: d("2006-06-01"), Kind: store.LoanConvert, GivenBy: "x", GivenAt: t0},
		{Facility: "g", Key: "b4", Loan: 7, PeriodEnd: d("2006-06-01"), Kind: store.LoanConvert, Option: "prime", GivenBy: "x", GivenAt: t0},
	} {
		wantCode(t, s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.AddLoanNotice(bad); return err }), store.CodeInvalid)
	}
	if v := version(); v != v0 {
		t.Errorf("refused notices moved the version %d → %d", v0, v)
	}
	// The next period of the same loan takes its own notice.
	next := second
	next.PeriodEnd, next.BusinessDate = d("2006-06-01"), 0
	must(0, s.Update(ctx, "f", func(tx store.Tx) error { _, _, err := tx.AddLoanNotice(next); return err })).of(t)
	if v := version(); v <= v0 {
		t.Errorf("a notice did not raise the version (%d → %d)", v0, v)
	}
	got := must(s.LoanNotices(ctx, "f")).of(t)
	want := first
	want.GivenAt = store.Truncate(t0)
	if len(got) != 2 || got[0] != want || got[1].Kind != store.LoanConvert || got[1].InterestPeriod != "" || got[1].BusinessDate != 0 {
		t.Errorf("read back %+v\nwant first %+v", got, want)
	}
	if g := must(s.LoanNotices(ctx, "g")).of(t); len(g) != 0 {
		t.Errorf("facility g: %+v", g)
	}
}
