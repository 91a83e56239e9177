package covenant

import (
	"strings"
	"testing"

	"revolver/agreement"
	"revolver/date"
	"revolver/money"
	"revolver/springing"
)

func amt(s string) money.Amount {
	a, err := money.ParseAmount(s)
	if err != nil {
		panic(s + ": " + err.Error())
	}
	return a
}

// stmt builds a statement; an empty string leaves the line unreported.
func stmt(end string, fy, fq int, ta, ia, tl, ni string) Statement {
	s := Statement{PeriodEnd: date.MustParse(end), FiscalYear: fy, FiscalQuarter: fq,
		Lines: map[string]money.Amount{}, File: "test.csv", Line: int32(fq + 1)}
	for k, v := range map[string]string{TotalAssets: ta, IntangibleAssets: ia, TotalLiabilities: tl, NetIncome: ni} {
		if v != "" {
			s.Lines[k] = amt(v)
		}
	}
	s.Lines[SubordinatedDebt] = 0
	return s
}

func mustEval(t *testing.T, terms func(date.Date) (*agreement.Terms, error), sts []Statement) *Result {
	t.Helper()
	r, err := Evaluate(terms, sts)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func find(t *testing.T, r *Result, cov, end string) *Test {
	t.Helper()
	for i := range r.Tests {
		if r.Tests[i].Covenant == cov && r.Tests[i].PeriodEnd.String() == end {
			return &r.Tests[i]
		}
	}
	return nil
}

type want struct {
	actual, required, result, headroom string
	reason                             string // substring; "" means the reason must be empty
}

func check(t *testing.T, got *Test, w want) {
	t.Helper()
	if got == nil {
		t.Fatalf("test missing, want %+v", w)
	}
	if got.Actual.String() != w.actual || got.Required.String() != w.required || got.Result != w.result || got.Headroom.String() != w.headroom {
		t.Errorf("%s %s: got actual %q required %q result %q headroom %q (%s); want %q %q %q %q",
			got.Covenant, got.PeriodEnd, got.Actual, got.Required, got.Result, got.Headroom, got.Reason,
			w.actual, w.required, w.result, w.headroom)
	}
	if w.reason == "" && got.Reason != "" {
		t.Errorf("%s %s: unexpected reason %q", got.Covenant, got.PeriodEnd, got.Reason)
	}
	if w.reason != "" && !strings.Contains(got.Reason, w.reason) {
		t.Errorf("%s %s: reason %q does not mention %q", got.Covenant, got.PeriodEnd, got.Reason, w.reason)
	}
}

func TestTangibleNetWorth(t *testing.T) {
	tnw := amendedTNW()
	tnw.Ratchet = nil
	cases := []struct {
		name       string
		ta, ia, tl string
		want       want
	}{
		{"pass", "30000000.00", "1000000.00", "18000000.00",
			want{"11000000.00", "10000000.00", Pass, "1000000.00", ""}},
		{"exactly the minimum passes", "30000000.00", "1000000.00", "19000000.00",
			want{"10000000.00", "10000000.00", Pass, "0.00", ""}},
		{"one cent short fails", "30000000.00", "1000000.01", "19000000.00",
			want{"9999999.99", "10000000.00", Fail, "-0.01", "below the required minimum 10,000,000.00 by 0.01"}},
		{"negative TNW fails", "20000000.00", "1500000.00", "21000000.01",
			want{"-2500000.01", "10000000.00", Fail, "-12500000.01", "below"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustEval(t, fixedTerms(tnw), []Statement{stmt("2004-04-04", 2004, 1, c.ta, c.ia, c.tl, "5.00")})
			if len(r.Tests) != 1 {
				t.Fatalf("got %d tests, want 1", len(r.Tests))
			}
			check(t, &r.Tests[0], c.want)
		})
	}
}

// ratchetYears: FY2004 earns 1,000,009.01 (50% = 500,004.505 → 500,004.51,
// half away from zero); FY2005 loses 2,000,000.00 overall though Q4 earns;
// FY2006 earns 400,000.00 (50% = 200,000.00).
func ratchetYears() []Statement {
	ends := []string{"2004-04-04", "2004-07-04", "2004-10-03", "2004-12-31",
		"2005-04-03", "2005-07-03", "2005-10-02", "2005-12-31",
		"2006-04-02", "2006-07-02", "2006-10-01", "2006-12-31"}
	ni := []string{"1000000.01", "2.00", "3.00", "4.00",
		"-1500000.00", "-700000.00", "-100000.00", "300000.00",
		"100000.00", "100000.00", "100000.00", "100000.00"}
	var out []Statement
	for i, e := range ends {
		out = append(out, stmt(e, 2004+i/4, i%4+1, "60000000.00", "1000000.00", "27000000.00", ni[i]))
	}
	return out
}

func TestRatchetAcrossYears(t *testing.T) {
	r := mustEval(t, fixedTerms(amendedTNW()), ratchetYears())
	wantRequired := map[string]string{
		"2004-04-04": "10000000.00", "2004-07-04": "10000000.00", "2004-10-03": "10000000.00",
		// The Q4 test of FY2004 already includes FY2004's increment.
		"2004-12-31": "10500004.51",
		// FY2005's loss does not lower the floor.
		"2005-04-03": "10500004.51", "2005-07-03": "10500004.51", "2005-10-02": "10500004.51", "2005-12-31": "10500004.51",
		"2006-04-02": "10500004.51", "2006-07-02": "10500004.51", "2006-10-01": "10500004.51",
		"2006-12-31": "10700004.51",
	}
	if len(r.Tests) != len(wantRequired) {
		t.Fatalf("got %d tests, want %d", len(r.Tests), len(wantRequired))
	}
	for _, tt := range r.Tests {
		if got, want := tt.Required.String(), wantRequired[tt.PeriodEnd.String()]; got != want {
			t.Errorf("%s: required %s, want %s", tt.PeriodEnd, got, want)
		}
		if tt.Actual.String() != "32000000.00" || tt.Result != Pass {
			t.Errorf("%s: actual %s result %s, want 32000000.00 pass", tt.PeriodEnd, tt.Actual, tt.Result)
		}
	}
	last := find(t, r, "minimum_tangible_net_worth", "2006-12-31")
	if h := last.Headroom.String(); h != "21299995.49" {
		t.Errorf("headroom %s, want 21299995.49", h)
	}
	// The explanation shows each year's increment.
	for key, want := range map[string]string{
		"covenant.minimum_tangible_net_worth.2006-12-31.required.ratchet.2004": "500004.51",
		"covenant.minimum_tangible_net_worth.2006-12-31.required.ratchet.2005": "0.00",
		"covenant.minimum_tangible_net_worth.2006-12-31.required.ratchet.2006": "200000.00",
	} {
		n := last.Explain.Find(key)
		if n == nil || n.Value != want {
			t.Errorf("explain %s = %+v, want value %s", key, n, want)
		}
	}
}

func TestRatchetFromFiscalYear(t *testing.T) {
	tnw := amendedTNW()
	tnw.Ratchet.FromFiscalYear.Value = 2005
	r := mustEval(t, fixedTerms(tnw), ratchetYears())
	for end, want := range map[string]string{"2004-12-31": "10000000.00", "2005-12-31": "10000000.00", "2006-12-31": "10200000.00"} {
		if got := find(t, r, tnw.ID, end).Required.String(); got != want {
			t.Errorf("%s: required %s, want %s", end, got, want)
		}
	}
}

func TestMinimumNetIncome(t *testing.T) {
	sts := []Statement{
		stmt("2004-04-04", 2004, 1, "1.00", "0.00", "0.00", "-500000.00"),
		stmt("2004-07-04", 2004, 2, "1.00", "0.00", "0.00", "-1.00"),
		stmt("2004-10-03", 2004, 3, "1.00", "0.00", "0.00", "0.00"),
		stmt("2004-12-31", 2004, 4, "1.00", "0.00", "0.00", "1.00"),
		stmt("2005-04-03", 2005, 1, "1.00", "0.00", "0.00", "0.99"),
		stmt("2005-07-03", 2005, 2, "1.00", "0.00", "0.00", "-1250000.50"),
	}
	r := mustEval(t, fixedTerms(amendedNetIncome()), sts)
	if len(r.Tests) != 3 {
		t.Fatalf("got %d tests, want 3 (from the quarter ending 2004-12-31 only): %+v", len(r.Tests), r.Tests)
	}
	check(t, &r.Tests[0], want{"1.00", "1.00", Pass, "0.00", ""})
	check(t, &r.Tests[1], want{"0.99", "1.00", Fail, "-0.01", "below the required minimum 1.00 by 0.01"})
	check(t, &r.Tests[2], want{"-1250000.50", "1.00", Fail, "-1250001.50", "below"})
	if r.Tests[0].PeriodEnd.String() != "2004-12-31" {
		t.Errorf("first test %s, want 2004-12-31", r.Tests[0].PeriodEnd)
	}
}

func TestLeverage(t *testing.T) {
	cases := []struct {
		name       string
		ta, ia, tl string
		want       want
		line       string // want line headroom; "" none
	}{
		{"pass", "60000000.00", "1000000.00", "20000000.00",
			want{"0.5128", "2.0000", Pass, "1.4872", ""}, "19333333.33"},
		{"exactly 2.0 passes", "60000000.00", "0.00", "40000000.00",
			want{"2.0000", "2.0000", Pass, "0.0000", ""}, "0.00"},
		{"above 2.0 fails", "60000000.00", "0.00", "40000000.03",
			want{"2.0000", "2.0000", Fail, "-0.0000", "above the allowed maximum 2"}, "-0.03"},
		{"well above fails", "30000000.00", "1000000.00", "25000000.00",
			want{"6.2500", "2.0000", Fail, "-4.2500", "above"}, "-5666666.67"},
		{"TNW zero fails", "30000000.00", "1000000.00", "29000000.00",
			want{"", "2.0000", Fail, "", "not above zero"}, ""},
		{"TNW negative fails", "30000000.00", "1000000.00", "35000000.00",
			want{"", "2.0000", Fail, "", "is -6,000,000.00, not above zero"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := mustEval(t, fixedTerms(leverage("2.0")), []Statement{stmt("2004-04-04", 2004, 1, c.ta, c.ia, c.tl, "1.00")})
			got := &r.Tests[0]
			check(t, got, c.want)
			switch {
			case c.line == "" && got.LineHeadroom != nil:
				t.Errorf("line headroom %s, want none", got.LineHeadroom)
			case c.line != "" && (got.LineHeadroom == nil || got.LineHeadroom.String() != c.line || got.HeadroomLine != TotalLiabilities):
				t.Errorf("line headroom %v %s, want %s total_liabilities", got.LineHeadroom, got.HeadroomLine, c.line)
			}
		})
	}
}

// The line headroom is the largest cent: adding it to total liabilities
// still passes, one cent more fails.
func TestLeverageLineHeadroomIsTight(t *testing.T) {
	for _, c := range [][3]string{
		{"60000000.00", "1000000.00", "20000000.00"},
		{"30000000.00", "1000000.00", "25000000.00"},
		{"61033590.00", "1009650.00", "26768185.00"},
		{"100.00", "0.00", "33.33"},
	} {
		lev := leverage("2.0")
		r := mustEval(t, fixedTerms(lev), []Statement{stmt("2004-04-04", 2004, 1, c[0], c[1], c[2], "1")})
		h := r.Tests[0].LineHeadroom
		if h == nil {
			t.Fatalf("%v: no line headroom", c)
		}
		for _, d := range []struct {
			delta money.Amount
			want  string
		}{{*h, Pass}, {*h + 1, Fail}} {
			tl := amt(c[2]) + d.delta
			r2 := mustEval(t, fixedTerms(lev), []Statement{stmt("2004-04-04", 2004, 1, c[0], c[1], tl.String(), "1")})
			if got := r2.Tests[0].Result; got != d.want {
				t.Errorf("%v: liabilities + %s: %s, want %s", c, d.delta, got, d.want)
			}
		}
	}
}

func TestUndetermined(t *testing.T) {
	t.Run("unknown ratchet share names the term", func(t *testing.T) {
		tnw := amendedTNW()
		tnw.Ratchet.Share = agreement.Term[money.Rate]{Unknown: "not in the seed", Path: "covenants.minimum_tangible_net_worth.ratchet.share"}
		r := mustEval(t, fixedTerms(tnw), []Statement{stmt("2004-04-04", 2004, 1, "30000000.00", "1000000.00", "18000000.00", "1.00")})
		check(t, &r.Tests[0], want{"11000000.00", "", Undetermined, "", "term covenants.minimum_tangible_net_worth.ratchet.share is unknown (not in the seed)"})
	})
	t.Run("unknown ratchet rule before the amendment", func(t *testing.T) {
		r := mustEval(t, btuTerms, []Statement{stmt("2003-12-28", 2003, 4, "30000000.00", "1000000.00", "18000000.00", "1.00")})
		check(t, find(t, r, "minimum_tangible_net_worth", "2003-12-28"),
			want{"11000000.00", "", Undetermined, "", "term covenants.minimum_tangible_net_worth.ratchet is unknown (the original step-up rule is not in the seed)"})
		// The original leverage covenant (0.75) is decided.
		check(t, find(t, r, "maximum_leverage_ratio", "2003-12-28"), want{"1.6364", "0.7500", Fail, "-0.8864", "above"})
	})
	t.Run("unknown threshold", func(t *testing.T) {
		lev := leverage("2.0")
		lev.Threshold = agreement.Term[money.Rate]{Unknown: "illegible", Path: "covenants.maximum_leverage_ratio.threshold"}
		r := mustEval(t, fixedTerms(lev), []Statement{stmt("2004-04-04", 2004, 1, "60000000.00", "1000000.00", "20000000.00", "1.00")})
		check(t, &r.Tests[0], want{"0.5128", "", Undetermined, "", "covenants.maximum_leverage_ratio.threshold is unknown (illegible)"})
	})
	t.Run("missing quarter", func(t *testing.T) {
		sts := ratchetYears()
		sts = append(sts[:2], sts[3:]...) // drop fiscal 2004 Q3
		r := mustEval(t, fixedTerms(amendedTNW()), sts)
		check(t, find(t, r, "minimum_tangible_net_worth", "2004-07-04"), want{"32000000.00", "10000000.00", Pass, "22000000.00", ""})
		for _, end := range []string{"2004-12-31", "2005-04-03", "2006-12-31"} {
			check(t, find(t, r, "minimum_tangible_net_worth", end),
				want{"32000000.00", "", Undetermined, "", "ratchet needs fiscal 2004 net_income but fiscal 2004 Q3 statement is missing"})
		}
	})
	t.Run("missing line", func(t *testing.T) {
		sts := []Statement{stmt("2004-04-04", 2004, 1, "", "1000000.00", "18000000.00", "1.00")}
		r := mustEval(t, fixedTerms(amendedTNW(), leverage("2.0")), sts)
		for _, tt := range r.Tests {
			check(t, &tt, want{"", tt.Required.String(), Undetermined, "", "line total_assets is not reported for fiscal 2004 Q1 (ending 2004-04-04) (test.csv line 2)"})
		}
	})
	t.Run("missing ratchet line in a quarter", func(t *testing.T) {
		sts := ratchetYears()
		delete(sts[1].Lines, NetIncome)
		r := mustEval(t, fixedTerms(amendedTNW()), sts)
		check(t, find(t, r, "minimum_tangible_net_worth", "2004-12-31"),
			want{"32000000.00", "", Undetermined, "", "net_income of fiscal 2004 Q2 (ending 2004-07-04) (test.csv line 3) is missing"})
	})
}

func TestFrequencyAnnually(t *testing.T) {
	tnw := amendedTNW()
	tnw.Frequency = agreement.Term[string]{Value: "annually"}
	r := mustEval(t, fixedTerms(tnw), ratchetYears())
	var ends []string
	for _, tt := range r.Tests {
		ends = append(ends, tt.PeriodEnd.String())
	}
	if got := strings.Join(ends, " "); got != "2004-12-31 2005-12-31 2006-12-31" {
		t.Errorf("tested at %s, want the three fiscal year ends", got)
	}
}

func TestEvaluateRejectsDuplicatePeriods(t *testing.T) {
	sts := []Statement{stmt("2004-04-04", 2004, 1, "1", "0", "0", "1"), stmt("2004-04-05", 2004, 1, "1", "0", "0", "1")}
	if _, err := Evaluate(fixedTerms(amendedNetIncome()), sts); err == nil || !strings.Contains(err.Error(), "two statements for fiscal 2004 Q1") {
		t.Errorf("err = %v, want two statements for fiscal 2004 Q1", err)
	}
}

func TestCitesAndExplanation(t *testing.T) {
	r := mustEval(t, btuTerms, ratchetYears())
	tt := find(t, r, "minimum_tangible_net_worth", "2004-12-31")
	var cs []string
	for _, c := range tt.Cites {
		cs = append(cs, c.Document+" "+c.Section+" ["+c.Amendment+"]")
	}
	if got, want := strings.Join(cs, "; "), "loan-agreement Schedule A [first-amendment]; first-amendment §1(h) [first-amendment]"; got != want {
		t.Errorf("cites %q, want %q", got, want)
	}
	text := tt.Explain.Text()
	for _, s := range []string{
		"tangible_net_worth = total_assets - intangible_assets - total_liabilities",
		"total_assets 60,000,000.00 − intangible_assets 1,000,000.00 − total_liabilities 27,000,000.00 = 32,000,000.00",
		"Q1 1,000,000.01 + Q2 2.00 + Q3 3.00 + Q4 4.00 = 1,000,009.01 × 50% = 500,004.51",
		"input: 1 row(s) of test.csv: lines 5",
		"input: 4 row(s) of test.csv: lines 2, 3, 4, 5",
		"clause: first-amendment §1(h) (as amended by first-amendment)",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("explanation lacks %q:\n%s", s, text)
		}
	}
}

// A springing covenant's figures are computed, but while trigger periods are
// not determined the test neither passes nor fails, and says why.
func TestSpringingCovenantIsUndetermined(t *testing.T) {
	for _, c := range []struct{ tl, would string }{{"18000000.00", "pass"}, {"19000000.01", "fail"}} {
		tnw := amendedTNW()
		tnw.Ratchet = nil
		tnw.Springing = &agreement.Trigger{Measure: agreement.Term[string]{Value: agreement.ExcessAvailability},
			AtLeast: &agreement.Term[money.Amount]{Value: amt("7500000.00")}, ForDays: agreement.Term[int]{Value: 1},
			EndsAfterDays: agreement.Term[int]{Value: 30}, Cite: agreement.Cite{Document: "ca", Section: "§6.12"}}
		r := mustEval(t, fixedTerms(tnw), []Statement{stmt("2004-04-04", 2004, 1, "30000000.00", "1000000.00", c.tl, "5.00")})
		got := r.Tests[0]
		if got.Result != Undetermined || !got.Actual.Known || !got.Headroom.Known {
			t.Fatalf("%s: result %s, actual %v, headroom %v", c.would, got.Result, got.Actual, got.Headroom)
		}
		want := "springing covenant: tested only at a period end within a trigger period (excess availability below 7,500,000.00 on 1 consecutive Business Day; ends after 30 consecutive days at or above it); whether 2004-04-04 is in one is not determined — the actual would " + c.would
		if got.Reason != want {
			t.Errorf("reason:\n got %s\nwant %s", got.Reason, want)
		}
	}
}

// With the trigger periods known, a springing covenant is tested at a
// period end inside one (its result and headroom as any covenant's, the
// explanation naming the period) and did not apply at one outside
// (NotApplicable, saying why); a period end the trigger is not evaluated
// through stays undetermined, saying why.
func TestSpringingCovenantAppliesOnlyInATriggerPeriod(t *testing.T) {
	tnw := amendedTNW()
	tnw.Ratchet = nil
	tnw.Springing = &agreement.Trigger{Measure: agreement.Term[string]{Value: agreement.ExcessAvailability},
		AtLeast: &agreement.Term[money.Amount]{Value: amt("7500000.00")}, ForDays: agreement.Term[int]{Value: 1},
		EndsAfterDays: agreement.Term[int]{Value: 30}, Cite: agreement.Cite{Document: "ca", Section: "§6.12"}}
	end := date.MustParse("2004-06-30")
	periods := []springing.Period{
		{Start: date.MustParse("2004-03-01"), End: &end, StartReason: "excess availability below the threshold on 1 consecutive Business Day (2004-03-01)"},
		{Start: date.MustParse("2004-12-20"), StartReason: "an event of default continues"},
	}
	triggers := func(cov string, pe date.Date) ([]springing.Period, bool, string) {
		if cov != tnw.ID {
			t.Errorf("periods asked for covenant %q", cov)
		}
		if pe > date.MustParse("2004-12-31") {
			return nil, false, "its trigger is evaluated through 2004-12-31 only"
		}
		return periods, true, ""
	}
	sts := []Statement{
		stmt("2004-03-31", 2004, 1, "30000000.00", "1000000.00", "19000000.01", "5.00"), // in the first period: fails
		stmt("2004-06-30", 2004, 2, "30000000.00", "1000000.00", "18000000.00", "5.00"), // its last day: passes
		stmt("2004-09-30", 2004, 3, "30000000.00", "1000000.00", "19000000.01", "5.00"), // outside: would fail
		stmt("2004-12-31", 2004, 4, "30000000.00", "1000000.00", "18000000.00", "5.00"), // in the second, open period
		stmt("2005-03-31", 2005, 1, "30000000.00", "1000000.00", "18000000.00", "5.00"), // not evaluated yet
	}
	r, err := EvaluateTriggered(fixedTerms(tnw), sts, triggers)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ result, reason string }{
		{Fail, ""},
		{Pass, ""},
		{NotApplicable, "did not apply: a springing covenant is tested only at a period end within a trigger period (excess availability below 7,500,000.00 on 1 consecutive Business Day; ends after 30 consecutive days at or above it), and none was in effect on 2004-09-30 — the actual would fail"},
		{Pass, ""},
		{Undetermined, "springing covenant: tested only at a period end within a trigger period (excess availability below 7,500,000.00 on 1 consecutive Business Day; ends after 30 consecutive days at or above it); its trigger is evaluated through 2004-12-31 only — the actual would pass"},
	}
	if len(r.Tests) != len(want) {
		t.Fatalf("%d tests, want %d", len(r.Tests), len(want))
	}
	for i, w := range want {
		got := r.Tests[i]
		if got.Result != w.result || (w.reason != "" && got.Reason != w.reason) {
			t.Errorf("%s: %s %q\nwant %s %q", got.PeriodEnd, got.Result, got.Reason, w.result, w.reason)
		}
		if !got.Actual.Known || !got.Headroom.Known {
			t.Errorf("%s: figures not computed: actual %v headroom %v", got.PeriodEnd, got.Actual, got.Headroom)
		}
	}
	if n := r.Tests[0].Explain.Find("covenant." + tnw.ID + ".2004-03-31.trigger"); n == nil || n.Value != "2004-03-01..2004-06-30" {
		t.Errorf("the test inside a period does not name it: %+v", n)
	}
	if n := r.Tests[2].Explain.Find("covenant." + tnw.ID + ".2004-09-30.trigger"); n != nil {
		t.Errorf("a test outside every period names one: %+v", n)
	}
}
