package defaults_test

import (
	"testing"

	"revolver/defaults"
)

// BenchmarkEvaluate measures a full evaluation (notices, deadlines, defaults,
// remedies) of the BTU example with a year of facts.
func BenchmarkEvaluate(b *testing.B) {
	tm, err := facility(b).TermsAsOf(d("2005-07-06"))
	if err != nil {
		b.Fatal(err)
	}
	f := defaults.Facts{}
	for i := 0; i < 50; i++ {
		day := d("2005-01-03").AddDays(i * 3)
		f.Notices = append(f.Notices, defaults.Notice{ID: "n" + day.String(), From: "lender", To: "borrower", Subject: "sale", Method: "courier", Sent: day.Time().In(ny).Add(20 * 3600e9)})
		f.Events = append(f.Events, defaults.Event{ID: "e" + day.String(), Kind: "records_move", Date: day.AddDays(40)})
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := defaults.Evaluate(tm, f, d("2005-07-06"), ny); err != nil {
			b.Fatal(err)
		}
	}
}
