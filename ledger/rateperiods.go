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
	// Rate is what the day bore (zero: Base + Margin); Floored when the
	// floor Floor was above the base and applied.
	Rate     money.Rate
	Floor    *money.Rate
	Floored  bool
	DayCount string
	Interest money.Amount
}

// RatePeriod is a run of days at one rate: the same option, the same value
// of its base series, margin and day count. Base is the series' value in
// force on From (a daily series republishing the same value does not start
// a new period).
type RatePeriod struct {
	From     date.Date     `json:"from"`
	To       date.Date     `json:"to"` // inclusive
	Days     int           `json:"days"`
	Option   string        `json:"option"`
	Series   string        `json:"series"`
	Base     RatePoint     `json:"base_rate"`
	Margin   money.Rate    `json:"margin"`
	Rate     money.Rate    `json:"rate"`
	Floored  bool          `json:"floored,omitempty"`
	Floor    *money.Rate   `json:"floor,omitempty"`
	DayCount string        `json:"day_count"`
	Interest money.Amount  `json:"interest"` // accrued (posted) over the days
	Explain  *explain.Node `json:"explain"`
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
				p.Base.Value.Cmp(d.Base.Value) == 0 && p.Margin.Cmp(d.Margin) == 0 && p.DayCount == d.DayCount {
				p.To, p.Days, p.Interest = d.Day, p.Days+1, p.Interest+d.Interest
				merged = true
				break
			}
		}
		if merged {
			continue
		}
		out = append(out, RatePeriod{From: d.Day, To: d.Day, Days: 1, Option: d.Option, Series: d.Series, Base: d.Base,
			Margin: d.Margin, Rate: rate, Floored: d.Floored, Floor: d.Floor, DayCount: d.DayCount, Interest: d.Interest})
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
	return (&explain.Node{Key: key, Label: fmt.Sprintf("Interest %s to %s (%d days)", p.From, p.To, p.Days), Value: p.Interest.String(),
		Formula: fmt.Sprintf("Σ daily: Loans at the close of each day × %s (%s) × 1 day's share of a year by %s, each day rounded to the cent", p.Rate.Percent(), p.Option, p.DayCount)}).
		Add(&explain.Node{Key: key + ".rate", Label: "Rate", Value: p.Rate.Percent(), Formula: p.rateFormula()},
			&explain.Node{Key: key + ".base", Label: p.Series + " effective " + p.Base.Effective.String(), Value: p.Base.Value.Percent(), Formula: "source: " + src})
}

func (p RatePeriod) rateFormula() string {
	if p.Floored && p.Floor != nil {
		return fmt.Sprintf("floor %s (above %s: %s, effective %s) + margin %s", p.Floor.Percent(), p.Series, p.Base.Value.Percent(), p.Base.Effective, p.Margin.Percent())
	}
	return fmt.Sprintf("%s in force (%s, effective %s) + margin %s", p.Series, p.Base.Value.Percent(), p.Base.Effective, p.Margin.Percent())
}
