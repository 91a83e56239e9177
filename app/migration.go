package app

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

// AgingMigration is how the dollars of each aging bucket of an earlier
// certificate moved by a later one (docs/trends.md), invoice by invoice
// (by invoice number): Matrix[i][j] is the later balance, in bucket j, of
// the invoices that were in bucket i; Reduced[i] is what those invoices
// lost (earlier balance − later balance: collected, credited, written off,
// or gone from the aging), so Σ_j Matrix[i][j] + Reduced[i] = From[i]
// exactly; New[j] is the balance in bucket j of invoices only in the
// later aging, so Σ_i Matrix[i][j] + New[j] = To[j] exactly.
type AgingMigration struct {
	Facility string          `json:"facility"`
	From     MigrationAging  `json:"from"`
	To       MigrationAging  `json:"to"`
	Buckets  []TrendCategory `json:"buckets"`
	// Matrix by earlier bucket, then later bucket.
	Matrix  [][]money.Amount `json:"matrix"`
	Reduced []money.Amount   `json:"reduced"`
	New     []money.Amount   `json:"new"`
	// Invoices: every invoice number of either aging, by number.
	Invoices []InvoiceMove `json:"invoices"`
}

// MigrationAging is one of the two certificates: its bucket totals.
type MigrationAging struct {
	Certificate int64          `json:"certificate"`
	AsOf        date.Date      `json:"as_of"`
	File        string         `json:"file"`
	Buckets     []money.Amount `json:"buckets"`
	Gross       money.Amount   `json:"gross"`
}

// InvoiceMove is one invoice number in the two agings: its debtor, its
// bucket and balance in each ("" and 0 when absent) and the lines of its
// rows in each file.
type InvoiceMove struct {
	Invoice     string       `json:"invoice_no"`
	Debtor      string       `json:"debtor_id"`
	FromBucket  string       `json:"from_bucket,omitempty"`
	FromBalance money.Amount `json:"from_balance"`
	FromLines   []int32      `json:"from_lines,omitempty"`
	ToBucket    string       `json:"to_bucket,omitempty"`
	ToBalance   money.Amount `json:"to_balance"`
	ToLines     []int32      `json:"to_lines,omitempty"`
}

type invoiceAt struct {
	debtor  string
	bucket  int
	balance money.Amount
	lines   []int32
}

// AgingMigration compares the agings of two submitted certificates of the
// facility, the earlier first (from's as-of date before to's). An invoice
// of several rows is bucketed by its first row (the lowest line) and its
// balance is Σ of its rows.
func (s *Service) AgingMigration(ctx context.Context, facility string, from, to int64) (AgingMigration, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return AgingMigration{}, err
	}
	out := AgingMigration{Facility: facility}
	load := func(id int64, what string) (store.Certificate, map[string]*invoiceAt, MigrationAging, error) {
		c, err := s.Store.Certificate(ctx, id)
		if err == nil && c.Facility != facility {
			err = store.Errorf(store.CodeNotFound, "certificate %d not found", id)
		}
		if err != nil {
			return c, nil, MigrationAging{}, err
		}
		if c.Status == store.Draft {
			return c, nil, MigrationAging{}, invalid("%s certificate %d is a draft: it has no aging yet", what, id)
		}
		var body struct {
			Currency string `json:"currency"`
		}
		if err := json.Unmarshal(c.Body, &body); err != nil {
			return c, nil, MigrationAging{}, err
		}
		recv, err := s.certificateAging(ctx, c, body.Currency)
		if err != nil {
			return c, nil, MigrationAging{}, err
		}
		ma := MigrationAging{Certificate: c.ID, AsOf: c.AsOf, Buckets: make([]money.Amount, numBuckets)}
		inv := map[string]*invoiceAt{}
		if recv == nil {
			return c, inv, ma, nil
		}
		ma.File = recv.File
		for i, r := range recv.Rows {
			no := recv.InvoiceNo(i)
			x := inv[no]
			if x == nil {
				x = &invoiceAt{debtor: recv.Debtors[r.Debtor].ID, bucket: AgingBucket(c.AsOf, r.InvoiceDate, r.DueDate)}
				inv[no] = x
			}
			x.balance += r.Amount
			x.lines = append(x.lines, r.Line)
			ma.Gross += r.Amount
		}
		for _, x := range inv {
			ma.Buckets[x.bucket] += x.balance
		}
		return c, inv, ma, nil
	}
	fc, fi, fa, err := load(from, "from")
	if err != nil {
		return out, err
	}
	tc, ti, ta, err := load(to, "to")
	if err != nil {
		return out, err
	}
	if fc.AsOf >= tc.AsOf {
		return out, invalid("aging migration from certificate %d (as of %s) to %d (as of %s): the first must be as of an earlier date", from, fc.AsOf, to, tc.AsOf)
	}
	out.From, out.To = fa, ta
	for i := range BucketIDs {
		out.Buckets = append(out.Buckets, TrendCategory{BucketIDs[i], BucketLabels[i]})
	}
	out.Matrix = make([][]money.Amount, numBuckets)
	for i := range out.Matrix {
		out.Matrix[i] = make([]money.Amount, numBuckets)
	}
	out.Reduced, out.New = make([]money.Amount, numBuckets), make([]money.Amount, numBuckets)
	nos := make([]string, 0, len(fi)+len(ti))
	for no := range fi {
		nos = append(nos, no)
	}
	for no := range ti {
		if _, ok := fi[no]; !ok {
			nos = append(nos, no)
		}
	}
	slices.SortFunc(nos, strings.Compare)
	out.Invoices = make([]InvoiceMove, 0, len(nos))
	for _, no := range nos {
		f, t := fi[no], ti[no]
		m := InvoiceMove{Invoice: no}
		switch {
		case f != nil && t != nil:
			out.Matrix[f.bucket][t.bucket] += t.balance
			out.Reduced[f.bucket] += f.balance - t.balance
		case f != nil:
			out.Reduced[f.bucket] += f.balance
		default:
			out.New[t.bucket] += t.balance
		}
		if f != nil {
			m.Debtor, m.FromBucket, m.FromBalance, m.FromLines = f.debtor, BucketIDs[f.bucket], f.balance, f.lines
		}
		if t != nil {
			m.Debtor, m.ToBucket, m.ToBalance, m.ToLines = t.debtor, BucketIDs[t.bucket], t.balance, t.lines
		}
		out.Invoices = append(out.Invoices, m)
	}
	return out, nil
}
