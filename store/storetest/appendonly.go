package storetest

import (
	"database/sql"
	"testing"

	"revolver/ledger"
	"revolver/store"
)

// AppendOnly checks that the database itself refuses to update or delete
// postings, transactions, financial submissions, sign-in attempts and loan notices, and
// to edit a certificate once submitted, whatever client writes to it. db is the
// adapter's connection to the same database as s.
func AppendOnly(t *testing.T, s store.Store, db *sql.DB) {
	newFacility(t, s, "f")
	a, _ := ledger.Advance(ref("f", "a", "2006-01-10"), amt("100.00"))
	post(t, s, a, nil)
	c := submitted(t, s, "f", d("2006-01-31"), amt("5.00"), 0)
	must(s.AddFinancials(ctx, store.Financials{Facility: "f", PeriodEnd: d("2005-12-31"), RecordedAt: t0, SubmittedBy: "x", Payload: []byte(`{}`)})).of(t)
	if a, ok := s.(store.Accounts); ok {
		if err := a.RecordSignIn(ctx, store.SignInAttempt{At: t0, Email: "ann@bank.example", Address: "10.0.0.1"}, nil, nil); err != nil {
			t.Fatal(err)
		}
		u := must(a.CreateUser(ctx, store.User{Email: "dan@bank.example", Role: store.RoleBorrower, PasswordHash: "h", Created: t0})).of(t)
		must(a.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: "h2", At: t0}, nil)).of(t)
		must(a.SetAccess(ctx, u.ID, store.RoleBorrower, []string{"f"}, t0, nil)).of(t)
	}
	if err := s.Update(ctx, "f", func(tx store.Tx) error {
		_, _, err := tx.AddLoanNotice(store.LoanNotice{Facility: "f", Key: "n", Loan: 1, PeriodEnd: d("2006-02-10"), Kind: store.LoanConvert,
			Option: "prime", GivenBy: "x", GivenAt: t0})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ok(t, s.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: c.ID, Version: 1, Body: []byte(`{}`), CreatedAt: t0}))
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddCashImport(store.CashImport{File: store.CashFile{Name: "a.bai", ImportedBy: "x", ImportedAt: t0}, Content: []byte("a"),
			Groups: []store.CashGroup{{Key: "k", AsOf: d("2006-01-30")}}, Items: []store.CashItem{{GroupKey: "k", Account: "1", Received: d("2006-01-30"), Amount: 1}}})
		return err
	}))
	ok(t, s.AppendTriggers(ctx, store.Triggers{
		States: []store.TriggerState{{Facility: "f", Trigger: "cash_dominion", Day: d("2006-01-10"), State: []byte(`{}`), RecordedAt: t0}},
		Events: []store.TriggerEvent{{Facility: "f", Trigger: "cash_dominion", Event: store.TriggerStart, Day: d("2006-01-10"), Reason: "r", RecordedAt: t0}},
	}))
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddReportMap(store.ReportMapRecord{Facility: "f", Kind: store.InputReceivables, Map: []byte(`{}`), SetBy: "x", SetAt: t0})
		return err
	}))
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddRiskRating(store.RiskRating{Facility: "f", Rating: 5, Reason: "x", SetBy: "x", SetAt: t0})
		return err
	}))
	ok(t, s.Update(ctx, "f", func(tx store.Tx) error {
		_, err := tx.AddFieldExamRecord(store.FieldExamRecord{Facility: "f", Action: store.ExamSchedule, On: d("2006-01-10"), Examiner: "x", RecordedBy: "x", RecordedAt: t0})
		return err
	}))
	before := CheckInvariants(t, s, "f")
	for _, q := range []string{
		`UPDATE postings SET amount = amount + 1`,
		`DELETE FROM postings`,
		`UPDATE transactions SET memo = 'edited'`,
		`DELETE FROM transactions`,
		`UPDATE financials SET payload = payload`,
		`DELETE FROM financials`,
		`UPDATE certificates SET borrowing_base = borrowing_base + 1`,
		`UPDATE certificates SET status = 'draft'`,
		`DELETE FROM certificates`,
		`UPDATE signin_attempts SET at = at`,
		`DELETE FROM signin_attempts`,
		`UPDATE loan_notices SET rate_option = 'libor'`,
		`DELETE FROM loan_notices`,
		`UPDATE certificate_summaries SET version = 2`,
		`DELETE FROM certificate_summaries`,
		`UPDATE cash_files SET name = 'x'`,
		`DELETE FROM cash_files`,
		`UPDATE cash_groups SET sha256 = 'x'`,
		`DELETE FROM cash_groups`,
		`UPDATE cash_items SET applied = 0`,
		`DELETE FROM cash_items`,
		`UPDATE trigger_states SET state = '{"in":true}'`,
		`DELETE FROM trigger_states`,
		`UPDATE trigger_events SET reason = 'edited'`,
		`DELETE FROM trigger_events`,
		`DELETE FROM trigger_keys`,
		`UPDATE report_maps SET map = '{"columns":{}}'`,
		`DELETE FROM report_maps`,
		`UPDATE risk_ratings SET rating = 1`,
		`DELETE FROM risk_ratings`,
		`UPDATE user_passwords SET must_change = true`,
		`DELETE FROM user_passwords`,
		`UPDATE user_roles SET role = 'lender_admin'`,
		`DELETE FROM user_roles`,
		`UPDATE user_role_facilities SET facility_id = facility_id`,
		`DELETE FROM user_role_facilities`,
		`UPDATE field_exam_records SET examiner = 'y'`,
		`DELETE FROM field_exam_records`,
	} {
		if _, err := db.Exec(q); err == nil {
			t.Errorf("%s: accepted, want refused by the database", q)
		}
	}
	if after := CheckInvariants(t, s, "f"); len(after) != len(before) || after[0].Postings[0] != before[0].Postings[0] {
		t.Errorf("ledger changed: %v → %v", before, after)
	}
	if got := must(s.Certificate(ctx, c.ID)).of(t); got.BorrowingBase != amt("5.00") || got.Status != store.Submitted {
		t.Errorf("certificate changed: %+v", got)
	}
}
