package app

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"revolver/collateral"
	"revolver/date"
	"revolver/examples"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// certEnv is the example facility with a clock the test moves and the
// example reports (as of 2004-10-03).
type certEnv struct {
	t     *testing.T
	s     store.Store
	svc   *Service
	terms *StoredTerms
	now   time.Time
	recv  []byte
	debt  []byte
	inv   []byte
}

func newCertEnv(t *testing.T, s store.Store) *certEnv {
	t.Helper()
	e := &certEnv{t: t, s: s, now: time.Date(2004, 10, 12, 10, 0, 0, 0, time.UTC)}
	svc := btu(t, s)
	e.terms = svc.Terms.(*StoredTerms)
	svc.Now = func() time.Time { return e.now }
	e.svc = svc
	read := func(n string) []byte {
		b, err := examples.FS.ReadFile("btu-sovereign/data/" + n)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	e.recv, e.debt, e.inv = read("receivables.csv"), read("debtors.csv"), read("inventory.csv")
	return e
}

func (e *certEnv) input(asOf string, recv []byte) CertificateInput {
	return CertificateInput{Facility: "btu", AsOf: date.MustParse(asOf), By: "controller@btu.example",
		Receivables: store.InputContent{Name: "receivables.csv", Content: recv},
		Debtors:     store.InputContent{Name: "debtors.csv", Content: e.debt},
		Inventory:   store.InputContent{Name: "inventory.csv", Content: e.inv}}
}

func (e *certEnv) submit(asOf string, recv []byte) (store.Certificate, error) {
	e.t.Helper()
	t, err := e.terms.TermsAsOf(context.Background(), "btu", date.MustParse(asOf))
	if err != nil {
		e.t.Fatal(err)
	}
	e.now = e.now.Add(time.Minute)
	c, _, err := e.svc.SubmitCertificate(context.Background(), t, e.input(asOf, recv))
	return c, err
}

func (e *certEnv) mustSubmit(asOf string, recv []byte) store.Certificate {
	e.t.Helper()
	c, err := e.submit(asOf, recv)
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

func (e *certEnv) approve(c store.Certificate, supersedes int64) (store.Certificate, error) {
	e.now = e.now.Add(time.Minute)
	_, after, err := e.svc.DecideCertificate(context.Background(), "btu", c.ID, CertificateDecision{Status: store.Approved, By: "officer@bank.example", Supersedes: supersedes})
	return after, err
}

func (e *certEnv) inForce(asOf string) store.Certificate {
	e.t.Helper()
	c, err := e.s.CertificateInForce(context.Background(), "btu", date.MustParse(asOf))
	if err != nil {
		e.t.Fatal(err)
	}
	return c
}

// scaleAmounts multiplies every receivable amount by num/100.
func scaleAmounts(t *testing.T, recv []byte, num int64) []byte {
	t.Helper()
	lines := strings.Split(strings.TrimRight(string(recv), "\n"), "\n")
	for i := 1; i < len(lines); i++ {
		f := strings.Split(lines[i], ",")
		a, err := money.ParseAmount(f[4])
		if err != nil {
			t.Fatal(err)
		}
		f[4] = money.Amount(int64(a) * num / 100).String()
		lines[i] = strings.Join(f, ",")
	}
	return []byte(strings.Join(lines, "\n") + "\n")
}

func warningCodes(c store.Certificate) []string {
	var out []string
	for _, w := range c.Warnings {
		out = append(out, w.Code)
	}
	return out
}

func warning(c store.Certificate, code string) *store.CertificateWarning {
	for i := range c.Warnings {
		if c.Warnings[i].Code == code {
			return &c.Warnings[i]
		}
	}
	return nil
}

func figure(w *store.CertificateWarning, name string) string {
	for _, f := range w.Figures {
		if f.Name == name {
			return f.Value
		}
	}
	return ""
}

// Regression: a certificate dated 2006-10-31 counted 768 invoices dated
// after 2006-10-31 as eligible. Reports with rows dated after the as-of
// date are refused, every row named (file, line, column, found,
// expected), and nothing is stored.
func TestCertificateRefusesRowsDatedAfterAsOf(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		asOf := date.MustParse("2004-09-30")
		wantRecv, wantInv := 0, 0
		for _, l := range strings.Split(string(e.recv), "\n")[1:] {
			if f := strings.Split(l, ","); len(f) > 2 && f[2] > asOf.String() {
				wantRecv++
			}
		}
		for _, l := range strings.Split(string(e.inv), "\n")[1:] {
			if f := strings.Split(l, ","); len(f) > 7 && f[7] > asOf.String() {
				wantInv++
			}
		}
		if wantRecv == 0 || wantInv == 0 {
			t.Fatalf("the example has %d invoices and %d items dated after %s", wantRecv, wantInv, asOf)
		}
		_, err := e.submit(asOf.String(), e.recv)
		var ce *collateral.Errors
		if store.ErrorCode(err) != store.CodeInvalid || !errors.As(err, &ce) {
			t.Fatalf("submission with rows after the as-of date: %v, want invalid with the rows", err)
		}
		if ce.Total != wantRecv+wantInv || len(ce.List) != collateral.MaxErrors {
			t.Errorf("%d rows named of %d, want %d of %d", len(ce.List), ce.Total, collateral.MaxErrors, wantRecv+wantInv)
		}
		first := ce.List[0]
		if first.File != "receivables.csv" || first.Line < 2 || first.Column != "invoice_date" || first.Value <= asOf.String() ||
			!strings.Contains(first.Expected, "on or before the as-of date 2004-09-30") {
			t.Errorf("first row: %+v", first)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("%d rows are dated after the as-of date", wantRecv+wantInv)) ||
			!strings.Contains(err.Error(), fmt.Sprintf("receivables.csv:%d: column \"invoice_date\"", first.Line)) {
			t.Errorf("message: %v", err)
		}
		// Inventory moved after the as-of date alone is refused too.
		inv := e.inv
		e.inv = []byte(strings.Replace(string(inv), "2004-05-31", "2004-10-04", 1))
		_, err = e.submit("2004-10-03", e.recv)
		if !errors.As(err, &ce) || ce.Total != 1 || ce.List[0].File != "inventory.csv" || ce.List[0].Column != "last_movement_date" || ce.List[0].Value != "2004-10-04" {
			t.Errorf("inventory moved after the as-of date: %v", err)
		}
		e.inv = inv
		if cs, _ := s.Certificates(context.Background(), "btu"); len(cs) != 0 {
			t.Errorf("refused submissions stored %d certificates", len(cs))
		}
		// The same reports as of their own date are accepted.
		e.mustSubmit("2004-10-03", e.recv)
	})
}

// A certificate as of a date after the business date is refused; the
// business date, not the clock, decides.
func TestCertificateAsOfAfterBusinessDate(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		if _, err := e.svc.OpenBusinessDate(ctx, date.MustParse("2004-10-08"), "test", "start"); err != nil {
			t.Fatal(err)
		}
		_, err := e.submit("2004-10-09", e.recv)
		if store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "after the business date 2004-10-08") {
			t.Fatalf("as of the day after the business date: %v", err)
		}
		e.mustSubmit("2004-10-08", e.recv)
	})
}

// Regression: a second certificate for an already approved date silently
// replaced it (availability −3,877,837.90). It supersedes it: the lender
// approves it as such, or it is refused; only then is it in force.
func TestCertificateSupersession(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		a := e.mustSubmit("2004-10-03", e.recv)
		if a.Supersedes != 0 || warning(a, WarnSupersedes) != nil {
			t.Fatalf("first certificate: supersedes %d, warnings %v", a.Supersedes, warningCodes(a))
		}
		if _, err := e.approve(a, 0); err != nil {
			t.Fatal(err)
		}
		b := e.mustSubmit("2004-10-03", scaleAmounts(t, e.recv, 97))
		if b.Supersedes != a.ID || figure(warning(b, WarnSupersedes), "supersedes") != fmt.Sprint(a.ID) {
			t.Fatalf("second certificate for the date: supersedes %d, warnings %+v", b.Supersedes, b.Warnings)
		}
		if _, err := e.approve(b, 0); store.ErrorCode(err) != store.CodeInvalid || !strings.Contains(err.Error(), "as a supersession") {
			t.Fatalf("plain approval of a supersession: %v", err)
		}
		if _, err := e.approve(b, b.ID); store.ErrorCode(err) != store.CodeInvalid {
			t.Fatalf("approval naming another certificate: %v", err)
		}
		if got := e.inForce("2004-10-10"); got.ID != a.ID {
			t.Fatalf("after refused approvals the certificate in force is %d, want %d", got.ID, a.ID)
		}
		if _, err := e.approve(b, a.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.inForce("2004-10-10"); got.ID != b.ID {
			t.Errorf("after the supersession the certificate in force is %d, want %d", got.ID, b.ID)
		}
		// Two certificates for a new date: once one is approved, the other
		// (which supersedes nothing) cannot be.
		c := e.mustSubmit("2004-10-04", e.recv)
		d := e.mustSubmit("2004-10-04", scaleAmounts(t, e.recv, 99))
		if warning(d, WarnPendingSame) == nil || d.Supersedes != 0 {
			t.Errorf("second pending certificate for a date: %+v", d.Warnings)
		}
		if _, err := e.approve(c, 0); err != nil {
			t.Fatal(err)
		}
		if _, err := e.approve(d, 0); store.ErrorCode(err) != store.CodeConflict || !strings.Contains(err.Error(), fmt.Sprintf("certificate %d was approved for that date", c.ID)) {
			t.Errorf("approval of the other certificate for the date: %v", err)
		}
		if got := e.inForce("2004-10-04"); got.ID != c.ID {
			t.Errorf("in force %d, want %d", got.ID, c.ID)
		}
	})
}

// Regression: future-dated, duplicate and implausible certificates got no
// word. The submission carries warnings (code, message, figures) and stores
// them with the certificate.
func TestCertificateWarnings(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		a := e.mustSubmit("2004-10-03", e.recv)
		if len(a.Warnings) != 0 {
			t.Fatalf("a plain first certificate: %+v", a.Warnings)
		}
		if _, err := e.approve(a, 0); err != nil {
			t.Fatal(err)
		}

		// The same three files again (for a later date): a duplicate, and
		// the aging is stale (newest invoice 2004-10-03).
		e.now = time.Date(2004, 10, 30, 10, 0, 0, 0, time.UTC)
		dup := e.mustSubmit("2004-10-20", e.recv)
		if w := warning(dup, WarnDuplicate); w == nil || figure(w, "certificate") != fmt.Sprint(a.ID) {
			t.Errorf("duplicate: %+v", dup.Warnings)
		}
		if w := warning(dup, WarnStaleAging); w == nil || figure(w, "newest_invoice") != "2004-10-03" || figure(w, "days") != "17" {
			t.Errorf("stale aging: %+v", dup.Warnings)
		}
		if got := must(s.Certificate(ctx, dup.ID)); !equalJSON(got.Warnings, dup.Warnings) {
			t.Errorf("stored warnings %+v, returned %+v", got.Warnings, dup.Warnings)
		}
		// Ten days is not stale.
		if w := warning(e.mustSubmit("2004-10-13", scaleAmounts(t, e.recv, 101)), WarnStaleAging); w != nil {
			t.Errorf("aging ten days old: %+v", w)
		}

		// A borrowing base 40% lower: moved more than 20%; with loans near
		// the old availability it is also an overadvance.
		adv, err := ledger.Advance(ledger.Ref{Facility: "btu", Key: "adv", ValueDate: date.MustParse("2004-10-03")}, a.BorrowingBase*8/10)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.PostBatch(ctx, []ledger.Transaction{adv}); err != nil {
			t.Fatal(err)
		}
		low := e.mustSubmit("2004-10-03", scaleAmounts(t, e.recv, 40))
		mv := warning(low, WarnMoved)
		if mv == nil || figure(mv, "previous_borrowing_base") != a.BorrowingBase.String() || figure(mv, "borrowing_base") != low.BorrowingBase.String() ||
			figure(mv, "limit_share") != "0.2" || figure(mv, "availability_after") != (low.BorrowingBase-a.BorrowingBase*8/10).String() || !strings.Contains(mv.Message, "(44.2%)") {
			t.Fatalf("moved: %+v", low.Warnings)
		}
		ov := warning(low, WarnOveradvance)
		if ov == nil {
			t.Fatalf("overadvance: %+v", low.Warnings)
		}
		loans := a.BorrowingBase * 8 / 10 // no letters of credit; the borrowing base is below the commitment
		if figure(ov, "loans") != loans.String() || figure(ov, "availability_before") != (a.BorrowingBase-loans).String() ||
			figure(ov, "availability_after") != (low.BorrowingBase-loans).String() {
			t.Errorf("overadvance figures %+v; loans %s, borrowing bases %s → %s", ov.Figures, loans, a.BorrowingBase, low.BorrowingBase)
		}

		// The share is a facility setting.
		if err := s.UpdateFacilitySettings(ctx, "btu", json.RawMessage(`{"certificate_move_warning_share":"0.70"}`)); err != nil {
			t.Fatal(err)
		}
		if w := warning(e.mustSubmit("2004-10-03", scaleAmounts(t, e.recv, 41)), WarnMoved); w != nil {
			t.Errorf("moved 40%% with a 70%% setting: %+v", w)
		}
	})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// A borrower withdraws a certificate not yet decided; a lender decides
// instead; a withdrawn certificate is never approved and never in force.
func TestCertificateWithdraw(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		c := e.mustSubmit("2004-10-03", e.recv)
		if _, _, err := e.svc.WithdrawCertificate(ctx, "btu", c.ID, "officer@bank.example", ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Errorf("withdrawn by a lender: %v", err)
		}
		other := WithActor(ctx, Actor{User: "cfo@btu.example", Role: store.RoleBorrower, Facilities: []string{"btu"}})
		if _, _, err := e.svc.WithdrawCertificate(WithActor(ctx, Actor{User: "officer@bank.example", Role: store.RoleLenderOfficer}), "btu", c.ID, "", ""); store.ErrorCode(err) != store.CodeForbidden {
			t.Errorf("withdrawn by a lender officer: %v", err)
		}
		_, w, err := e.svc.WithdrawCertificate(other, "btu", c.ID, "cfo@btu.example", "the aging was run a day early")
		if err != nil || w.Status != store.Withdrawn || w.Reviewer != "cfo@btu.example" || w.Comment != "the aging was run a day early" {
			t.Fatalf("withdrawn by the borrower: %+v, %v", w, err)
		}
		if _, err := e.approve(c, 0); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("approval of a withdrawn certificate: %v", err)
		}
		if _, _, err := e.svc.WithdrawCertificate(ctx, "btu", c.ID, c.SubmittedBy, ""); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("withdrawn twice: %v", err)
		}
		if _, err := s.CertificateInForce(ctx, "btu", date.MustParse("2004-10-10")); store.ErrorCode(err) != store.CodeNotFound {
			t.Errorf("a withdrawn certificate in force: %v", err)
		}
		a := e.mustSubmit("2004-10-03", e.recv)
		if _, err := e.approve(a, 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.svc.WithdrawCertificate(ctx, "btu", a.ID, a.SubmittedBy, ""); store.ErrorCode(err) != store.CodeConflict {
			t.Errorf("withdrawal of an approved certificate: %v", err)
		}
	})
}

const lowerRateAmendment = `revolver: amendment/1
facility: btu-sovereign
id: second-amendment
document: first-amendment
effective: 2004-06-30
order: 2
changes:
  - op: replace
    path: borrowing_base.components.receivables.advance_rate
    value: 70%
    cite: first-amendment §1(b)
`

// An approved certificate is shown as stored: an amendment recorded later
// (here lowering the receivables advance rate from a date before the
// certificate's) changes a recomputation, which is only a check that says
// what differs and why.
func TestCertificateRecordAndCheck(t *testing.T) {
	defaultsBackends(t, func(t *testing.T, s store.Store) {
		e := newCertEnv(t, s)
		ctx := context.Background()
		a := e.mustSubmit("2004-10-03", e.recv)
		if _, err := e.approve(a, 0); err != nil {
			t.Fatal(err)
		}
		c := must(s.Certificate(ctx, a.ID))
		rec, err := DecodeCertificateRecord(c)
		if err != nil || rec == nil {
			t.Fatalf("record: %v, %v", rec, err)
		}
		stored := rec.BorrowingBase()
		terms := must(e.terms.TermsAsOf(ctx, "btu", c.AsOf))
		now, err := e.svc.RecomputeCertificate(ctx, terms, c)
		if err != nil {
			t.Fatal(err)
		}
		if got := now.Explain(true); got.Value != stored || !equalJSON(got, rec.Explanation) {
			t.Fatalf("the stored explanation differs from the same computation: %s vs %s", got.Value, stored)
		}
		if n := len(rec.Rows("receivables.gross")); n != 1200 {
			t.Errorf("receivables.gross covers %d rows, want 1200", n)
		}
		ck := must(e.svc.CheckCertificate(ctx, rec, now, nil))
		if ck.Differs || ck.Stored != stored || ck.Recomputed != stored {
			t.Errorf("check on the same terms: %+v", ck)
		}

		e.now = e.now.Add(24 * time.Hour)
		if _, err := s.PutDocument(ctx, store.Document{Facility: "btu", ID: "second-amendment.yaml", Kind: DocAmendment, Effective: date.MustParse("2004-06-30"),
			RecordedBy: "officer@bank.example", RecordedAt: e.now, Content: []byte(lowerRateAmendment)}); err != nil {
			t.Fatal(err)
		}
		e.terms.Invalidate("btu")
		terms = must(e.terms.TermsAsOf(ctx, "btu", c.AsOf))
		now, err = e.svc.RecomputeCertificate(ctx, terms, c)
		if err != nil {
			t.Fatal(err)
		}
		again := must(DecodeCertificateRecord(must(s.Certificate(ctx, a.ID))))
		if again.BorrowingBase() != stored {
			t.Fatalf("the record changed with the terms: %s → %s", stored, again.BorrowingBase())
		}
		ck = must(e.svc.CheckCertificate(ctx, again, now, nil))
		if !ck.Differs || ck.Stored != stored || ck.Recomputed == stored || len(ck.Reasons) != 1 || !strings.Contains(ck.Reasons[0], "second-amendment.yaml") {
			t.Fatalf("check after the amendment: %+v", ck)
		}
		keys := map[string]bool{}
		for _, l := range ck.Lines {
			keys[l.Key] = true
		}
		if !keys["borrowing_base"] || !keys["receivables"] || keys["inventory"] || keys["receivables.gross"] {
			t.Errorf("lines that differ: %+v", ck.Lines)
		}
	})
}

func TestLineRanges(t *testing.T) {
	for _, c := range []struct {
		lines []int
		text  string
	}{{[]int{2}, "2"}, {[]int{2, 3, 4, 7, 9, 10}, "2-4,7,9-10"}, {[]int{5, 6}, "5-6"}} {
		if got := lineRanges(c.lines); got != c.text {
			t.Errorf("lineRanges(%v) = %q, want %q", c.lines, got, c.text)
		}
		if got, err := parseLineRanges(c.text); err != nil || fmt.Sprint(got) != fmt.Sprint(c.lines) {
			t.Errorf("parseLineRanges(%q) = %v, %v", c.text, got, err)
		}
	}
	for _, bad := range []string{"", "a", "4-2", "2-"} {
		if _, err := parseLineRanges(bad); err == nil {
			t.Errorf("parseLineRanges(%q) accepted", bad)
		}
	}
}
