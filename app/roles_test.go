package app

import (
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// TestRoleMatrix: the whole matrix, every action × every role, against a
// table written here independently of roles.go.
func TestRoleMatrix(t *testing.T) {
	const (
		admin, officer, analyst = store.RoleLenderAdmin, store.RoleLenderOfficer, store.RoleLenderAnalyst
		borrower, auditor       = store.RoleBorrower, store.RoleAuditor
	)
	want := map[Action][]string{
		ActRead:                {admin, officer, analyst, borrower, auditor},
		ActSubmitCertificate:   {admin, officer, borrower},
		ActDecideCertificate:   {admin, officer},
		ActWithdrawCertificate: {borrower},
		ActRequestAdvance:      {admin, officer, borrower},
		ActDecideAdvance:       {admin, officer},
		ActRecordRepayment:     {admin, officer, borrower},
		ActPostTransaction:     {admin, officer},
		ActRecordStatements:    {admin, officer, borrower},
		ActRecordDefault:       {admin, officer},
		ActRequestAmendment:    {admin, officer},
		ActDecidePending:       {admin, officer},
		ActReadAudit:           {admin, auditor},
		ActManageUsers:         {admin},
		ActCloseOfBusiness:     {admin},
		ActSetReserve:          {admin, officer},
		ActImportCash:          {admin, officer},
		ActDecideReserve:       {admin, officer},
		ActNotifications:       {admin, officer, store.RoleLenderAnalyst, borrower, auditor},
		ActManageWebhooks:      {admin},
		ActSetReportMap:        {admin, officer, borrower},
		ActRateRisk:            {admin, officer},
		ActFieldExam:           {admin, officer},
		ActChangePassword:      {admin, officer, analyst, borrower, auditor},
	}
	for _, a := range Actions() {
		if _, ok := want[a]; !ok {
			t.Errorf("action %s is not in the test's table", a)
		}
	}
	for a, roles := range want {
		if !slices.Contains(Actions(), a) {
			t.Errorf("action %s is not in the matrix", a)
		}
		for _, role := range append(slices.Clone(store.Roles), "", "superuser") {
			if got, w := Allowed(role, a), slices.Contains(roles, role); got != w {
				t.Errorf("Allowed(%q, %s) = %v, want %v", role, a, got, w)
			}
		}
		if got := Roles(a); !slices.Equal(sorted(got), sorted(roles)) {
			t.Errorf("Roles(%s) = %v, want %v", a, got, roles)
		}
	}
}

func sorted(xs []string) []string {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	return xs
}

// TestSeesFacility: a borrower sees the facilities granted to them; the
// lender's roles and auditors see every facility; no role sees none.
func TestSeesFacility(t *testing.T) {
	for _, c := range []struct {
		role string
		facs []string
		slug string
		want bool
	}{
		{store.RoleBorrower, []string{"f"}, "f", true},
		{store.RoleBorrower, []string{"f"}, "g", false},
		{store.RoleBorrower, nil, "f", false},
		{store.RoleLenderAnalyst, nil, "g", true},
		{store.RoleLenderOfficer, nil, "g", true},
		{store.RoleLenderAdmin, nil, "g", true},
		{store.RoleAuditor, nil, "g", true},
		{"", []string{"f"}, "f", false},
		{"superuser", nil, "f", false},
	} {
		if got := SeesFacility(c.role, c.facs, c.slug); got != c.want {
			t.Errorf("SeesFacility(%q, %v, %q) = %v, want %v", c.role, c.facs, c.slug, got, c.want)
		}
		u := store.User{Role: c.role, Facilities: c.facs}
		if got := May(u, ActRead, c.slug); got != c.want {
			t.Errorf("May(%q %v, read, %q) = %v, want %v", c.role, c.facs, c.slug, got, c.want)
		}
	}
	if May(store.User{Role: store.RoleBorrower, Facilities: []string{"f"}}, ActDecideAdvance, "f") {
		t.Error("a borrower may decide an advance on their facility")
	}
	if !May(store.User{Role: store.RoleAuditor}, ActReadAudit, "") {
		t.Error("an auditor may not read the audit trail")
	}
}

func as(role string, id int64, facs ...string) context.Context {
	return WithActor(context.Background(), Actor{User: role + "@example", UserID: id, Role: role, Facilities: facs, Via: "test"})
}

// TestUseCasesCheckTheActor: the use cases refuse a person whose role may
// not act, and a facility a borrower may not see is not found, whatever
// the surface checked; nothing is stored. The command line (an actor
// without a user or role) is not refused.
func TestUseCasesCheckTheActor(t *testing.T) {
	s := openFacility(t)
	ctx := context.Background()
	if _, err := s.CreateFacility(ctx, store.Facility{Slug: "g", Name: "G", Created: time.Now(),
		Settings: json.RawMessage(`{"maker_checker_threshold": "100.00"}`)}); err != nil {
		t.Fatal(err)
	}
	d := date.MustParse
	terms := FacilityTerms{Commitment: 14_000_000_00, TerminationDate: d("2007-05-31")}
	// The clock (and so the business date) is the day of the advances.
	svc := &Service{Store: s, Terms: TermsFunc(func(context.Context, string, date.Date) (FacilityTerms, error) { return terms, nil }),
		Now: func() time.Time { return time.Date(2006, 1, 5, 12, 0, 0, 0, time.UTC) }}
	approvedCertificate(t, s, "2006-01-01", 1_000_000_00)
	approvedCertificateOf(t, s, "g", "2006-01-01", 1_000_000_00)

	borrowerF := as(store.RoleBorrower, 1, "f")
	analyst := as(store.RoleLenderAnalyst, 2)
	officer := as(store.RoleLenderOfficer, 3)
	officer2 := as(store.RoleLenderAdmin, 4)
	noRole := as("", 5)
	cli := WithActor(ctx, Actor{User: "cli:test", Via: "revolver test"})
	adv := func(ctx context.Context, facility, key string, amount money.Amount) (store.AdvanceRequest, error) {
		a, _ := ActorFrom(ctx)
		return svc.RequestAdvance(ctx, RequestInput{Facility: facility, Key: key, Amount: amount, ValueDate: d("2006-01-05"), By: a.User})
	}
	code := store.ErrorCode

	if _, err := adv(borrowerF, "g", "b-g", 100_00); code(err) != store.CodeNotFound {
		t.Errorf("borrower of f requests an advance on g: %v, want not_found", err)
	}
	if _, err := adv(analyst, "f", "a-f", 100_00); code(err) != store.CodeForbidden {
		t.Errorf("analyst requests an advance: %v, want forbidden", err)
	}
	if _, err := adv(noRole, "f", "n-f", 100_00); code(err) != store.CodeNotFound {
		t.Errorf("a user without a role requests an advance: %v, want not_found (they see no facility)", err)
	}
	if txs, _ := s.Transactions(ctx, "f"); len(txs) != 0 {
		t.Fatalf("refused requests posted %d transactions", len(txs))
	}
	if r, err := adv(borrowerF, "f", "b-f", 100_00); err != nil || r.Status != store.AdvanceFunded {
		t.Errorf("borrower requests an advance on f: %+v %v", r, err)
	}
	rep, _ := ledger.Repayment(ledger.Ref{Facility: "f", Key: "rep", ValueDate: d("2006-01-06")}, 10_00)
	if _, err := svc.Post(analyst, rep); code(err) != store.CodeForbidden {
		t.Errorf("analyst records a repayment: %v, want forbidden", err)
	}
	if _, err := svc.Post(borrowerF, rep); err != nil {
		t.Errorf("borrower records a repayment: %v", err)
	}
	fee, _ := ledger.Fee(ledger.Ref{Facility: "f", Key: "fee", ValueDate: d("2006-01-06")}, 10_00, true)
	if _, err := svc.Post(borrowerF, fee); code(err) != store.CodeForbidden {
		t.Errorf("borrower posts a fee: %v, want forbidden", err)
	}

	// Advances above the threshold of g wait; the requester may not
	// decide them, nor may a borrower.
	r, err := adv(officer, "g", "o-g", 200_00)
	if err != nil || r.Status != store.AdvanceRequested {
		t.Fatalf("officer requests an advance on g: %+v %v", r, err)
	}
	if _, err := svc.ApproveAdvance(as(store.RoleBorrower, 1, "g"), "g", r.ID, "borrower@example"); code(err) != store.CodeForbidden {
		t.Errorf("borrower approves: %v, want forbidden", err)
	}
	if _, err := svc.RejectAdvance(officer, "g", r.ID, "lender_officer@example", "no"); code(err) != store.CodeForbidden {
		t.Errorf("requester rejects their own request: %v, want forbidden", err)
	}
	// The checker is the actor, whoever the surface names.
	if _, err := svc.ApproveAdvance(officer, "g", r.ID, "someone-else@example"); code(err) != store.CodeForbidden {
		t.Errorf("requester approves their own request naming someone else: %v, want forbidden", err)
	}
	for i := 0; i < 2; i++ { // retried by the same person: the same answer
		got, err := svc.RejectAdvance(officer2, "g", r.ID, "lender_admin@example", "not now")
		if err != nil || got.Status != store.AdvanceRejected || got.DecidedBy != "lender_admin@example" {
			t.Fatalf("second lender rejects (%d): %+v %v", i, got, err)
		}
	}

	// Certificates: a borrower may not decide; the same reviewer's retry
	// gets the decision; the command line is not refused.
	at := time.Date(2006, 2, 1, 12, 0, 0, 0, time.UTC)
	submitted := func() store.Certificate {
		c, err := s.CreateCertificate(ctx, store.Certificate{Facility: "f", AsOf: d("2006-02-01"), PreparedBy: "borrower@example", CreatedAt: at})
		if err == nil {
			c, err = s.SubmitCertificate(ctx, c.ID, store.Submission{Body: json.RawMessage(`{}`), BorrowingBase: 1, By: "borrower@example", At: at,
				Inputs: []store.InputContent{{Name: "r.csv", Content: []byte(c.AsOf.String())}}})
		}
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	c := submitted()
	if _, _, err := svc.DecideCertificate(borrowerF, "f", c.ID, CertificateDecision{Status: store.Approved, By: "someone@example", Comment: ""}); code(err) != store.CodeForbidden {
		t.Errorf("borrower approves a certificate: %v, want forbidden", err)
	}
	if got, _ := s.Certificate(ctx, c.ID); got.Status != store.Submitted {
		t.Errorf("after a refused approval the certificate is %s", got.Status)
	}
	for i := 0; i < 2; i++ {
		_, after, err := svc.DecideCertificate(officer, "f", c.ID, CertificateDecision{Status: store.Approved, By: "lender_officer@example", Comment: ""})
		if err != nil || after.Status != store.Approved {
			t.Fatalf("officer approves (%d): %+v %v", i, after, err)
		}
	}
	if _, _, err := svc.DecideCertificate(officer2, "f", c.ID, CertificateDecision{Status: store.Approved, By: "lender_admin@example", Comment: ""}); code(err) != store.CodeConflict {
		t.Errorf("another lender approves an approved certificate: %v, want conflict", err)
	}
	c2 := submitted()
	if _, after, err := svc.DecideCertificate(cli, "f", c2.ID, CertificateDecision{Status: store.Rejected, By: "cli:test", Comment: "wrong date"}); err != nil || after.Status != store.Rejected {
		t.Errorf("the command line rejects: %+v %v", after, err)
	}

	// Statements and the approvals route.
	if _, _, err := svc.AddStatements(analyst, "f", nil, "lender_analyst@example"); code(err) != store.CodeForbidden {
		t.Errorf("analyst submits statements: %v, want forbidden", err)
	}
	if _, err := svc.RequestAmendment(borrowerF, "f", AmendmentFile{Name: "x.yaml"}, "borrower@example"); code(err) != store.CodeForbidden {
		t.Errorf("borrower asks for an amendment: %v, want forbidden", err)
	}
	if _, _, err := svc.DecidePending(borrowerF, "f", 1, true, "borrower@example", ""); code(err) != store.CodeForbidden {
		t.Errorf("borrower decides a pending action: %v, want forbidden", err)
	}
	if _, err := svc.Availability(as(store.RoleBorrower, 1, "f"), "g", d("2006-01-05"), time.Time{}); code(err) != store.CodeNotFound {
		t.Errorf("borrower of f reads g's availability: %v, want not_found", err)
	}
}
