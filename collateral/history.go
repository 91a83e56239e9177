package collateral

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"revolver/date"
)

// A history directory holds a borrower's reports over time as the data
// README lays it out: periods.csv (period, as_of, previous_as_of; period 0
// is the opening position), debtors.csv, and one directory per as-of date
// with receivables.csv, inventory.csv and the journals of the period ending
// then (sales.csv, collections.csv, credits.csv, inventory_activity.csv).
// Each file may also be an .xlsx of the same name.

// HistoryPeriod is one line of periods.csv.
type HistoryPeriod struct {
	Period   int
	AsOf     date.Date
	Previous date.Date // 0 for the opening position
	HasPrev  bool
	Line     int
}

// ReadPeriods reads periods.csv: period, as_of, previous_as_of (empty for
// the first). Periods must be in order, each previous_as_of the as_of of
// the line before.
func ReadPeriods(name string, data []byte) ([]HistoryPeriod, error) {
	var errs errList
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	want := "period,as_of,previous_as_of"
	if len(lines) == 0 || strings.TrimSpace(strings.TrimPrefix(lines[0], "\xEF\xBB\xBF")) != want {
		first := ""
		if len(lines) > 0 {
			first = lines[0]
		}
		errs.add(&FieldError{File: name, Line: 1, Value: strconv.Quote(first), Expected: "the header " + want})
		return nil, errs.err()
	}
	var out []HistoryPeriod
	for i, l := range lines[1:] {
		line := i + 2
		if strings.TrimSpace(l) == "" {
			continue
		}
		f := strings.Split(l, ",")
		if len(f) != 3 {
			errs.add(&FieldError{File: name, Line: line, Value: plural(len(f), "field"), Expected: "3 fields as in the header"})
			continue
		}
		p := HistoryPeriod{Line: line}
		var err error
		if p.Period, err = strconv.Atoi(strings.TrimSpace(f[0])); err != nil || p.Period != len(out) {
			errs.add(&FieldError{File: name, Line: line, Column: "period", Value: f[0], Expected: fmt.Sprintf("period %d (periods in order from 0)", len(out))})
		}
		if p.AsOf, err = date.Parse(strings.TrimSpace(f[1])); err != nil {
			errs.add(&FieldError{File: name, Line: line, Column: "as_of", Value: f[1], Expected: expDate})
		}
		prev := strings.TrimSpace(f[2])
		switch {
		case len(out) == 0 && prev == "":
		case len(out) == 0:
			errs.add(&FieldError{File: name, Line: line, Column: "previous_as_of", Value: prev, Expected: "nothing for the opening position"})
		default:
			p.HasPrev = true
			if p.Previous, err = date.Parse(prev); err != nil || p.Previous != out[len(out)-1].AsOf {
				errs.add(&FieldError{File: name, Line: line, Column: "previous_as_of", Value: prev,
					Expected: "the as_of of the line before, " + out[len(out)-1].AsOf.String()})
			} else if p.AsOf <= p.Previous {
				errs.add(&FieldError{File: name, Line: line, Column: "as_of", Value: f[1], Expected: "a date after previous_as_of " + prev})
			}
		}
		out = append(out, p)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return out, nil
}

// FindReport returns the path of a report in dir by its base name (e.g.
// "sales"): base.csv, else base.xlsx, else "" when neither exists.
func FindReport(dir, base string) (string, error) {
	for _, ext := range []string{".csv", ".xlsx"} {
		p := filepath.Join(dir, base+ext)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		} else if !errors.Is(err, fs.ErrNotExist) {
			return "", err
		}
	}
	return "", nil
}

// LoadJournals reads the journals of a period's directory; a journal whose
// file is absent is nil (not delivered).
func LoadJournals(dir string, opt Options) (Journals, error) {
	var j Journals
	var err error
	for _, x := range []struct {
		base string
		load func(string) error
	}{
		{"sales", func(p string) (e error) { j.Sales, e = LoadSales(p, opt); return }},
		{"collections", func(p string) (e error) { j.Collections, e = LoadCollections(p, opt); return }},
		{"credits", func(p string) (e error) { j.Credits, e = LoadCredits(p, opt); return }},
		{"inventory_activity", func(p string) (e error) { j.InventoryActivity, e = LoadInventoryActivity(p, opt); return }},
	} {
		var p string
		if p, err = FindReport(dir, x.base); err != nil {
			return Journals{}, err
		}
		if p == "" {
			continue
		}
		if err = x.load(p); err != nil {
			return Journals{}, err
		}
	}
	return j, nil
}
