package app

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"time"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// DefaultTopDebtors is how many debtors the trends rank by default.
const DefaultTopDebtors = 10

// MaxTopDebtors is the most they rank.
const MaxTopDebtors = 100

// Trends is a facility's collateral over time (docs/trends.md): one point
// per certificate in force as known at KnownAt, by as-of date.
type Trends struct {
	Facility string    `json:"facility"`
	KnownAt  time.Time `json:"known_at"`
	Currency string    `json:"currency"`
	TopN     int       `json:"top_n"`
	// Categories are the ineligible categories of any point, in the order
	// they first appear (latest certificate's order first).
	Categories []TrendCategory `json:"categories"`
	Buckets    []TrendCategory `json:"buckets"`
	Points     []TrendPoint    `json:"points"`
}

// TrendCategory is an ineligible category or an aging bucket.
type TrendCategory struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// TrendPoint is one certificate's figures.
type TrendPoint struct {
	Certificate    int64                    `json:"certificate"`
	AsOf           date.Date                `json:"as_of"`
	DecidedAt      time.Time                `json:"approved_at"`
	HasReceivables bool                     `json:"has_receivables"`
	Gross          money.Amount             `json:"gross"`
	Ineligible     map[string]*money.Amount `json:"ineligible"` // by category id; nil: undetermined
	Eligible       *money.Amount            `json:"eligible"`
	Availability   *money.Amount            `json:"availability"`
	BorrowingBase  money.Amount             `json:"borrowing_base"`
	Buckets        []BucketFigure           `json:"buckets"`
	TopDebtors     []DebtorShare            `json:"top_debtors"`
	// TopShare is Σ of the top debtors' balances ÷ gross (nil: gross ≤ 0).
	TopShare *money.Rate `json:"top_share"`
	// Dilution and DSO: nil is not measured (no roll-forward stored with
	// the certificate; dilutionDSO).
	Dilution *money.Rate `json:"dilution"`
	DSO      *money.Rate `json:"dso"`
}

// BucketFigure is an aging bucket's amount and rows at a point.
type BucketFigure struct {
	Bucket string       `json:"bucket"`
	Amount money.Amount `json:"amount"`
	Rows   int          `json:"rows"`
}

// DebtorShare is a top debtor at a point: its balance, rank and shares of
// gross and of eligible receivables, each ratio rounded half away from
// zero to 4 places (nil when the denominator is undetermined or ≤ 0).
type DebtorShare struct {
	Rank            int          `json:"rank"`
	ID              string       `json:"debtor_id"`
	Name            string       `json:"name"`
	Balance         money.Amount `json:"balance"`
	Rows            int          `json:"rows"`
	ShareOfGross    *money.Rate  `json:"share_of_gross"`
	ShareOfEligible *money.Rate  `json:"share_of_eligible"`
}

// DilutionDSO is a certificate's dilution ratio and DSO from its period's
// roll-forward; nil is not measured (no roll-forward stored with it).
type DilutionDSO struct {
	Dilution *money.Rate `json:"dilution"`
	DSO      *money.Rate `json:"dso"`
}

// dilutionDSO returns, for the certificates of list, the dilution and DSO
// their stored roll-forwards give (docs/monitoring.md), by certificate id;
// a certificate without one is absent (not measured). The figures are
// those the lender approved (CertificateMeasures), never computed again.
func (s *Service) dilutionDSO(ctx context.Context, facility string, list []store.Certificate) (map[int64]DilutionDSO, error) {
	var ids []int64
	for _, c := range list {
		if c.RollForwardSHA256 != "" {
			ids = append(ids, c.ID)
		}
	}
	out := map[int64]DilutionDSO{}
	if len(ids) == 0 {
		return out, nil
	}
	ms, err := s.CertificateMeasures(ctx, facility, ids)
	if err != nil {
		return nil, err
	}
	rate := func(v string) (*money.Rate, error) {
		if v == "" {
			return nil, nil
		}
		r, err := money.ParseRate(v)
		if err != nil {
			return nil, err
		}
		return &r, nil
	}
	for id, m := range ms {
		var dd DilutionDSO
		if dd.Dilution, err = rate(m.Dilution); err != nil {
			return nil, fmt.Errorf("certificate %d dilution %q: %w", id, m.Dilution, err)
		}
		if dd.DSO, err = rate(m.DSO); err != nil {
			return nil, fmt.Errorf("certificate %d DSO %q: %w", id, m.DSO, err)
		}
		out[id] = dd
	}
	return out, nil
}

// ratio4 is a ÷ b rounded half away from zero to 4 places; nil for b ≤ 0.
func ratio4(a, b money.Amount) *money.Rate {
	if b <= 0 {
		return nil
	}
	q, err := money.Div(a, b)
	if err != nil {
		return nil
	}
	r := money.MustRate(q.Fixed(4))
	return &r
}

// inForceAsKnown are the facility's certificates in force as known at
// knownAt (store.Everything or zero: every record): approved by then and
// not superseded by a certificate approved by then, one per as-of date
// (the latest approved, then the highest id), by as-of date.
func inForceAsKnown(cs []store.Certificate, knownAt time.Time) []store.Certificate {
	known := func(c store.Certificate) bool {
		return c.Status == store.Approved && (knownAt.IsZero() || !c.DecidedAt.After(knownAt))
	}
	superseded := map[int64]bool{}
	for _, c := range cs {
		if c.Supersedes != 0 && known(c) {
			superseded[c.Supersedes] = true
		}
	}
	byDate := map[date.Date]store.Certificate{}
	for _, c := range cs {
		if !known(c) || superseded[c.ID] {
			continue
		}
		if o, ok := byDate[c.AsOf]; ok && (o.DecidedAt.After(c.DecidedAt) || o.DecidedAt.Equal(c.DecidedAt) && o.ID > c.ID) {
			continue
		}
		byDate[c.AsOf] = c
	}
	out := make([]store.Certificate, 0, len(byDate))
	for _, c := range byDate {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b store.Certificate) int { return int(a.AsOf - b.AsOf) })
	return out
}

// Trends reads a facility's collateral over time: one point per
// certificate in force as known at knownAt (zero or store.Everything:
// every record), each from the certificate's stored collateral summary
// (computed and stored on first read for a certificate without one),
// ranking topN debtors (0: DefaultTopDebtors).
func (s *Service) Trends(ctx context.Context, facility string, knownAt time.Time, topN int) (Trends, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return Trends{}, err
	}
	if topN == 0 {
		topN = DefaultTopDebtors
	}
	if topN < 1 || topN > MaxTopDebtors {
		return Trends{}, invalid("top debtors %d: expected 1 to %d", topN, MaxTopDebtors)
	}
	out := Trends{Facility: facility, KnownAt: knownAt, TopN: topN, Categories: []TrendCategory{}, Buckets: []TrendCategory{}, Points: []TrendPoint{}}
	if knownAt.IsZero() || !knownAt.Before(store.Everything) {
		out.KnownAt = s.now()
		knownAt = time.Time{}
	}
	for i := range BucketIDs {
		out.Buckets = append(out.Buckets, TrendCategory{BucketIDs[i], BucketLabels[i]})
	}
	cs, err := s.Store.Certificates(ctx, facility)
	if err != nil {
		return out, err
	}
	list := inForceAsKnown(cs, knownAt)
	have, err := s.storedSummaries(ctx, facility)
	if err != nil {
		return out, err
	}
	measured, err := s.dilutionDSO(ctx, facility, list)
	if err != nil {
		return out, err
	}
	seen := map[string]bool{}
	var cats []TrendCategory
	for _, c := range list {
		sum, ok := have[c.ID]
		if !ok {
			if sum, err = s.collateralSummary(ctx, c.ID); err != nil {
				return out, err
			}
		}
		p := TrendPoint{Certificate: c.ID, AsOf: c.AsOf, DecidedAt: c.DecidedAt, HasReceivables: sum.HasReceivables, Gross: sum.Gross,
			Ineligible: map[string]*money.Amount{}, Eligible: sum.Eligible, Availability: sum.Availability, BorrowingBase: c.BorrowingBase,
			TopDebtors: []DebtorShare{}}
		if out.Currency == "" {
			out.Currency = sum.Currency
		}
		for _, l := range sum.Ineligible {
			p.Ineligible[l.ID] = l.Amount
			if !seen[l.ID] {
				seen[l.ID] = true
				cats = append(cats, TrendCategory{l.ID, l.Label})
			}
		}
		for i := range sum.Buckets {
			p.Buckets = append(p.Buckets, BucketFigure{Bucket: BucketIDs[i], Amount: sum.Buckets[i], Rows: sum.BucketRows[i]})
		}
		var top money.Amount
		for i, d := range sum.Debtors {
			if i == topN {
				break
			}
			ds := DebtorShare{Rank: i + 1, ID: d.ID, Name: d.Name, Balance: d.Balance, Rows: d.Rows, ShareOfGross: ratio4(d.Balance, sum.Gross)}
			if sum.Eligible != nil {
				ds.ShareOfEligible = ratio4(d.Balance, *sum.Eligible)
			}
			top += d.Balance
			p.TopDebtors = append(p.TopDebtors, ds)
		}
		if len(p.TopDebtors) > 0 {
			p.TopShare = ratio4(top, sum.Gross)
		}
		dd := measured[c.ID]
		p.Dilution, p.DSO = dd.Dilution, dd.DSO
		out.Points = append(out.Points, p)
	}
	out.Categories = append(out.Categories, cats...)
	return out, nil
}

// TrendCell is one figure of a trends table: its text (amounts as plain
// decimals, ratios as percentages with two decimals), the amount when it
// is one (to show grouped), and where it comes from: the certificate and
// its explanation line, and what it is, in words.
type TrendCell struct {
	Text        string        `json:"text"`
	Amount      *money.Amount `json:"amount,omitempty"`
	Certificate int64         `json:"certificate,omitempty"`
	Line        string        `json:"line,omitempty"`
	Title       string        `json:"title,omitempty"`
}

// TrendTable is one of the trends' tables, as every surface shows it and
// exports it (CSV).
type TrendTable struct {
	ID      string        `json:"id"`
	Caption string        `json:"caption"`
	Columns []string      `json:"columns"`
	Rows    [][]TrendCell `json:"rows"`
}

// NotMeasured is the text of a figure not measured (dilution and DSO
// without a roll-forward); Undetermined of one a term leaves unknown.
const (
	NotMeasured  = "not measured"
	Undetermined = "undetermined"
)

func pctText(r *money.Rate) string {
	if r == nil {
		return ""
	}
	return r.MulRate(money.RateFromInt(100)).Fixed(2) + "%"
}

// TrendTableIDs are the trends' tables in order.
var TrendTableIDs = []string{"collateral", "ineligible", "aging", "concentration"}

// Tables are the trends as tables: the collateral (gross, ineligible,
// eligible, availability, borrowing base, dilution, DSO), the ineligible
// by category, the aging buckets and the top debtors.
func (t Trends) Tables() []TrendTable {
	out := make([]TrendTable, 0, 4)
	for _, id := range TrendTableIDs {
		tb, _ := t.Table(id)
		out = append(out, tb)
	}
	return out
}

// Table is the table of that id (false: no such table).
func (t Trends) Table(id string) (TrendTable, bool) {
	head := func(p TrendPoint) []TrendCell {
		title := fmt.Sprintf("Certificate %d as of %s", p.Certificate, p.AsOf)
		return []TrendCell{{Text: p.AsOf.String(), Certificate: p.Certificate, Title: title},
			{Text: strconv.FormatInt(p.Certificate, 10), Certificate: p.Certificate, Title: title}}
	}
	amt := func(p TrendPoint, a *money.Amount, line, what string) TrendCell {
		c := TrendCell{Certificate: p.Certificate, Line: line, Title: fmt.Sprintf("%s: certificate %d as of %s, line %s", what, p.Certificate, p.AsOf, line)}
		if a == nil {
			c.Text = Undetermined
			return c
		}
		v := *a
		c.Text, c.Amount = v.String(), &v
		return c
	}
	money1 := func(a money.Amount) *money.Amount { return &a }
	switch id {
	case "collateral":
		tb := TrendTable{ID: id, Caption: "Receivables and borrowing base by certificate", Columns: []string{"As of", "Certificate", "Gross", "Ineligible", "Eligible", "Availability (receivables)", "Borrowing base", "Dilution", "DSO (days)"}}
		for _, p := range t.Points {
			r := head(p)
			var inel *money.Amount
			if p.Eligible != nil {
				inel = money1(p.Gross - *p.Eligible)
			}
			r = append(r, amt(p, &p.Gross, "receivables.gross", "Gross receivables"),
				amt(p, inel, "receivables.eligible", "Ineligible receivables (gross − eligible; the categories are in the next table)"),
				amt(p, p.Eligible, "receivables.eligible", "Eligible receivables"),
				amt(p, p.Availability, "receivables.availability", "Availability of the receivables"),
				amt(p, &p.BorrowingBase, "borrowing_base", "Borrowing base"))
			nm := func(v *money.Rate, what string, f func(*money.Rate) string) TrendCell {
				if v == nil {
					return TrendCell{Text: NotMeasured, Certificate: p.Certificate, Title: what + ": not measured (no roll-forward stored with certificate " + strconv.FormatInt(p.Certificate, 10) + ")"}
				}
				return TrendCell{Text: f(v), Certificate: p.Certificate, Title: fmt.Sprintf("%s of the period ending %s: certificate %d's roll-forward", what, p.AsOf, p.Certificate)}
			}
			r = append(r, nm(p.Dilution, "Dilution", pctText), nm(p.DSO, "DSO", func(r *money.Rate) string { return r.Fixed(1) }))
			tb.Rows = append(tb.Rows, r)
		}
		return tb, true
	case "ineligible":
		tb := TrendTable{ID: id, Caption: "Ineligible receivables by category", Columns: []string{"As of", "Certificate"}}
		for _, c := range t.Categories {
			tb.Columns = append(tb.Columns, c.Label)
		}
		for _, p := range t.Points {
			r := head(p)
			for _, c := range t.Categories {
				a, ok := p.Ineligible[c.ID]
				if !ok {
					r = append(r, TrendCell{Text: "", Certificate: p.Certificate, Title: fmt.Sprintf("%s: not a category of certificate %d", c.Label, p.Certificate)})
					continue
				}
				r = append(r, amt(p, a, "receivables.ineligible."+c.ID, c.Label))
			}
			tb.Rows = append(tb.Rows, r)
		}
		return tb, true
	case "aging":
		tb := TrendTable{ID: id, Caption: "Aging buckets (Σ = gross)", Columns: []string{"As of", "Certificate"}}
		for _, b := range t.Buckets {
			tb.Columns = append(tb.Columns, b.Label)
		}
		tb.Columns = append(tb.Columns, "Total")
		for _, p := range t.Points {
			r := head(p)
			var sum money.Amount
			for i, b := range p.Buckets {
				a := b.Amount
				sum += a
				r = append(r, TrendCell{Text: a.String(), Amount: &a, Certificate: p.Certificate, Line: "receivables.gross",
					Title: fmt.Sprintf("%s: %d rows of the aging of certificate %d as of %s", t.Buckets[i].Label, b.Rows, p.Certificate, p.AsOf)})
			}
			r = append(r, amt(p, &sum, "receivables.gross", "Σ of the buckets = gross receivables"))
			tb.Rows = append(tb.Rows, r)
		}
		return tb, true
	case "concentration":
		tb := TrendTable{ID: id, Caption: fmt.Sprintf("Top %d debtors and concentration", t.TopN), Columns: []string{"As of", "Certificate", "Rank", "Debtor", "Name", "Balance", "Share of gross", "Share of eligible"}}
		for _, p := range t.Points {
			for _, d := range p.TopDebtors {
				r := head(p)
				bal := d.Balance
				title := fmt.Sprintf("Debtor %s: Σ of its %d rows in the aging of certificate %d as of %s", d.ID, d.Rows, p.Certificate, p.AsOf)
				r = append(r, TrendCell{Text: strconv.Itoa(d.Rank)}, TrendCell{Text: d.ID, Title: title}, TrendCell{Text: d.Name},
					TrendCell{Text: bal.String(), Amount: &bal, Certificate: p.Certificate, Line: "receivables.gross", Title: title},
					TrendCell{Text: pctText(d.ShareOfGross), Certificate: p.Certificate, Line: "receivables.gross", Title: "Balance ÷ gross receivables of certificate " + strconv.FormatInt(p.Certificate, 10)},
					TrendCell{Text: pctText(d.ShareOfEligible), Certificate: p.Certificate, Line: "receivables.eligible", Title: "Balance ÷ eligible receivables of certificate " + strconv.FormatInt(p.Certificate, 10)})
				tb.Rows = append(tb.Rows, r)
			}
		}
		return tb, true
	}
	return TrendTable{}, false
}

// CSV writes the table with its header, amounts as plain decimals.
func (tb TrendTable) CSV() []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(tb.Columns)
	for _, r := range tb.Rows {
		rec := make([]string, len(r))
		for i, c := range r {
			rec[i] = c.Text
		}
		_ = w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}
