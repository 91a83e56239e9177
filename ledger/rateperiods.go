package ledger

import (
	"fmt"

	"revolver/date"
	"revolver/explain"
	"revolver/money"
)

// DayRate is the rate one day's interest was accrued at, and the interest
// posted for the day.
type DayRate struct {
	Day    date.Date
	Option string
	Series string
	Base   RatePoint // the series' value in force that day
	Margin money.Rate
	// Rate is the day's rate (RateOfDay): the base, at least the floor,
	// plus the margin and the default interest (zero: Base + Margin);
	// Floored when the floor Floor was above the base and applied.
	Rate    money.Rate
	Floor   *money.Rate
	Floored bool
	// Default is the default interest of the day (0: none), Note what set
	// the margin and the default interest (Pricing.Note).
	Default  money.Rate
	Note     string
	DayCount string
	Interest money.Amount
}

// DayRateOf is the DayRate of a day's rate (RateOfDay) under p with the
// interest posted for the day.
func DayRateOf(p Pricing, a DailyAccrual, interest money.Amount) DayRate {
	return DayRate{Day: a.Day, Option: p.Option, Series: p.Series, Base: a.Point, Margin: a.Margin, Rate: a.Rate, Floored: a.Floored,
		Default: a.Default, Note: a.Note, DayCount: p.DayCountName, Interest: interest}
}

// RatePeriod is a run of days at one rate: the same option, the same value
// of its base series, margin and day count. Base is the series' value in
// force on From (a daily series republishing the same value does not start
// a new period).
type RatePeriod struct {
	From    date.Date   `json:"from"`
	To      date.Date   `json:"to"` // inclusive
	Days    int         `json:"days"`
	Option  string      `json:"option"`
	Series  string      `json:"series"`
	Base    RatePoint   `json:"base_rate"`
	Margin  money.Rate  `json:"margin"`
	Floored bool        `json:"floored,omitempty"`
	Floor   *money.Rate `json:"floor,omitempty"`
	// DefaultInterest is the default interest in the rate (nil: none);
	// Note what set the margin and the default interest.
	DefaultInterest *money.Rate   `json:"default_interest,omitempty"`
	Note            string        `json:"note,omitempty"`
	Rate            money.Rate    `json:"rate"`
	DayCount        string        `json:"day_count"`
	Interest        money.Amount  `json:"interest"` // accrued (posted) over the days
	Explain         *explain.Node `json:"explain"`
}

// RatePeriods groups days (in date order; a day may come once for each
// rate its loans bore) into rate periods, each explained: rate = the
// series' value in force + margin (the floor when it applied), the day
// count, the days and the interest accrued over them.
func RatePeriods(days []DayRate) []RatePeriod {
	var out []RatePeriod
	for _, d := range days {
		rate := d.Rate
		if rate.Cmp(money.Rate{}) == 0 && !d.Floored {
			rate = d.Base.Value.Add(d.Margin)
		}
		merged := false
		for i := len(out) - 1; i >= 0; i-- {
			p := &out[i]
			if p.To+1 == d.Day && p.Option == d.Option && p.Series == d.Series && p.Rate.Cmp(rate) == 0 &&
				p.Base.Value.Cmp(d.Base.Value) == 0 && p.Margin.Cmp(d.Margin) == 0 && p.Note == d.Note && p.DayCount == d.DayCount {
				p.To, p.Days, p.Interest = d.Day, p.Days+1, p.Interest+d.Interest
				merged = true
				break
			}
		}
		if merged {
			continue
		}
		rp := RatePeriod{From: d.Day, To: d.Day, Days: 1, Option: d.Option, Series: d.Series, Base: d.Base,
			Margin: d.Margin, Floored: d.Floored, Floor: d.Floor, Note: d.Note, Rate: rate, DayCount: d.DayCount, Interest: d.Interest}
		if d.Default.Sign() != 0 {
			v := d.Default
			rp.DefaultInterest = &v
		}
		out = append(out, rp)
	}
	for i := range out {
		out[i].Explain = out[i].explain()
	}
	return out
}

func (p RatePeriod) explain() *explain.Node {
	key := "interest." + p.From.String()
	src := p.Base.Source
	if src == "" {
		src = "not recorded"
	}
	rate := fmt.Sprintf("%s in force (%s, effective %s) + margin %s", p.Series, p.Base.Value.Percent(), p.Base.Effective, p.Margin.Percent())
	if p.Floored {
		floor := p.Rate.Sub(p.Margin)
		if p.DefaultInterest != nil {
			floor = floor.Sub(*p.DefaultInterest)
		}
		if p.Floor != nil {
			floor = *p.Floor
		}
		rate = fmt.Sprintf("floor %s (above %s in force: %s, effective %s) + margin %s", floor.Percent(), p.Series, p.Base.Value.Percent(), p.Base.Effective, p.Margin.Percent())
	}
	if p.DefaultInterest != nil {
		rate += " + default interest " + p.DefaultInterest.Percent()
	}
	if p.Note != "" {
		rate += "; " + p.Note
	}
	return (&explain.Node{Key: key, Label: fmt.Sprintf("Interest %s to %s (%d days)", p.From, p.To, p.Days), Value: p.Interest.String(),
		Formula: fmt.Sprintf("Σ daily: Loans at the close of each day × %s (%s) × 1 day's share of a year by %s, each day rounded to the cent", p.Rate.Percent(), p.Option, p.DayCount)}).
		Add(&explain.Node{Key: key + ".rate", Label: "Rate", Value: p.Rate.Percent(), Formula: rate},
			&explain.Node{Key: key + ".base", Label: p.Series + " effective " + p.Base.Effective.String(), Value: p.Base.Value.Percent(), Formula: "source: " + src})
}
