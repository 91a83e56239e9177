package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/app"
	"revolver/date"
	"revolver/ledger"
	"revolver/store"
)

// lastOutAmendment gives a copy of the example facility a last-out
// tranche from 1 September 2004 (a test's terms, not the documents').
const lastOutAmendment = `revolver: amendment/1
facility: btu-sovereign
id: last-out
document: first-amendment
effective: 2004-09-01
order: 1
changes:
  - op: set
    path: borrowing_base.last_out
    value:
      label: FILO tranche
      advance_rates:
        receivables: 5%
      cap: 150000.00
      margin: 1.50%
    cite: first-amendment §9
`

// lastOutFacility registers facility filo, the example with a last-out
// tranche, with its certificate as of 2004-10-03 approved and a last-out
// loan of 40,000.00; it returns the certificate's id.
func lastOutFacility(t *testing.T, e *env) int64 {
	t.Helper()
	ctx := context.Background()
	files, data := exampleFiles(t)
	svc := e.web.svc
	if _, err := svc.RegisterFacility(ctx, "filo", append(files, agreement.NewFile("2004-09-01-last-out.yaml", []byte(lastOutAmendment))), app.Settings{}, "setup"); err != nil {
		t.Fatal(err)
	}
	lmaPerformed(t, svc, "filo")
	terms, err := svc.Terms.(*app.StoredTerms).TermsAsOf(ctx, "filo", date.MustParse("2004-10-03"))
	if err != nil {
		t.Fatal(err)
	}
	in := func(n string) store.InputContent { return store.InputContent{Name: n, Content: data[n]} }
	c, _, err := svc.SubmitCertificate(ctx, terms, app.CertificateInput{Facility: "filo", AsOf: date.MustParse("2004-10-03"), By: "controller",
		Receivables: in("receivables.csv"), Debtors: in("debtors.csv"), Inventory: in("inventory.csv")})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.DecideCertificate(ctx, "filo", c.ID, app.CertificateDecision{Status: store.Approved, By: "officer@bank.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RequestAdvance(ctx, app.RequestInput{Facility: "filo", Key: "lo-1", Amount: 40000_00, ValueDate: date.MustParse("2004-10-05"),
		By: "officer@bank.example", Tranche: ledger.TrancheLastOut}); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

// The certificate page shows each component (eligible, advance rate,
// advance, cap, reserves, availability) and, with a last-out tranche,
// its last-out figures and the tranches; the overview shows availability
// per tranche. The example facility's pages show the components and no
// tranche.
func TestLastOutPages(t *testing.T) {
	e := newEnv(t)
	approvedCertificate(t, e)
	id := lastOutFacility(t, e)
	o := e.signIn(t, "officer@bank.example")
	_, body := o.get(fmt.Sprintf("/facilities/filo/certificates/%d", id))
	for _, want := range []string{`id="components"`, "Last-out rate", "+ 5%", `id="tranches"`, "Last-out borrowing base (Σ", "cap 150,000.00", "Total borrowing base",
		"FILO tranche: last-out borrowing base", "Memo: total borrowing base", "3,500,000.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("certificate page lacks %q", want)
		}
	}
	_, body = o.get("/facilities/filo?as_of=2004-10-05")
	for _, want := range []string{`id="tranches"`, "Availability by tranche", "First out", "Last out", "150,000.00", "40,000.00", "110,000.00"} {
		if !strings.Contains(body, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	// The loans page lets a request elect the last-out tranche.
	if _, body = o.get("/facilities/filo/loans"); !strings.Contains(body, `id="tranche"`) || !strings.Contains(body, "first-out rate + 1.5%") {
		t.Error("the loans page has no tranche to elect")
	}
	// Its availability says it is both tranches', and what each tranche
	// and an advance of each may take.
	_, body = o.get("/facilities/filo/loans?as_of=2004-10-05")
	for _, want := range []string{"Availability (both tranches)", `id="first-out-available"`, `<dd class="num" id="last-out-available">110,000.00</dd>`,
		"A first-out advance may take", `id="to-advance-last-out">USD 110,000.00`} {
		if !strings.Contains(body, want) {
			t.Errorf("loans page of a facility with a last-out tranche lacks %q", want)
		}
	}
	mustStatus(t, "last-out advance", o.post("/facilities/filo/advances", url.Values{"idempotency_key": {"lo-web"}, "amount": {"10000.00"},
		"value_date": {"2004-10-05"}, "tranche": {"last_out"}}).StatusCode, http.StatusSeeOther)
	if b, err := e.st.Balances(context.Background(), "filo", date.MustParse("2004-10-05")); err != nil || b[ledger.LoansLastOut] != 50000_00 || b[ledger.Loans] != 0 {
		t.Errorf("balances %v %v", b, err)
	}
	if _, body = o.get("/facilities/btu/loans"); strings.Contains(body, `id="tranche"`) || strings.Contains(body, "both tranches") || !strings.Contains(body, "An advance may take") {
		t.Error("the example's loans page offers a tranche, or speaks of tranches")
	}
	_, body = o.get("/facilities/btu/certificates/1")
	if !strings.Contains(body, `id="components"`) || strings.Contains(body, "Last-out") || strings.Contains(body, `id="tranches"`) {
		t.Errorf("the example's certificate page: components shown %v, a tranche shown %v", strings.Contains(body, `id="components"`), strings.Contains(body, "Last-out"))
	}
	if _, body = o.get("/facilities/btu"); strings.Contains(body, `id="tranches"`) {
		t.Error("the example's overview shows tranches")
	}
}
