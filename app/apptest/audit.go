package apptest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// person is the context of a person asking through a surface that says
// only who asks and through what: the use case names what it does.
func person(email, role string, id int64, st *app.AuditState) context.Context {
	return app.WithActor(ctx, app.Actor{User: email, UserID: id, Role: role, RequestID: fmt.Sprintf("req-%s-%d", role, id), Via: "test", Audit: st})
}

// trail is the audit trail after record id after.
func trail(t *testing.T, s store.Store, after int64) []store.AuditRecord {
	t.Helper()
	acc, ok := s.(store.Accounts)
	if !ok {
		t.Fatalf("the store %T keeps no audit trail", s)
	}
	return must(acc.AuditRecords(ctx, after, 1000)).of(t)
}

func lastID(t *testing.T, s store.Store) int64 {
	t.Helper()
	recs := trail(t, s, 0)
	if len(recs) == 0 {
		return 0
	}
	return recs[len(recs)-1].ID
}

// testAuditNames: representative use cases asked by an actor that says
// nothing of what is asked each record their change under their own kind
// and action (app.Op); a refusal a surface records after the use case ran
// takes the use case's name, and one a surface records before it runs the
// name the surface gives from the same constants.
func testAuditNames(t *testing.T, s store.Store) {
	newFacility(t, s, "f") // maker-checker threshold 250,000.00
	c := submitted(t, s, "f", d("2006-01-31"), amt("1000000.00"), 0)
	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil), Now: func() time.Time { return t0 }}
	ann := person("ann@bank.example", store.RoleLenderOfficer, 1, nil)
	ben := person("ben@bank.example", store.RoleLenderAdmin, 2, nil)
	vd := d("2006-02-10")

	type step struct {
		op  app.Op
		run func() error
	}
	var big, other store.AdvanceRequest
	steps := []step{
		{app.OpRecordRate, func() error {
			return svc.RecordRate(ben, "prime", ledger.RatePoint{Effective: d("2006-01-01"), Value: money.MustRate("0.0725")})
		}},
		{app.OpApproveCertificate, func() error {
			_, _, err := svc.DecideCertificate(ann, "f", c.ID, app.CertificateDecision{Status: store.Approved, By: "ann@bank.example"})
			return err
		}},
		{app.OpRequestAdvance, func() error {
			_, err := svc.RequestAdvance(ann, app.RequestInput{Facility: "f", Key: "small", Amount: amt("100000.00"), ValueDate: vd})
			return err
		}},
		{app.OpRequestAdvance, func() error {
			var err error
			big, err = svc.RequestAdvance(ann, app.RequestInput{Facility: "f", Key: "big", Amount: amt("300000.00"), ValueDate: vd})
			return err
		}},
		{app.OpApproveAdvance, func() error {
			_, err := svc.ApproveAdvance(ben, "f", big.ID, "")
			return err
		}},
		{app.OpRequestAdvance, func() error {
			var err error
			other, err = svc.RequestAdvance(ann, app.RequestInput{Facility: "f", Key: "other", Amount: amt("260000.00"), ValueDate: vd})
			return err
		}},
		{app.OpRejectAdvance, func() error {
			_, err := svc.RejectAdvance(ben, "f", other.ID, "", "not now")
			return err
		}},
		{app.OpRequestAdvance, func() error {
			var err error
			other, err = svc.RequestAdvance(ann, app.RequestInput{Facility: "f", Key: "third", Amount: amt("270000.00"), ValueDate: vd})
			return err
		}},
		{app.OpCancelAdvance, func() error {
			_, err := svc.CancelAdvance(ann, "f", other.ID, "")
			return err
		}},
		{app.OpRepay, func() error {
			_, err := svc.Repay(ann, app.RepaymentInput{Facility: "f", Key: "rep", Amount: amt("50000.00"), ValueDate: vd})
			return err
		}},
		{app.OpRepay, func() error { // a repayment posted as a transaction is the same use case
			tr, err := ledger.Repayment(ref("f", "rep2", "2006-02-10"), amt("10000.00"))
			if err == nil {
				_, err = svc.Post(ann, tr)
			}
			return err
		}},
		{app.OpChargeFee, func() error {
			_, err := svc.ChargeFee(ben, "f", "transaction_fee", vd, true)
			return err
		}},
		{app.OpCloseOfBusiness, func() error {
			_, err := svc.CloseOfBusiness(ben, d("2006-02-10"))
			return err
		}},
	}
	for i, st := range steps {
		from := lastID(t, s)
		if err := st.run(); err != nil {
			t.Fatalf("step %d (%s): %v", i, st.op, err)
		}
		recs := trail(t, s, from)
		if len(recs) != 1 {
			t.Fatalf("step %d (%s): %d records, want 1: %+v", i, st.op, len(recs), recs)
		}
		if r := recs[0]; r.Kind != st.op.Kind() || r.Action != st.op.Action() || r.Result != store.AuditDone || r.Route != "test" {
			t.Errorf("step %d: record %s/%s %s via %q, want %s done via the actor's route", i, r.Kind, r.Action, r.Result, r.Route, st.op)
		}
	}

	// A use case that refuses: the surface records the refusal, and the
	// use case's own name is in it, whatever the surface guessed.
	var as app.AuditState
	refusing := person("ann@bank.example", store.RoleLenderOfficer, 1, &as)
	_, err := svc.RequestAdvance(refusing, app.RequestInput{Facility: "f", Key: "too-much", Amount: amt("9000000.00"), ValueDate: vd})
	if err == nil {
		t.Fatal("an advance above availability was not refused")
	}
	if as.Op != app.OpRequestAdvance {
		t.Fatalf("the refusing use case named itself %q, want %q", as.Op, app.OpRequestAdvance)
	}
	from := lastID(t, s)
	ok(t, svc.AuditRefusal(refusing, app.Refusal{Op: app.OpApproveAdvance, Code: store.ErrorCode(err), Message: err.Error(), Facility: "f"}))
	// Refused before any use case ran: the name the surface gives.
	ok(t, svc.AuditRefusal(person("bob@btu.example", store.RoleBorrower, 3, &app.AuditState{}), app.Refusal{Op: app.OpApproveAdvance, Code: store.CodeForbidden, Message: "no", Facility: "f"}))
	recs := trail(t, s, from)
	if len(recs) != 2 {
		t.Fatalf("%d refusal records, want 2", len(recs))
	}
	for i, want := range []app.Op{app.OpRequestAdvance, app.OpApproveAdvance} {
		if r := recs[i]; r.Kind != want.Kind() || r.Action != want.Action() || r.Result != store.AuditRefused {
			t.Errorf("refusal %d: %s/%s %s, want %s refused", i, r.Kind, r.Action, r.Result, want)
		}
	}
}

// failingClose is the store with close of business failing after the
// run's changes are written and its record is made, before the commit.
type failingClose struct {
	store.Store
	store.TxAuditor
	made int // records made before the failure
}

var errInjected = errors.New("injected failure before the commit")

func (f *failingClose) CommitAccrual(ctx context.Context, through date.Date, states []store.AccrualState, txs []ledger.Transaction, c *store.AccrualClose) ([]store.Posted, error) {
	if c != nil && c.Audit != nil {
		audit, cc := c.Audit, *c
		cc.Audit = func(posted []store.Posted, opened bool) (*store.AuditRecord, error) {
			rec, err := audit(posted, opened)
			if err != nil {
				return nil, err
			}
			if rec != nil && len(posted) > 0 && opened {
				f.made++
			}
			return nil, errInjected
		}
		c = &cc
	}
	return f.Store.CommitAccrual(ctx, through, states, txs, c)
}

// testCloseOfBusinessAtomic: the accruals of a close of business, the
// move of the business date and the run's audit record commit together:
// a failure after the changes, before the commit, leaves none of them;
// the run again stores all three.
func testCloseOfBusinessAtomic(t *testing.T, s store.Store) {
	newFacility(t, s, "a")
	ok(t, s.PutRate(ctx, "prime", ledger.RatePoint{Effective: d("2006-01-01"), Value: money.MustRate("0.0725")}, nil))
	a1, _ := ledger.Advance(ref("a", "a1", "2006-01-28"), amt("3600000.00"))
	post(t, s, a1, nil)
	aud, okAud := s.(store.TxAuditor)
	if !okAud {
		t.Fatalf("the store %T keeps no audit trail", s)
	}
	admin := person("ann@bank.example", store.RoleLenderAdmin, 1, nil)
	bad := &failingClose{Store: s, TxAuditor: aud}
	failing := &app.Service{Store: bad, Terms: terms(amt("5000000.00"), nil), Now: func() time.Time { return t0 }}
	through := d("2006-01-30")
	before := len(must(s.Transactions(ctx, "a")).of(t))
	records := lastID(t, s)
	if _, err := failing.CloseOfBusiness(admin, through); !errors.Is(err, errInjected) {
		t.Fatalf("close of business with a failure before the commit: %v, want the injected failure", err)
	}
	if bad.made != 1 {
		t.Fatalf("the failure came before the run's changes and record were made (%d records made)", bad.made)
	}
	if n := len(must(s.Transactions(ctx, "a")).of(t)); n != before {
		t.Errorf("the failed run left %d accrual transactions", n-before)
	}
	if _, err := s.BusinessDate(ctx); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("the failed run moved the business date: %v", err)
	}
	if n := lastID(t, s); n != records {
		t.Errorf("the failed run left %d audit records", n-records)
	}
	st := must(s.AccrualState(ctx, through)).of(t)
	if len(st) != 1 || st[0].AccruedThrough != 0 {
		t.Errorf("the failed run marked the facility accrued: %+v", st)
	}

	svc := &app.Service{Store: s, Terms: terms(amt("5000000.00"), nil), Now: func() time.Time { return t0 }}
	res := must(svc.CloseOfBusiness(admin, through)).of(t)
	if res.Posted != 3 {
		t.Fatalf("the run again = %+v, want 3 accruals posted", res)
	}
	if bd := must(s.BusinessDate(ctx)).of(t); bd.Date != through+1 || bd.RecordedBy != "ann@bank.example" {
		t.Errorf("business date after the run = %+v, want %s opened by the actor", bd, through+1)
	}
	recs := trail(t, s, records)
	if len(recs) != 1 || recs[0].Kind != "close_of_business" || recs[0].Action != "run" || recs[0].Dated != through ||
		recs[0].BusinessDate != through+1 {
		t.Fatalf("records of the run = %+v, want one close_of_business/run through %s on business date %s", recs, through, through+1)
	}
	// Nothing new and the date already open: nothing changed, no record.
	if again := must(svc.CloseOfBusiness(admin, through)).of(t); again.Posted != 0 {
		t.Fatalf("the run a third time = %+v", again)
	}
	if n := lastID(t, s); n != recs[0].ID {
		t.Errorf("a run that changed nothing appended %d records", n-recs[0].ID)
	}
}
