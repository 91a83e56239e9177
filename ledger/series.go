package ledger

import (
	"strings"

	"revolver/calendar"
)

// SeriesInfo describes a base-rate series revolver knows: its name in the
// store and the terms, what it is, and who publishes it.
type SeriesInfo struct {
	Name string `json:"name"` // e.g. "term_sofr_3m"
	// Family is the base a pricing option names ("prime", "libor",
	// "term_sofr", "sofr", "fed_funds"); Tenor is the interest period of a
	// term rate ("1m", "3m"), "" for an overnight or prime rate.
	Family    string `json:"family"`
	Tenor     string `json:"tenor,omitempty"`
	Label     string `json:"label"`
	Publisher string `json:"publisher"`
}

// The base-rate series. Values are annual rates in percent as published
// (4.00 is 4%), one per publication day; a series' value on a day is the
// latest published on or before it (RateSeries.At).
var knownSeries = []SeriesInfo{
	{"prime", "prime", "", "Prime Rate", "Federal Reserve H.15 (bank prime loan rate), the prime rate published in The Wall Street Journal"},
	{"libor_1m", "libor", "1m", "LIBOR, 1 month (USD)", "ICE Benchmark Administration (until 30 June 2023)"},
	{"libor_2m", "libor", "2m", "LIBOR, 2 months (USD)", "ICE Benchmark Administration (until 30 June 2023)"},
	{"libor_3m", "libor", "3m", "LIBOR, 3 months (USD)", "ICE Benchmark Administration (until 30 June 2023)"},
	{"libor_6m", "libor", "6m", "LIBOR, 6 months (USD)", "ICE Benchmark Administration (until 30 June 2023)"},
	{"term_sofr_1m", "term_sofr", "1m", "Term SOFR, 1 month", "CME Group Benchmark Administration"},
	{"term_sofr_3m", "term_sofr", "3m", "Term SOFR, 3 months", "CME Group Benchmark Administration"},
	{"term_sofr_6m", "term_sofr", "6m", "Term SOFR, 6 months", "CME Group Benchmark Administration"},
	{"sofr", "sofr", "", "SOFR (the overnight rate Daily Simple SOFR is computed from)", "Federal Reserve Bank of New York"},
	{"fed_funds", "fed_funds", "", "Federal Funds Effective Rate", "Federal Reserve Bank of New York, Federal Reserve H.15"},
}

// Series returns the description of the series named name.
func Series(name string) (SeriesInfo, bool) {
	for _, s := range knownSeries {
		if s.Name == name {
			return s, true
		}
	}
	return SeriesInfo{}, false
}

// AllSeries lists the series revolver knows, in a fixed order.
func AllSeries() []SeriesInfo { return append([]SeriesInfo(nil), knownSeries...) }

// SeriesNames lists the names of AllSeries.
func SeriesNames() []string {
	out := make([]string, len(knownSeries))
	for i, s := range knownSeries {
		out[i] = s.Name
	}
	return out
}

// CheckSeries returns an invalid error unless name is a known series.
func CheckSeries(name string) error {
	if _, ok := Series(name); !ok {
		return invalidf("rate series %q: expected one of %s", name, strings.Join(SeriesNames(), ", "))
	}
	return nil
}

// SeriesFor is the series a pricing option's base reads for an interest
// period: the base itself for prime, sofr and fed_funds (tenor ""), the base
// and the tenor for libor and term_sofr ("libor" and "3m": "libor_3m").
func SeriesFor(base, tenor string) (string, error) {
	for _, s := range knownSeries {
		if s.Family == base && s.Tenor == tenor {
			return s.Name, nil
		}
	}
	if tenor == "" {
		return "", invalidf("base rate %q: expected prime, sofr or fed_funds, or libor or term_sofr with an interest period", base)
	}
	return "", invalidf("base rate %q for %s: no such series (libor: 1m, 2m, 3m, 6m; term_sofr: 1m, 3m, 6m)", base, tenor)
}

// FixingCalendar is the calendar whose business days count a base rate
// family's rate-fixing days and lookbacks: the one place that says so.
// LIBOR is fixed on London Banking Days (calendar.London: "two London
// Banking Days" before the interest period); Term SOFR and SOFR are
// published on U.S. Government Securities Business Days
// (calendar.USGovernmentSecurities, the SIFMA calendar); the prime rate,
// the Federal Funds rate and a fixed rate count the facility's own
// Business Days (facility).
func FixingCalendar(family string, facility calendar.Calendar) calendar.Calendar {
	switch family {
	case "libor":
		return calendar.London()
	case "term_sofr", "sofr":
		return calendar.USGovernmentSecurities()
	}
	return facility
}
