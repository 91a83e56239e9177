package app

import (
	"strings"
	"testing"
	"time"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// TestLenderReserves: a lender reserve is in force only once a second
// lender approves it (the one who set it may not; a borrower may not set
// one); availability on a date deducts the reserves in force on it as
// known at the time asked — an approval today does not change yesterday's
// availability as known yesterday, and the answer as known now says why it
// differs; a reserve at the line comes off min(commitment, borrowing base),
// one at the borrowing base off the borrowing base; a release is a new
// record ending it, after which it no longer applies.
func TestLenderReserves(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2005, 4, 14, 13, 0, 0, 0, time.UTC))
		c.open("2005-04-14", 13)
		c.certificate("2005-03-31", 10_000_000_00) // commitment 14,000,000.00: the borrowing base binds
		c.open("2005-04-15", 9)
		rent := ReserveInput{ID: "rent-dal", Placement: "borrowing_base", Amount: 250_000_00, From: date.MustParse("2005-04-15"),
			Reason: "landlord of the Dallas warehouse unpaid", By: "officer1@bank"}
		bad := rent
		bad.Reason = ""
		_, err := c.SetReserve(c.ctx, "btu", bad)
		wantErrCode(t, "no reason", err, store.CodeInvalid)
		_, err = c.SetReserve(WithActor(c.ctx, Actor{User: "controller@btu", UserID: 9, Role: store.RoleBorrower, Facilities: []string{"btu"}}), "btu", rent)
		wantErrCode(t, "a borrower sets a reserve", err, store.CodeForbidden)
		r, err := c.SetReserve(c.ctx, "btu", rent)
		if err != nil || r.Status != ReservePending || r.SetBy != "officer1@bank" {
			t.Fatalf("set: %+v %v", r, err)
		}
		_, err = c.SetReserve(c.ctx, "btu", rent)
		wantErrCode(t, "the same id again", err, store.CodeConflict)
		if a := c.availability("2005-04-15", time.Time{}); a.Available != 10_000_000_00 || len(a.Reserves) != 0 {
			t.Fatalf("pending reserve applied: available %s, reserves %+v", a.Available, a.Reserves)
		}
		_, err = c.ApproveReserve(c.ctx, "btu", "rent-dal", "officer1@bank")
		wantErrCode(t, "the maker approves", err, store.CodeForbidden)
		c.at = c.at.Add(time.Hour) // 10:00
		beforeApproval := c.at
		c.at = c.at.Add(time.Hour) // 11:00
		if r, err = c.ApproveReserve(c.ctx, "btu", "rent-dal", "officer2@bank"); err != nil || r.Status != ReserveApproved || r.ApprovedBy != "officer2@bank" {
			t.Fatalf("approve: %+v %v", r, err)
		}
		_, err = c.ApproveReserve(c.ctx, "btu", "rent-dal", "officer3@bank")
		wantErrCode(t, "approved twice", err, store.CodeConflict)

		now := c.availability("2005-04-15", time.Time{})
		if now.Available != 9_750_000_00 || now.BaseReserves != 250_000_00 || now.CertificateBase != 9_750_000_00 || now.LineReserves != 0 {
			t.Errorf("as known now: available %s, base reserves %s, borrowing base %s", now.Available, now.BaseReserves, now.CertificateBase)
		}
		then := c.availability("2005-04-15", beforeApproval)
		if then.Available != 10_000_000_00 || len(then.Reserves) != 0 {
			t.Errorf("as known before the approval: available %s, reserves %+v; want 10,000,000.00 and none", then.Available, then.Reserves)
		}
		if h := then.Hindsight; h == nil || h.Availability.Available != 9_750_000_00 || !strings.Contains(strings.Join(h.Why, "\n"), "lender reserve rent-dal") {
			t.Errorf("hindsight %+v", then.Hindsight)
		}
		if rs, err := c.Reserves(c.ctx, "btu", date.MustParse("2005-04-15"), beforeApproval); err != nil || len(rs) != 0 {
			t.Errorf("reserves in force as known before the approval: %+v %v", rs, err)
		}
		if rs, err := c.Reserves(c.ctx, "btu", date.MustParse("2005-04-15"), time.Time{}); err != nil || len(rs) != 1 || rs[0].ID != "rent-dal" {
			t.Errorf("reserves in force now: %+v %v", rs, err)
		}

		// An availability block under the line from the 18th.
		block := ReserveInput{ID: "block", Kind: "availability_block", Amount: 100_000_00, From: date.MustParse("2005-04-18"), Reason: "field exam findings", By: "officer2@bank"}
		if _, err := c.SetReserve(c.ctx, "btu", block); err != nil {
			t.Fatal(err)
		}
		if _, err := c.ApproveReserve(c.ctx, "btu", "block", "officer1@bank"); err != nil {
			t.Fatal(err)
		}
		a := c.availability("2005-04-18", time.Time{})
		if a.Limit != 9_750_000_00 || a.LineReserves != 100_000_00 || a.Available != 9_650_000_00 {
			t.Errorf("on the 18th: limit %s, line reserves %s, available %s; want 9,750,000.00, 100,000.00, 9,650,000.00", a.Limit, a.LineReserves, a.Available)
		}
		if c.availability("2005-04-15", time.Time{}).Available != 9_750_000_00 {
			t.Errorf("the block from the 18th changes the 15th")
		}
		if n := a.Explain().Find("availability.line_reserves"); n == nil || n.Value != "100000.00" {
			t.Errorf("explanation of the line reserves: %+v", n)
		}

		// Released through the 20th: not in force on the 21st.
		_, err = c.ReleaseReserve(c.ctx, "btu", "rent-dal", date.MustParse("2005-04-20"), "", "officer1@bank")
		wantErrCode(t, "release without a reason", err, store.CodeInvalid)
		if r, err = c.ReleaseReserve(c.ctx, "btu", "rent-dal", date.MustParse("2005-04-20"), "rent paid", "officer1@bank"); err != nil || r.Until != date.MustParse("2005-04-20") {
			t.Fatalf("release: %+v %v", r, err)
		}
		if got := c.availability("2005-04-20", time.Time{}).Available; got != 9_650_000_00 {
			t.Errorf("on the 20th: %s, want 9,650,000.00", got)
		}
		if got := c.availability("2005-04-21", time.Time{}).Available; got != money.Amount(9_900_000_00) {
			t.Errorf("on the 21st: %s, want 9,900,000.00 (the block only)", got)
		}
		recs, err := s.ReserveRecords(c.ctx, "btu")
		if err != nil || len(recs) != 5 {
			t.Errorf("records %d %v; want 5 (two sets, two approvals, one release)", len(recs), err)
		}
	})
}
