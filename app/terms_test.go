package app

import (
	"testing"

	"revolver/agreement"
	"revolver/date"
)

func TestFromAgreementBTU(t *testing.T) {
	f, err := agreement.Load("../examples/btu-sovereign")
	if err != nil {
		t.Fatal(err)
	}
	terms, err := f.TermsAsOf(date.MustParse("2005-06-30"))
	if err != nil {
		t.Fatal(err)
	}
	ft, err := FromAgreement(terms, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("clearance days %d, fees %v", ft.ClearanceDays, ft.Fees)
	t.Logf("commitment %s cap %v termination %s pricing %s+%s capitalise %v cure %d blocks %v",
		ft.Commitment, ft.AdvanceCap, ft.TerminationDate, ft.Pricing.Series, ft.Pricing.Margin, ft.Capitalise, ft.CureDays, ft.BlocksOnDefault)
	if ft.Commitment.String() != "14000000.00" || ft.TerminationDate != date.MustParse("2007-05-31") ||
		ft.Pricing.Series != "prime" || ft.CureDays != 30 || !ft.BlocksOnDefault ||
		ft.ClearanceDays != 1 || ft.Fees["transaction_fee"].Amount.String() != "20000.00" {
		t.Errorf("FromAgreement = %+v, want 14,000,000.00 to 2007-05-31 at prime, 30 cure days, advances blocked on default", ft)
	}
}
