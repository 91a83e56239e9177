package agreement

import (
	"strings"
	"testing"

	"revolver/money"
)

// withReserves puts reserves on the receivables component (comp) and on
// the borrowing base (bb).
func withReserves(comp, bb string) string {
	a := baseAgreement
	if comp != "" {
		a = strings.Replace(a, "        advance_rate: 80%\n", "        advance_rate: 80%\n        reserves:\n"+comp, 1)
	}
	if bb != "" {
		a = strings.Replace(a, "    letters_of_credit: deduct_from_borrowing_base\n", "    letters_of_credit: deduct_from_borrowing_base\n    reserves:\n"+bb, 1)
	}
	return a
}

func TestReserveKindsDecode(t *testing.T) {
	a := withReserves(
		"          - {id: elig, amount: 100.00, placement: eligible, from: 2020-02-01, until: 2020-12-31}\n"+
			"          - {id: sh, kind: share, rate: 2.5%, of: availability}\n"+
			"          - {id: dil, kind: dilution, threshold: 5%, placement: eligible}\n",
		"          - {id: block, kind: availability_block, amount: 5000.00}\n"+
			"          - {id: bbsh, kind: share, rate: 1%, of: eligible, component: receivables}\n"+
			"          - {id: rent, kind: rent, months: 3}\n"+
			"          - {id: plain, amount: 1.00}\n") +
		"  locations:\n    - id: W1\n      name: Warehouse\n      kind: third_party_warehouse\n      country: US\n      monthly_rent: 1234.56\n      waiver: bailee\n      waiver_date: 2020-03-01\n"
	f, err := Parse(files(a))
	if err != nil {
		t.Fatalf("diagnostics:\n%v", err)
	}
	terms, err := f.TermsAsOf(mustDate("2020-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	rs := terms.BorrowingBase.Components[0].Reserves
	if len(rs) != 3 || rs[0].Placement != PlaceEligible || rs[0].From != mustDate("2020-02-01") || rs[0].Until != mustDate("2020-12-31") || !rs[0].InForce(mustDate("2020-06-30")) || rs[0].InForce(mustDate("2021-01-01")) {
		t.Errorf("component reserves %+v", rs)
	}
	if rs[1].Kind != ShareReserve || rs[1].Of != "availability" || rs[1].Rate.Value.Cmp(money.MustRate("0.025")) != 0 || rs[1].Where(true) != PlaceComponent {
		t.Errorf("share %+v", rs[1])
	}
	if rs[2].Dilution != nil || rs[2].Threshold == nil {
		t.Errorf("dilution without its measure %+v", rs[2])
	}
	bb := terms.BorrowingBase.Reserves
	if len(bb) != 4 || bb[0].Placement != PlaceLine || bb[1].Component != "receivables" || bb[2].Months.Value.Cmp(money.RateFromInt(3)) != 0 || bb[3].Where(false) != PlaceBorrowingBase {
		t.Errorf("borrowing base reserves %+v", bb)
	}
	l := terms.Locations[0]
	if l.MonthlyRent == nil || l.MonthlyRent.Value != 123456 || l.Waiver != WaiverBailee || !l.Waived(mustDate("2020-03-01")) || l.Waived(mustDate("2020-02-29")) {
		t.Errorf("location %+v", l)
	}
}

func TestReserveKindsLint(t *testing.T) {
	for _, c := range []struct{ name, comp, bb, want string }{
		{"unknown kind", "          - {id: x, kind: guess, amount: 1.00}\n", "", `bad value for borrowing_base.components.receivables.reserves.x.kind (found "guess"`},
		{"line on a component", "          - {id: x, amount: 1.00, placement: line}\n", "", `bad value for borrowing_base.components.receivables.reserves.x.placement (found "line", expected one of eligible, component)`},
		{"eligible on the borrowing base", "", "          - {id: x, amount: 1.00, placement: eligible}\n", `(found "eligible", expected one of borrowing_base, line)`},
		{"block on a component", "          - {id: x, kind: availability_block, amount: 1.00}\n", "", "availability block x is on a component"},
		{"share without a component", "", "          - {id: x, kind: share, rate: 1%, of: eligible}\n", "share reserve x of the borrowing base names no component"},
		{"share of an unknown component", "", "          - {id: x, kind: share, rate: 1%, of: eligible, component: nope}\n", "share reserve x: unknown component"},
		{"share above 100%", "          - {id: x, kind: share, rate: 101%, of: eligible}\n", "", "borrowing_base.components.receivables.reserves.x.rate above 100%"},
		{"share of availability at eligible", "          - {id: x, kind: share, rate: 1%, of: availability, placement: eligible}\n", "", "share reserve x of the availability placed at eligible"},
		{"rent on receivables", "          - {id: x, kind: rent, months: 2}\n", "", "rent reserve x is on a receivables component"},
		{"rent with an amount", "", "          - {id: x, kind: rent, months: 2, amount: 1.00}\n", "reserve x (kind rent) has amount"},
		{"share at the line", "", "          - {id: x, kind: share, rate: 1%, of: eligible, component: receivables, placement: line}\n", "reserve x of kind share placed at line"},
		{"ends before it starts", "          - {id: x, amount: 1.00, from: 2020-05-01, until: 2020-04-30}\n", "", "reserve x ends before it starts"},
	} {
		t.Run(c.name, func(t *testing.T) {
			errs := Lint(files(withReserves(c.comp, c.bb)))
			if len(errs) == 0 {
				t.Fatalf("no diagnostic; want one containing %q", c.want)
			}
			if !strings.Contains(errs.Error(), c.want) {
				t.Errorf("diagnostics:\n%s\nwant one containing %q", errs.Error(), c.want)
			}
		})
	}
	errs := Lint(files(baseAgreement + "  locations:\n    - {id: W1, name: W, kind: leased, country: US, waiver: tenant}\n"))
	if len(errs) == 0 || !strings.Contains(errs.Error(), `bad value for locations.W1.waiver (found "tenant", expected one of landlord, bailee, none)`) {
		t.Errorf("waiver: %v", errs)
	}
}
