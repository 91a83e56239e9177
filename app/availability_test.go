package app

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"revolver/covenant"
	"revolver/date"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// clocked is the BTU facility (btu) with a clock the test moves.
type clocked struct {
	*Service
	t   *testing.T
	at  time.Time
	ctx context.Context
}

func newClocked(t *testing.T, s store.Store, at time.Time) *clocked {
	c := &clocked{Service: btu(t, s), t: t, at: at, ctx: context.Background()}
	c.Now = func() time.Time { return c.at }
	return c
}

// open moves the business date to d and the clock to hh:00 UTC on it.
func (c *clocked) open(d string, hh int) {
	c.t.Helper()
	c.at = date.MustParse(d).Time().Add(time.Duration(hh) * time.Hour)
	if _, err := c.OpenBusinessDate(c.ctx, date.MustParse(d), "test", "test"); err != nil {
		c.t.Fatal(err)
	}
}

// certificate stores a certificate of btu as of asOf with borrowing base bb,
// approved now.
func (c *clocked) certificate(asOf string, bb money.Amount) store.Certificate {
	c.t.Helper()
	st := c.Store
	cert, err := st.CreateCertificate(c.ctx, store.Certificate{Facility: "btu", AsOf: date.MustParse(asOf), PreparedBy: "controller@btu", CreatedAt: c.at})
	if err != nil {
		c.t.Fatal(err)
	}
	if _, err := st.SubmitCertificate(c.ctx, cert.ID, store.Submission{Body: json.RawMessage(`{}`), BorrowingBase: bb, By: "controller@btu", At: c.at,
		Inputs: []store.InputContent{{Name: "r.csv", Content: []byte(asOf + bb.String())}}}); err != nil {
		c.t.Fatal(err)
	}
	out, err := st.DecideCertificate(c.ctx, cert.ID, store.Decision{Status: store.Approved, Reviewer: "officer1@bank", At: c.at})
	if err != nil {
		c.t.Fatal(err)
	}
	return out
}

func (c *clocked) request(by, role string, amount money.Amount, vd, reason string) (store.AdvanceRequest, error) {
	c.t.Helper()
	return c.RequestAdvance(c.ctx, RequestInput{Facility: "btu", Key: "k-" + by + "-" + vd + "-" + amount.String() + "-" + c.at.Format(time.RFC3339Nano),
		Amount: amount, ValueDate: date.MustParse(vd), By: by, Role: role, Reason: reason})
}

func (c *clocked) availability(asOf string, knownAt time.Time) Availability {
	c.t.Helper()
	a, err := c.Availability(c.ctx, "btu", date.MustParse(asOf), knownAt)
	if err != nil {
		c.t.Fatal(err)
	}
	return a
}

func wantErrCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := store.ErrorCode(err); got != code {
		t.Fatalf("%s: %v (code %q), want %s", what, err, got, code)
	}
}

const (
	borrower = store.RoleBorrower
	officer  = store.RoleLenderOfficer
)

// Regression: availability on a past date used what was learned later —
// statements received in May made April's availability nil although the
// bank funded that day. As known at the end of that business day no
// default continued; as known now one does, and the answer says both.
func TestAvailabilityAsKnownThen(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2005, 4, 14, 13, 0, 0, 0, time.UTC))
		c.open("2005-04-14", 13)
		c.certificate("2005-03-31", 10_000_000_00)
		c.open("2005-04-15", 14)
		if r, err := c.request("controller@btu", borrower, 960_000_00, "2005-04-15", ""); err != nil || r.Status != store.AdvanceFunded {
			t.Fatalf("advance on 2005-04-15: %+v %v", r, err)
		}
		data, err := os.ReadFile("../examples/btu-sovereign/data/financials.csv")
		if err != nil {
			t.Fatal(err)
		}
		sts, err := covenant.ReadStatements("financials.csv", data)
		if err != nil {
			t.Fatal(err)
		}
		var q1 []covenant.Statement // fiscal 2005 Q1 (ended 2005-04-03): net income -1,236,480.00
		for _, st := range sts {
			if st.PeriodEnd <= date.MustParse("2005-04-03") {
				q1 = append(q1, st)
			}
		}
		c.open("2005-04-18", 8) // the business of 2005-04-15 ends
		endOfBusiness := c.at
		c.open("2005-05-18", 20)
		if _, _, err := c.AddStatements(c.ctx, "btu", q1, "controller@btu"); err != nil {
			t.Fatal(err)
		}
		c.Terms.(*StoredTerms).Invalidate("btu")
		c.open("2005-06-01", 15)

		then := c.availability("2005-04-15", time.Time{})
		if !then.KnownAt.Equal(endOfBusiness) {
			t.Errorf("known at %s, want the end of business 2005-04-15, when the next business date opened (%s)", then.KnownAt, endOfBusiness)
		}
		if len(then.Blocked) != 0 || then.Available != 9_040_000_00 || then.ToAdvance != 9_040_000_00 {
			t.Fatalf("as known then: available %s, to advance %s, blocked %+v; want 9,040,000.00 and no block", then.Available, then.ToAdvance, then.Blocked)
		}
		h := then.Hindsight
		if h == nil || len(h.Availability.Blocked) == 0 || h.Availability.Blocked[0].Code != ledger.ReasonDefault ||
			len(h.Why) == 0 || !strings.Contains(h.Why[0], "covenant_failed:minimum_net_income:2005-04-03") || !strings.Contains(h.Why[0], "statements") {
			t.Fatalf("hindsight %+v, want the default from the statements received later", h)
		}
		now := c.availability("2005-04-15", c.at)
		if len(now.Blocked) == 0 || now.Blocked[0].Code != ledger.ReasonDefault || now.ToAdvance != 0 || now.Hindsight != nil {
			t.Errorf("as known now: %+v", now)
		}
		// A date not before the business date is answered as known now.
		if cur := c.availability("2005-06-01", time.Time{}); !cur.KnownAt.Equal(c.at) {
			t.Errorf("the business date known at %s, want now %s", cur.KnownAt, c.at)
		}
	})
}

// Regression: a borrower funded an advance value-dated 11½ months back,
// and on a Saturday and a Sunday, with no lender involved. A back-valued
// advance is a lender's correction with a reason that a second lender
// approves; a borrower can cancel a request not yet decided.
func TestAdvanceValueDateGuards(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 12, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 12)
		c.certificate("2006-04-30", 8_000_000_00)
		c.open("2006-06-01", 15) // a Thursday
		_, err := c.request("controller@btu", borrower, 100_000_00, "2005-06-15", "")
		wantErrCode(t, "a borrower's advance 11½ months back", err, store.CodeForbidden)
		_, err = c.request("controller@btu", borrower, 100_000_00, "2005-06-15", "typed the wrong year")
		wantErrCode(t, "a borrower's correction", err, store.CodeForbidden)
		for _, vd := range []string{"2006-06-03", "2006-06-04"} {
			_, err = c.request("controller@btu", borrower, 100_000_00, vd, "")
			wantErrCode(t, "advance value "+vd, err, store.CodeInvalid)
			if !strings.Contains(err.Error(), "not a banking day") || !strings.Contains(err.Error(), "2006-06-05") {
				t.Errorf("advance value %s: %v", vd, err)
			}
		}
		_, err = c.request("officer1@bank", officer, 100_000_00, "2006-05-15", "")
		wantErrCode(t, "a lender's back-valued advance without a reason", err, store.CodeInvalid)
		corr, err := c.request("officer1@bank", officer, 100_000_00, "2006-05-15", "the wire of 15 May was not booked")
		if err != nil || corr.Status != store.AdvanceRequested || corr.Reason == "" || corr.BusinessDate != date.MustParse("2006-06-01") {
			t.Fatalf("correction: %+v %v", corr, err)
		}
		_, err = c.ApproveAdvance(c.ctx, "btu", corr.ID, "officer1@bank")
		wantErrCode(t, "the requester approves the correction", err, store.CodeForbidden)
		funded, err := c.ApproveAdvance(c.ctx, "btu", corr.ID, "officer2@bank")
		if err != nil || funded.Status != store.AdvanceFunded {
			t.Fatalf("second lender approves: %+v %v", funded, err)
		}
		tr, err := s.Transaction(c.ctx, "btu", funded.Transaction)
		if err != nil || tr.ValueDate != date.MustParse("2006-05-15") || !strings.Contains(tr.Memo, "not booked") {
			t.Errorf("correction posted as %+v %v", tr, err)
		}

		// Cancel: the requester only, not yet decided, once.
		if err := s.UpdateFacilitySettings(c.ctx, "btu", json.RawMessage(`{"maker_checker_threshold":"1000000.00"}`)); err != nil {
			t.Fatal(err)
		}
		big, err := c.request("controller@btu", borrower, 2_000_000_00, "2006-06-02", "")
		if err != nil || big.Status != store.AdvanceRequested {
			t.Fatalf("request above the threshold: %+v %v", big, err)
		}
		_, err = c.CancelAdvance(c.ctx, "btu", big.ID, "officer1@bank")
		wantErrCode(t, "someone else cancels", err, store.CodeForbidden)
		if r, err := c.CancelAdvance(c.ctx, "btu", big.ID, "controller@btu"); err != nil || r.Status != store.AdvanceCancelled {
			t.Fatalf("cancel: %+v %v", r, err)
		}
		if r, err := c.CancelAdvance(c.ctx, "btu", big.ID, "controller@btu"); err != nil || r.Status != store.AdvanceCancelled {
			t.Fatalf("cancel retried: %+v %v", r, err)
		}
		_, err = c.ApproveAdvance(c.ctx, "btu", big.ID, "officer2@bank")
		wantErrCode(t, "approving a cancelled request", err, store.CodeConflict)
		_, err = c.CancelAdvance(c.ctx, "btu", funded.ID, "officer1@bank")
		wantErrCode(t, "cancelling a funded request", err, store.CodeConflict)

		// Back-valued repayments likewise.
		rep := RepaymentInput{Facility: "btu", Key: "rep-1", Amount: 50_000_00, ValueDate: date.MustParse("2006-05-22"), By: "controller@btu", Role: borrower}
		_, err = c.Repay(c.ctx, rep)
		wantErrCode(t, "a borrower's back-valued repayment", err, store.CodeForbidden)
		rep.By, rep.Role, rep.Reason = "officer1@bank", officer, "collection of 22 May credited late"
		got, err := c.Repay(c.ctx, rep)
		if err != nil || got.Pending == nil || got.Posted != nil {
			t.Fatalf("repayment correction: %+v %v", got, err)
		}
		_, after, err := c.DecidePending(c.ctx, "btu", got.Pending.ID, true, "officer2@bank", "")
		if err != nil || after.Status != store.PendingApproved {
			t.Fatalf("approve the repayment correction: %+v %v", after, err)
		}
		if tr, ok, err := c.lookup("rep-1"); err != nil || !ok || tr.ValueDate != date.MustParse("2006-05-22") {
			t.Errorf("repayment correction posted: %+v %v %v", tr, ok, err)
		}
		rep = RepaymentInput{Facility: "btu", Key: "rep-2", Amount: 10_000_00, ValueDate: date.MustParse("2006-06-01"), By: "controller@btu", Role: borrower}
		if got, err := c.Repay(c.ctx, rep); err != nil || got.Posted == nil {
			t.Errorf("repayment value the business date: %+v %v", got, err)
		}
	})
}

func (c *clocked) lookup(key string) (ledger.Transaction, bool, error) {
	var tr ledger.Transaction
	var ok bool
	err := c.Store.Update(c.ctx, "btu", func(tx store.Tx) error {
		var err error
		tr, ok, err = tx.Lookup(key)
		return err
	})
	return tr, ok, err
}

// Regression: requests above the approval threshold were not checked
// against availability until a lender approved; a letter of credit of $1M
// plus loans of $14M were both allowed under a $14M commitment.
func TestEveryRequestCheckedAndLettersOfCreditCount(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 12, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 12)
		c.certificate("2006-04-30", 20_000_000_00) // above the commitment
		if err := s.UpdateFacilitySettings(c.ctx, "btu", json.RawMessage(`{"maker_checker_threshold":"1000000.00"}`)); err != nil {
			t.Fatal(err)
		}
		lc, _ := ledger.LCIssue(ledger.Ref{Facility: "btu", Key: "lc-1", ValueDate: date.MustParse("2006-05-31")}, 1_000_000_00)
		if _, err := c.Post(c.ctx, lc); err != nil {
			t.Fatal(err)
		}
		_, err := c.request("controller@btu", borrower, 14_000_000_00, "2006-05-31", "")
		var le *ledger.Error
		if !errors.As(err, &le) || le.Code != ledger.CodeAvailabilityExceeded || le.Availability.Available != 13_000_000_00 {
			t.Fatalf("14,000,000.00 above the threshold with a 1,000,000.00 letter of credit: %v, want refused at once with 13,000,000.00 available", err)
		}
		if rs, _ := s.AdvanceRequests(c.ctx, "btu"); len(rs) != 0 {
			t.Fatalf("a refused request was stored: %+v", rs)
		}
		r, err := c.request("controller@btu", borrower, 13_000_000_00, "2006-05-31", "")
		if err != nil || r.Status != store.AdvanceRequested {
			t.Fatalf("13,000,000.00: %+v %v", r, err)
		}
		if _, err := c.ApproveAdvance(c.ctx, "btu", r.ID, "officer1@bank"); err != nil {
			t.Fatal(err)
		}
		lc2, _ := ledger.LCIssue(ledger.Ref{Facility: "btu", Key: "lc-2", ValueDate: date.MustParse("2006-05-31")}, 1)
		_, err = c.Post(c.ctx, lc2)
		wantErrCode(t, "a letter of credit above the commitment", err, ledger.CodeAvailabilityExceeded)
		a := c.availability("2006-05-31", time.Time{})
		if a.Available != 0 || a.Binding != ledger.BindsCommitment || a.LettersOfCredit.Exposure != 1_000_000_00 {
			t.Errorf("availability %+v", a.Availability)
		}
	})
}

// Regression: the approval threshold was per request, so one officer could
// fund any number of advances just under it. It counts what the requester
// funded without a second approver that business day.
func TestThresholdCountsTheBusinessDay(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 12, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 12)
		c.certificate("2006-04-30", 8_000_000_00)
		if err := s.UpdateFacilitySettings(c.ctx, "btu", json.RawMessage(`{"maker_checker_threshold":"1000000.00"}`)); err != nil {
			t.Fatal(err)
		}
		status := func(by string, amount money.Amount, vd string) store.AdvanceStatus {
			t.Helper()
			r, err := c.request(by, officer, amount, vd, "")
			if err != nil {
				t.Fatal(err)
			}
			return r.Status
		}
		if st := status("officer1@bank", 999_999_00, "2006-05-31"); st != store.AdvanceFunded {
			t.Fatalf("first: %s", st)
		}
		if st := status("officer1@bank", 999_999_00, "2006-06-01"); st != store.AdvanceRequested {
			t.Errorf("second the same business day (another value date): %s, want requested", st)
		}
		if st := status("officer2@bank", 999_999_00, "2006-05-31"); st != store.AdvanceFunded {
			t.Errorf("another officer: %s, want funded", st)
		}
		c.open("2006-06-01", 14)
		if st := status("officer1@bank", 999_999_00, "2006-06-01"); st != store.AdvanceFunded {
			t.Errorf("the next business day: %s, want funded", st)
		}
	})
}

// Regression: back-dated advances were checked against later loans but
// not against later, lower limits: advances dated 2006-12-29 were funded
// although a newer certificate had lowered availability on 2006-12-31.
func TestBackDatedAdvanceCheckedOnLaterLimits(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 12, 1, 12, 0, 0, 0, time.UTC))
		c.open("2006-12-01", 12)
		c.certificate("2006-11-30", 6_000_000_00)
		if r, err := c.request("controller@btu", borrower, 5_000_000_00, "2006-12-01", ""); err != nil || r.Status != store.AdvanceFunded {
			t.Fatalf("advance: %+v %v", r, err)
		}
		c.open("2007-01-10", 14)
		c.certificate("2006-12-31", 5_200_000_00)
		corr, err := c.request("officer1@bank", officer, 500_000_00, "2006-12-29", "wire of 29 December booked late")
		var le *ledger.Error
		if !errors.As(err, &le) || le.Code != ledger.CodeAvailabilityExceeded || le.Availability.AsOf != date.MustParse("2006-12-31") || le.Availability.Available != 200_000_00 {
			t.Fatalf("500,000.00 value 2006-12-29: %+v %v, want refused by the 2006-12-31 certificate (200,000.00)", corr, err)
		}
		corr, err = c.request("officer1@bank", officer, 200_000_00, "2006-12-29", "wire of 29 December booked late")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.ApproveAdvance(c.ctx, "btu", corr.ID, "officer2@bank"); err != nil {
			t.Fatal(err)
		}
		for _, d := range []string{"2006-12-29", "2006-12-31", "2007-01-10"} {
			if a := c.availability(d, time.Time{}); a.Available < 0 {
				t.Errorf("availability on %s: %s", d, a.Available)
			}
		}
		_, err = c.Advance(c.ctx, AdvanceRequest{Facility: "btu", Key: "direct", Amount: 1, ValueDate: date.MustParse("2006-12-29")})
		wantErrCode(t, "one cent more, directly", err, ledger.CodeAvailabilityExceeded)
	})
}

// Overadvance is a state: amount, since when, the limit exceeded, the cure
// deadline (undetermined until the bank's notice), and whether the terms
// make an event of default of it.
func TestOveradvanceState(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 2, 1, 12, 0, 0, 0, time.UTC))
		c.open("2006-02-01", 12)
		c.certificate("2006-01-31", 6_000_000_00)
		if _, err := c.request("controller@btu", borrower, 5_000_000_00, "2006-02-01", ""); err != nil {
			t.Fatal(err)
		}
		c.open("2006-03-13", 12)
		c.certificate("2006-02-28", 4_600_000_00)
		a := c.availability("2006-03-13", time.Time{})
		o := a.Overadvance
		if o == nil || o.Amount != 400_000_00 || o.Since != date.MustParse("2006-02-28") || o.Cause != ledger.CauseBorrowingBase ||
			o.CureBy != 0 || !strings.Contains(o.CureUndetermined, "notice") || !strings.Contains(o.EventOfDefault, "overadvance_uncured") {
			t.Fatalf("overadvance %+v", o)
		}
		if _, _, err := c.RecordOveradvance(c.ctx, "btu", date.MustParse("2006-03-13"), date.MustParse("2006-03-14"), "officer1@bank"); err != nil {
			t.Fatal(err)
		}
		if o := c.availability("2006-03-15", time.Time{}).Overadvance; o == nil || o.CureBy != date.MustParse("2006-04-13") || o.Since != date.MustParse("2006-02-28") {
			t.Errorf("after the notice of 2006-03-14: %+v", o)
		}
		if a := c.availability("2006-02-27", time.Time{}); a.Overadvance != nil {
			t.Errorf("before the lower certificate: %+v", a.Overadvance)
		}
	})
}

// The cut-off time from the terms refuses a request value today after
// it; when the terms give none, the answer says it is unknown.
func TestAdvanceCutoff(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 2, 10, 12, 0, 0, 0, time.UTC))
		cut, err := c.AdvanceCutoff(c.ctx, "btu", date.MustParse("2006-02-10"))
		if err != nil || cut.Time != "" || !strings.Contains(cut.Unknown, "no time of day") || cut.Zone != "America/New_York" {
			t.Errorf("BTU cut-off: %+v %v", cut, err)
		}
		ft, err := c.Terms.Terms(c.ctx, "btu", date.MustParse("2006-02-10"))
		if err != nil {
			t.Fatal(err)
		}
		ft.Cutoff = "11:00"
		now := time.Date(2006, 2, 10, 16, 30, 0, 0, time.UTC) // 11:30 in New York
		err = checkValueDate("advance", ft, date.MustParse("2006-02-10"), date.MustParse("2006-02-10"), now, borrower, "")
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "2006-02-13") {
			t.Errorf("after the cut-off: %v", err)
		}
		if err := checkValueDate("advance", ft, date.MustParse("2006-02-10"), date.MustParse("2006-02-10"), now.Add(-time.Hour), borrower, ""); err != nil {
			t.Errorf("before the cut-off: %v", err)
		}
		if err := checkValueDate("advance", ft, date.MustParse("2006-02-13"), date.MustParse("2006-02-10"), now, borrower, ""); err != nil {
			t.Errorf("value the next banking day: %v", err)
		}
	})
}

// A back-valued correction is known from when it was made: availability on
// its value date as known at the end of that business day leaves it out;
// as known now counts it, and the hindsight says why.
func TestAvailabilityAsKnownThenLeavesOutLaterCorrections(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 9, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 9)
		c.certificate("2006-04-30", 5_000_000_00)
		if r, err := c.request("controller@btu", borrower, 1_000_000_00, "2006-05-31", ""); err != nil || r.Status != store.AdvanceFunded {
			t.Fatalf("advance on 2006-05-31: %+v %v", r, err)
		}
		c.open("2006-06-01", 8) // the business of 2006-05-31 ends
		then0 := c.availability("2006-05-31", time.Time{})
		c.open("2006-06-02", 10)
		corr, err := c.request("officer1@bank", officer, 250_000_00, "2006-05-31", "wire of 31 May booked late")
		if err != nil || corr.Status != store.AdvanceRequested {
			t.Fatalf("correction: %+v %v", corr, err)
		}
		if _, err := c.ApproveAdvance(c.ctx, "btu", corr.ID, "officer2@bank"); err != nil {
			t.Fatal(err)
		}
		then := c.availability("2006-05-31", time.Time{})
		if then.LoansOutstanding != 1_000_000_00 || then.Available != then0.Available {
			t.Fatalf("as known at the end of 2006-05-31: loans %s, available %s; want 1,000,000.00 and %s as read then",
				then.LoansOutstanding, then.Available, then0.Available)
		}
		h := then.Hindsight
		if h == nil || h.Availability.LoansOutstanding != 1_250_000_00 || len(h.Why) == 0 || !strings.Contains(strings.Join(h.Why, "; "), "back-valued") {
			t.Fatalf("hindsight %+v, want loans 1,250,000.00 with the correction named", h)
		}
		if now := c.availability("2006-05-31", c.at); now.LoansOutstanding != 1_250_000_00 || now.Hindsight != nil {
			t.Errorf("as known now: loans %s, hindsight %+v", now.LoansOutstanding, now.Hindsight)
		}
	})
}

// An amendment is known from when it was approved: availability on a date
// after its effective date, as known before the approval, is under the
// terms without it; as known now under the amended terms, and hindsight
// shows both.
func TestAvailabilityAsKnownThenLeavesOutLaterAmendments(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 7, 3, 9, 0, 0, 0, time.UTC))
		c.open("2006-07-03", 9)
		c.certificate("2006-06-30", 20_000_000_00) // above the commitment: the commitment binds
		c.open("2006-07-05", 9)                    // the business of 2006-07-03 ends
		before := c.availability("2006-07-03", time.Time{})
		if before.Limit != 14_000_000_00 {
			t.Fatalf("limit before the amendment %s, want the commitment 14,000,000.00", before.Limit)
		}
		c.at = c.at.Add(2 * time.Hour)
		amend := AmendmentFile{Name: "2006-07-05-commitment-reduction.yaml", Content: `revolver: amendment/1
facility: btu-sovereign
id: commitment-reduction
document: loan-modification-agreement
effective: 2006-07-01
order: 9
changes:
  - op: replace
    path: commitment
    value: 12000000.00
    cite: loan-modification-agreement §1
`}
		p, err := c.RequestAmendment(c.ctx, "btu", amend, "officer1@bank")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.DecidePending(c.ctx, "btu", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
		then := c.availability("2006-07-03", time.Time{})
		if then.Limit != 14_000_000_00 {
			t.Fatalf("as known at the end of 2006-07-03: limit %s, want 14,000,000.00 (the amendment was approved later)", then.Limit)
		}
		if h := then.Hindsight; h == nil || h.Availability.Limit != 12_000_000_00 {
			t.Fatalf("hindsight %+v, want the amended commitment 12,000,000.00", h)
		}
		if now := c.availability("2006-07-03", c.at); now.Limit != 12_000_000_00 {
			t.Errorf("as known now: limit %s, want 12,000,000.00", now.Limit)
		}
	})
}

// Regression: a back-valued repayment was checked against the loans of
// its value date only; approved after the loans had been repaid, it left
// them below zero from the later repayment on. It is refused, naming the
// date, and one that fits every later date is posted.
func TestBackValuedRepaymentCheckedOnLaterBalances(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 12, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 12)
		c.certificate("2006-04-30", 8_000_000_00)
		c.open("2006-06-01", 12)
		if r, err := c.request("controller@btu", borrower, 100_000_00, "2006-06-01", ""); err != nil || r.Status != store.AdvanceFunded {
			t.Fatalf("advance: %+v %v", r, err)
		}
		c.open("2006-06-05", 12)
		if _, err := c.Repay(c.ctx, RepaymentInput{Facility: "btu", Key: "rep-5", Amount: 80_000_00, ValueDate: date.MustParse("2006-06-05"), By: "controller@btu", Role: borrower}); err != nil {
			t.Fatal(err)
		}
		c.open("2006-06-06", 12)
		correct := func(key string, amt money.Amount) (store.Pending, error) {
			t.Helper()
			got, err := c.Repay(c.ctx, RepaymentInput{Facility: "btu", Key: key, Amount: amt, ValueDate: date.MustParse("2006-06-02"),
				By: "officer1@bank", Role: officer, Reason: "received on 2 June, not booked"})
			if err != nil || got.Pending == nil {
				t.Fatalf("correction %s: %+v %v", key, got, err)
			}
			_, after, err := c.DecidePending(c.ctx, "btu", got.Pending.ID, true, "officer2@bank", "")
			return after, err
		}
		// 50,000.00 on 2 June fits the loans then (100,000.00) but not
		// those from 5 June (20,000.00).
		_, err := correct("rep-2a", 50_000_00)
		wantErrCode(t, "a correction above the loans of a later date", err, store.CodeInvalid)
		if !strings.Contains(err.Error(), "on 2006-06-05, 20000.00") {
			t.Errorf("the refusal does not name the later date and its loans: %v", err)
		}
		if _, ok, _ := c.lookup("rep-2a"); ok {
			t.Fatalf("the refused correction was posted")
		}
		if after, err := correct("rep-2b", 20_000_00); err != nil || after.Status != store.PendingApproved {
			t.Fatalf("a correction within every later date: %+v %v", after, err)
		}
		for d, want := range map[string]money.Amount{"2006-06-02": 80_000_00, "2006-06-05": 0, "2006-06-06": 0} {
			if a := c.availability(d, c.at); a.LoansOutstanding != want { // as known now: with the correction
				t.Errorf("loans on %s: %s, want %s", d, a.LoansOutstanding, want)
			}
		}
	})
}

// Letters of credit outstanding stay within the sublimit the terms give,
// on the issue's value date and every later date known; an unknown
// sublimit is not checked (it is stated with the terms).
func TestLetterOfCreditSublimit(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 5, 31, 9, 0, 0, 0, time.UTC))
		c.open("2006-05-31", 9)
		c.certificate("2006-04-30", 10_000_000_00)
		sub := money.Amount(1_000_000_00)
		svc := *c.Service
		svc.Terms = TermsFunc(func(ctx context.Context, f string, d date.Date) (FacilityTerms, error) {
			ft, err := c.Service.Terms.Terms(ctx, f, d)
			ft.LCSublimit, ft.LCSublimitCite = &sub, explain.Cite{Document: "loan-agreement", Section: "§2.5"}
			return ft, err
		})
		issue := func(key string, face money.Amount) error {
			tr, err := ledger.LCIssue(ledger.Ref{Facility: "btu", Key: key, ValueDate: date.MustParse("2006-05-31")}, face)
			if err != nil {
				t.Fatal(err)
			}
			_, err = svc.Post(c.ctx, tr)
			return err
		}
		if err := issue("lc-1", 600_000_00); err != nil {
			t.Fatalf("a letter of credit within the sublimit: %v", err)
		}
		err := issue("lc-2", 400_000_01)
		var le *ledger.Error
		if !errors.As(err, &le) || le.Code != ledger.CodeLCSublimitExceeded || !strings.Contains(le.Message, "1,000,000.00") || !strings.Contains(le.Message, "§2.5") {
			t.Fatalf("a letter of credit a cent above the sublimit: %v, want lc_sublimit_exceeded naming the sublimit and its clause", err)
		}
		if err := issue("lc-3", 400_000_00); err != nil {
			t.Fatalf("a letter of credit up to the sublimit: %v", err)
		}
		// The example's sublimit is unknown: not checked.
		tr, _ := ledger.LCIssue(ledger.Ref{Facility: "btu", Key: "lc-4", ValueDate: date.MustParse("2006-05-31")}, 500_000_00)
		if _, err := c.Post(c.ctx, tr); err != nil {
			t.Errorf("the example facility (sublimit unknown): %v", err)
		}
	})
}

// Several processes each keep their own cache of the parsed agreement: an
// amendment approved through one is seen by the next read through another
// (whose cache held the terms before it), with no time-to-live to wait for.
func TestAmendmentSeenAtOnceByAnotherProcess(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		c := newClocked(t, s, time.Date(2006, 7, 3, 9, 0, 0, 0, time.UTC))
		c.open("2006-07-03", 9)
		c.certificate("2006-06-30", 20_000_000_00)
		other := &Service{Store: s, Terms: &StoredTerms{Store: s}, Now: c.Now}
		read := func() (Availability, FacilityTerms) {
			t.Helper()
			a, err := other.Availability(c.ctx, "btu", date.MustParse("2006-07-03"), c.at)
			if err != nil {
				t.Fatal(err)
			}
			ft, err := other.Terms.Terms(c.ctx, "btu", date.MustParse("2006-07-03"))
			if err != nil {
				t.Fatal(err)
			}
			return a, ft
		}
		if a, ft := read(); a.Limit != 14_000_000_00 || ft.Commitment != 14_000_000_00 {
			t.Fatalf("before the amendment: limit %s, commitment %s", a.Limit, ft.Commitment)
		}
		c.at = c.at.Add(time.Minute)
		p, err := c.RequestAmendment(c.ctx, "btu", AmendmentFile{Name: "2006-07-03-commitment-reduction.yaml", Content: `revolver: amendment/1
facility: btu-sovereign
id: commitment-reduction
document: loan-modification-agreement
effective: 2006-07-01
order: 9
changes:
  - op: replace
    path: commitment
    value: 12000000.00
    cite: loan-modification-agreement §1
`}, "officer1@bank")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := c.DecidePending(c.ctx, "btu", p.ID, true, "officer2@bank", ""); err != nil {
			t.Fatal(err)
		}
		if a, ft := read(); a.Limit != 12_000_000_00 || ft.Commitment != 12_000_000_00 {
			t.Fatalf("the next read through another process: limit %s, commitment %s, want 12,000,000.00", a.Limit, ft.Commitment)
		}
	})
}
