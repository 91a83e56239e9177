package storetest

import (
	"fmt"
	"testing"

	"revolver/ledger"
	"revolver/store"
)

// testElectionFacilities: the facilities listed are those with a loan
// notice or a funded advance request electing a rate option; a funded
// request without one, or one electing an option and not funded, lists
// nothing.
func testElectionFacilities(t *testing.T, s store.Store) {
	for _, f := range []string{"a", "b", "c", "d", "e"} {
		newFacility(t, s, f)
	}
	if fs := must(s.ElectionFacilities(ctx)).of(t); len(fs) != 0 {
		t.Fatalf("no elections yet: %v", fs)
	}
	vd := d("2006-02-10")
	request := func(f, option string, funded bool) {
		t.Helper()
		ok(t, s.Update(ctx, f, func(tx store.Tx) error {
			r := store.AdvanceRequest{Facility: f, Key: "r-" + f, Amount: amt("1000.00"), ValueDate: vd, Option: option,
				Status: store.AdvanceRequested, RequestedBy: "maker", RequestedAt: t0}
			if funded {
				tr, err := ledger.Advance(ref(f, "adv", "2006-02-10"), amt("1000.00"))
				if err != nil {
					return err
				}
				p, err := tx.Post(tr)
				if err != nil {
					return err
				}
				r.Status, r.Transaction = store.AdvanceFunded, p.Transaction.ID
			}
			_, _, err := tx.AddAdvanceRequest(r)
			return err
		}))
	}
	request("a", "sofr", true)
	request("b", "", true)
	request("c", "sofr", false)
	ok(t, s.Update(ctx, "d", func(tx store.Tx) error {
		_, _, err := tx.AddLoanNotice(store.LoanNotice{Facility: "d", Key: "n1", Loan: 1, PeriodEnd: d("2006-03-01"), Kind: store.LoanConvert,
			Option: "prime", GivenBy: "treasurer", GivenAt: t0})
		return err
	}))
	if fs := must(s.ElectionFacilities(ctx)).of(t); fmt.Sprint(fs) != "[a d]" {
		t.Errorf("facilities with elections: %v, want [a d]", fs)
	}
}
