package rollforward

import (
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"sync"

	"revolver/date"
	"revolver/money"
)

// DefaultDilutionWindow is the number of periods dilution is measured over
// when the terms give none.
const DefaultDilutionWindow = 3

// Dilution is credits ÷ sales over the last periods of a window.
type Dilution struct {
	// WindowPeriods is how many periods were summed: the window, or fewer at
	// the start of a history (Window then says how many were wanted).
	WindowPeriods int
	Window        int
	Sales         money.Amount // Σ sales of the periods
	Credits       money.Amount // Σ credits_total of the periods
	Known         bool         // every period's sales and credits determined
	Ratio         money.Rate   // credits ÷ sales, half away from zero to 4 places
	RatioKnown    bool
	Reason        string      // why Sales/Credits or Ratio is undetermined
	Periods       []date.Date // the as-of dates of the periods summed
}

// Short reports a window with fewer periods than wanted.
func (d Dilution) Short() bool { return d.WindowPeriods < d.Window }

// RatioText gives the ratio with four places, or "undetermined".
func (d Dilution) RatioText() string {
	if !d.RatioKnown {
		return "undetermined"
	}
	return d.Ratio.Fixed(4)
}

// DilutionOver measures dilution over the last window results (in
// chronological order; fewer when there are fewer). The ratio is
// undetermined when a period's sales or credits are, or when sales are 0.
func DilutionOver(results []*Result, window int) (Dilution, error) {
	if window < 1 {
		return Dilution{}, fmt.Errorf("dilution window %d: expected at least one period", window)
	}
	if len(results) == 0 {
		return Dilution{}, fmt.Errorf("dilution: no period")
	}
	use := results[max(0, len(results)-window):]
	d := Dilution{WindowPeriods: len(use), Window: window, Known: true}
	var s, c sum
	for _, r := range use {
		d.Periods = append(d.Periods, r.AsOf)
		rv := &r.Receivables
		switch {
		case !rv.Sales.Known:
			d.Known, d.Reason = false, fmt.Sprintf("period ending %s: sales undetermined (%s)", r.AsOf, rv.Sales.Reason)
		case !rv.CreditsTotal.Known:
			d.Known, d.Reason = false, fmt.Sprintf("period ending %s: credits undetermined (%s)", r.AsOf, rv.CreditsTotal.Reason)
		}
		if !d.Known {
			return Dilution{WindowPeriods: d.WindowPeriods, Window: window, Reason: d.Reason, Periods: d.Periods}, nil
		}
		s.add(rv.Sales.Amount)
		c.add(rv.CreditsTotal.Amount)
	}
	if s.bad || c.bad {
		return Dilution{}, errOverflow
	}
	d.Sales, d.Credits = s.v, c.v
	if d.Sales == 0 {
		d.Reason = reasonZeroSales
		return d, nil
	}
	d.Ratio = roundQuo(big.NewInt(int64(d.Credits)), big.NewInt(int64(d.Sales)), 4)
	d.RatioKnown = true
	return d, nil
}

// Monitor reconciles each period of a history (in chronological order,
// each period's Previous the as-of of the one before) and measures the
// dilution of each over the last window periods up to it.
func Monitor(periods []Period, window int) ([]*Result, []Dilution, error) {
	results := make([]*Result, len(periods))
	errs := make([]error, len(periods))
	var wg sync.WaitGroup
	next := make(chan int)
	for range min(runtime.GOMAXPROCS(0), max(len(periods), 1)) {
		wg.Go(func() {
			for k := range next {
				results[k], errs[k] = Reconcile(periods[k])
			}
		})
	}
	for k := range periods {
		next <- k
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	dil, err := Dilutions(results, window)
	if err != nil {
		return nil, nil, err
	}
	return results, dil, nil
}

// Dilutions measures, for each result of a history in chronological order,
// the dilution over the last window periods up to it.
func Dilutions(results []*Result, window int) ([]Dilution, error) {
	dil := make([]Dilution, len(results))
	for k := range results {
		d, err := DilutionOver(results[:k+1], window)
		if err != nil {
			return nil, err
		}
		dil[k] = d
	}
	return dil, nil
}
