package storetest

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"revolver/store"
)

// testSignInAttempts: failed sign-ins are counted per email since its last
// success and per address, within the window asked; a success counts for
// its email only; a session and an audit record are stored with the
// attempt, and a failed attempt cannot carry a session.
func testSignInAttempts(t *testing.T, s store.Store, a store.Accounts) {
	u, err := a.CreateUser(actx, store.User{Email: "ann@bank.example", Role: store.RoleLenderOfficer, PasswordHash: "h", Created: t0})
	if err != nil {
		t.Fatal(err)
	}
	at := func(sec int) time.Time { return t0.Add(time.Duration(sec) * time.Second) }
	attempt := func(sec int, email, addr string, ok bool) {
		t.Helper()
		if err := a.RecordSignIn(actx, store.SignInAttempt{At: at(sec), Email: email, Address: addr, OK: ok}, nil, nil); err != nil {
			t.Fatal(err)
		}
	}
	count := func(email, addr string, since int) (int, int) {
		t.Helper()
		acc, from, err := a.SignInFailures(actx, email, addr, at(since))
		if err != nil {
			t.Fatal(err)
		}
		for i := 1; i < len(acc); i++ {
			if acc[i].Before(acc[i-1]) {
				t.Errorf("account failures not oldest first: %v", acc)
			}
		}
		return len(acc), len(from)
	}
	attempt(0, "ann@bank.example", "10.0.0.1", false)
	attempt(1, " Ann@Bank.Example ", "10.0.0.1", false) // the same account
	attempt(2, "an@bank.example", "10.0.0.1", false)    // a typo: another account
	attempt(3, "bob@bank.example", "10.0.0.2", false)
	for _, tc := range []struct {
		email, addr     string
		since           int
		wantAcc, wantIP int
	}{
		{"ann@bank.example", "10.0.0.1", -60, 2, 3},
		{"ANN@bank.example", "10.0.0.9", -60, 2, 0},
		{"ann@bank.example", "10.0.0.1", 1, 1, 2}, // the window starts at 1 s
		{"an@bank.example", "10.0.0.2", -60, 1, 1},
		{"carol@bank.example", "10.0.0.1", -60, 0, 3},
	} {
		if acc, ip := count(tc.email, tc.addr, tc.since); acc != tc.wantAcc || ip != tc.wantIP {
			t.Errorf("failures of %s from %s since %d s: %d and %d, want %d and %d", tc.email, tc.addr, tc.since, acc, ip, tc.wantAcc, tc.wantIP)
		}
	}
	// A success clears its account's count, not the address's, nor
	// another account's; failures after it count again.
	sess := store.Session{IDSHA256: "sess-ann", UserID: u.ID, CSRF: "c", Created: at(4), Expires: at(4).Add(time.Hour)}
	rec := store.AuditRecord{At: at(4), Actor: "ann@bank.example", Role: store.RoleLenderOfficer, RequestID: "r1", Route: "POST /api/v1/session", Kind: "session", Action: "sign_in"}
	if err := a.RecordSignIn(actx, store.SignInAttempt{At: at(4), Email: "ann@bank.example", Address: "10.0.0.1", OK: true}, &sess, &rec); err != nil {
		t.Fatal(err)
	}
	if acc, ip := count("ann@bank.example", "10.0.0.1", -60); acc != 0 || ip != 3 {
		t.Errorf("after a success: %d and %d failures, want 0 and 3", acc, ip)
	}
	if acc, _ := count("an@bank.example", "10.0.0.1", -60); acc != 1 {
		t.Errorf("another account after ann's success: %d failures, want 1", acc)
	}
	attempt(5, "ann@bank.example", "10.0.0.3", false)
	if acc, _ := count("ann@bank.example", "10.0.0.3", -60); acc != 1 {
		t.Errorf("a failure after the success: %d, want 1", acc)
	}
	if got, err := a.Session(actx, "sess-ann", at(5)); err != nil || got.UserID != u.ID {
		t.Errorf("session stored with the attempt: %+v %v", got, err)
	}
	recs, err := a.AuditRecords(actx, 0, 10)
	if err != nil || len(recs) != 1 || recs[0].Kind != "session" || recs[0].Summary == "" {
		t.Fatalf("audit record stored with the attempt: %+v %v", recs, err)
	}
	// Refused: a failed attempt with a session, an attempt without a time
	// or an email; nothing is stored.
	bad := store.Session{IDSHA256: "sess-bad", UserID: u.ID, CSRF: "c", Created: at(6), Expires: at(6).Add(time.Hour)}
	wantCodeA(t, a.RecordSignIn(actx, store.SignInAttempt{At: at(6), Email: "ann@bank.example", Address: "x"}, &bad, &rec), store.CodeInvalid)
	wantCodeA(t, a.RecordSignIn(actx, store.SignInAttempt{Email: "ann@bank.example", Address: "x"}, nil, nil), store.CodeInvalid)
	wantCodeA(t, a.RecordSignIn(actx, store.SignInAttempt{At: at(6), Address: "x"}, nil, nil), store.CodeInvalid)
	if _, err := a.Session(actx, "sess-bad", at(6)); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("session of a refused attempt: %v", err)
	}
	if acc, ip := count("ann@bank.example", "x", -60); acc != 1 || ip != 0 {
		t.Errorf("refused attempts were counted: %d and %d", acc, ip)
	}
	if recs, _ := a.AuditRecords(actx, 0, 10); len(recs) != 1 {
		t.Errorf("%d audit records after refused attempts, want 1", len(recs))
	}
	// EndSession deletes the session and appends its record.
	out := store.AuditRecord{At: at(7), Actor: "ann@bank.example", Role: store.RoleLenderOfficer, RequestID: "r2", Route: "DELETE /api/v1/session", Kind: "session", Action: "sign_out"}
	if err := a.EndSession(actx, "sess-ann", &out); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Session(actx, "sess-ann", at(7)); store.ErrorCode(err) != store.CodeNotFound {
		t.Errorf("session after EndSession: %v", err)
	}
	recs, _ = a.AuditRecords(actx, 0, 10)
	if len(recs) != 2 || recs[1].Action != "sign_out" || store.VerifyAudit(0, "", recs) != nil {
		t.Errorf("records after sign-out: %+v", recs)
	}
}

// testAuditFields: a record keeps who, what, when and the result as given,
// gets the current version, result done, the business date open when it is
// appended (else the day recorded) and a summary by default, and hashes
// over all of it; FindAudit filters by facility, actor, kind, business
// date and id, oldest or newest first.
func testAuditFields(t *testing.T, s store.Store, a store.Accounts) {
	in := store.AuditRecord{At: t0, Actor: "ann@bank.example", Role: store.RoleLenderOfficer, RequestID: "r1",
		Route: "POST /api/v1/facilities/{slug}/advances/{id}/approve", Facility: "f", Kind: "advance", Action: "approve",
		Resource: "12", Amount: amt("250000.00"), StatusBefore: "requested", StatusAfter: "funded", Dated: d("2006-03-31"),
		Before: json.RawMessage(`{"status":"requested"}`), After: json.RawMessage(`{"status":"funded"}`)}
	got, err := a.AppendAudit(actx, in)
	if err != nil {
		t.Fatal(err)
	}
	if got.Version != store.AuditVersion || got.Result != store.AuditDone || got.Summary != store.AuditSummary(got) || got.Summary == "" ||
		got.BusinessDate.String() != t0.UTC().Format("2006-01-02") {
		t.Errorf("appended %+v", got)
	}
	const want = "ann@bank.example (lender officer) approved advance 12 of 250,000.00 value-dated 2006-03-31 for f: requested → funded"
	if got.Summary != want {
		t.Errorf("summary %q, want %q", got.Summary, want)
	}
	recs, err := a.AuditRecords(actx, 0, 10)
	if err != nil || len(recs) != 1 {
		t.Fatalf("records %v %v", recs, err)
	}
	if !reflect.DeepEqual(recs[0], got) {
		t.Errorf("read back\n%+v\nwant\n%+v", recs[0], got)
	}
	// Every new field is in the hash.
	for name, mut := range map[string]func(r *store.AuditRecord){
		"role":          func(r *store.AuditRecord) { r.Role = store.RoleLenderAdmin },
		"kind":          func(r *store.AuditRecord) { r.Kind = "repayment" },
		"action":        func(r *store.AuditRecord) { r.Action = "reject" },
		"resource":      func(r *store.AuditRecord) { r.Resource = "13" },
		"amount":        func(r *store.AuditRecord) { r.Amount++ },
		"status":        func(r *store.AuditRecord) { r.StatusAfter = "rejected" },
		"business date": func(r *store.AuditRecord) { r.BusinessDate++ },
		"dated":         func(r *store.AuditRecord) { r.Dated++ },
		"result":        func(r *store.AuditRecord) { r.Result = store.AuditRefused },
		"error":         func(r *store.AuditRecord) { r.Error = "forbidden" },
		"summary":       func(r *store.AuditRecord) { r.Summary += "." },
	} {
		c := recs[0]
		mut(&c)
		if store.VerifyAudit(0, "", []store.AuditRecord{c}) == nil {
			t.Errorf("changing the %s is not found", name)
		}
	}
	// A refusal, and records of other facilities, actors, kinds and
	// business dates (opened before they are appended).
	open := func(day string) {
		t.Helper()
		if _, err := s.OpenBusinessDate(actx, store.BusinessDay{Date: d(day), RecordedBy: "ops@bank", RecordedAt: t0, Reason: "test"}); err != nil {
			t.Fatal(err)
		}
	}
	open("2006-04-03")
	for _, r := range []store.AuditRecord{
		{At: t0.Add(time.Second), Actor: "bob@bank.example", Role: store.RoleBorrower, RequestID: "r2",
			Route: "POST /api/v1/facilities/{slug}/advances", Facility: "f", Kind: "advance", Action: "request",
			Amount: amt("7000000.00"), Dated: d("2006-04-03"), Result: store.AuditRefused, Error: "availability_exceeded"},
		{At: t0.Add(2 * time.Second), Actor: "Carol@Bank.Example", RequestID: "r3", Route: "POST /api/v1/session", Kind: "session", Action: "sign_in",
			Result: store.AuditRefused, Error: "unauthorized"},
		{At: t0.Add(3 * time.Second), Actor: "ann@bank.example", Role: store.RoleLenderOfficer, RequestID: "r4", Route: "POST /api/v1/facilities/{slug}/repayments",
			Facility: "g", Kind: "repayment", Action: "record", Amount: amt("10.00"), Dated: d("2006-04-20")},
	} {
		if r.RequestID == "r4" {
			open("2006-05-01")
		}
		if _, err := a.AppendAudit(actx, r); err != nil {
			t.Fatal(err)
		}
	}
	all, _ := a.AuditRecords(actx, 0, 10)
	if b := store.VerifyAudit(0, "", all); b != nil || len(all) != 4 {
		t.Fatalf("chain of %d: %+v", len(all), b)
	}
	if all[1].Summary != "bob@bank.example (borrower) tried to request advance of 7,000,000.00 value-dated 2006-04-03 for f: refused (availability_exceeded)" {
		t.Errorf("refusal summary %q", all[1].Summary)
	}
	for i, want := range []string{"2006-04-03", "2006-04-03", "2006-05-01"} {
		if got := all[i+1].BusinessDate.String(); got != want {
			t.Errorf("record %d: business date %s, want %s (the one open)", i+2, got, want)
		}
	}
	if all[2].Dated != 0 || all[2].Summary != "Carol@Bank.Example tried to sign in: refused (unauthorized)" {
		t.Errorf("sign-in record %+v", all[2])
	}
	ids := func(recs []store.AuditRecord) []int64 {
		out := []int64{}
		for _, r := range recs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    store.AuditFilter
		want []int64
	}{
		{"all", store.AuditFilter{}, []int64{1, 2, 3, 4}},
		{"facility", store.AuditFilter{Facility: "f"}, []int64{1, 2}},
		{"actor", store.AuditFilter{Actor: "ann@bank.example"}, []int64{1, 4}},
		{"actor in capitals", store.AuditFilter{Actor: "ANN@bank.example"}, []int64{1, 4}},
		{"actor as stored", store.AuditFilter{Actor: "Carol@Bank.Example"}, []int64{3}},
		{"kind", store.AuditFilter{Kind: "advance"}, []int64{1, 2}},
		{"from", store.AuditFilter{From: d("2006-04-01")}, []int64{2, 3, 4}},
		{"to", store.AuditFilter{To: d("2006-04-03")}, []int64{1, 2, 3}},
		{"from and to", store.AuditFilter{From: d("2006-04-03"), To: d("2006-04-03")}, []int64{2, 3}},
		{"to, not the date of the change", store.AuditFilter{To: d("2006-03-31")}, []int64{1}},
		{"after", store.AuditFilter{After: 2}, []int64{3, 4}},
		{"before", store.AuditFilter{Before: 3}, []int64{1, 2}},
		{"newest first, limited", store.AuditFilter{Newest: true, Limit: 3}, []int64{4, 3, 2}},
		{"combined", store.AuditFilter{Facility: "f", Kind: "advance", Actor: "bob@bank.example"}, []int64{2}},
		{"nothing", store.AuditFilter{Facility: "none"}, []int64{}},
	} {
		got, err := a.FindAudit(actx, tc.f)
		if err != nil || !reflect.DeepEqual(ids(got), tc.want) {
			t.Errorf("%s: %v %v, want %v", tc.name, ids(got), err, tc.want)
		}
	}
	if got, _ := a.FindAudit(actx, store.AuditFilter{Kind: "advance", Newest: true}); len(got) != 2 || !reflect.DeepEqual(got[1], all[0]) {
		t.Errorf("found records differ from those read in order: %+v", got)
	}
	_, err = a.FindAudit(actx, store.AuditFilter{From: d("2006-05-01"), To: d("2006-04-01")})
	wantCodeA(t, err, store.CodeInvalid)
}
