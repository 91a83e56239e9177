package app

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"revolver/collateral"
	"revolver/date"
	"revolver/explain"
	"revolver/money"
	"revolver/store"
)

// Aging buckets (docs/trends.md): an invoice not past due on the as-of
// date (its due date on or after it) is current; one past due is bucketed
// by the days from its invoice date to the as-of date. Every row of the
// aging, credit memos included with their sign, falls in exactly one, so
// the buckets sum to the gross receivables exactly.
const (
	BucketCurrent = iota
	Bucket1To30
	Bucket31To60
	Bucket61To90
	BucketOver90
	numBuckets
)

// BucketIDs are the buckets' stable names, BucketLabels their labels.
var (
	BucketIDs    = [numBuckets]string{"current", "1_30", "31_60", "61_90", "over_90"}
	BucketLabels = [numBuckets]string{"Current (not past due)", "1–30 days", "31–60 days", "61–90 days", "Over 90 days"}
)

// AgingBucket is the bucket of an aging row as of asOf: current when its
// due date is on or after asOf, else by d = asOf − invoice date: 1–30 for
// d ≤ 30 (a row dated on or after asOf yet past due, an impossible
// pair, counts here too), 31–60, 61–90, over 90. A row without a due date
// (0) is bucketed by its invoice date alone.
func AgingBucket(asOf, invoice, due date.Date) int {
	if due != 0 && due >= asOf {
		return BucketCurrent
	}
	switch d := asOf.Sub(invoice); {
	case d <= 30:
		return Bucket1To30
	case d <= 60:
		return Bucket31To60
	case d <= 90:
		return Bucket61To90
	default:
		return BucketOver90
	}
}

// summaryVersion is the format of the stored collateral summaries: a
// summary of another version is computed again (and not stored, since one
// is stored per certificate).
const summaryVersion = 1

// CollateralSummary is what the trends read of one certificate, computed
// once from its frozen body, explanation and aging and stored with it
// (store.CertificateSummary): receivables gross, ineligible by category,
// eligible and availability as the certificate states them, the aging
// buckets and every debtor's balance from its aging.
type CollateralSummary struct {
	Certificate int64     `json:"certificate"`
	AsOf        date.Date `json:"as_of"`
	Currency    string    `json:"currency"`
	// HasReceivables: false when the certificate has no receivables (the
	// receivables figures are then zero and shown as none).
	HasReceivables bool         `json:"has_receivables"`
	File           string       `json:"file,omitempty"`
	Gross          money.Amount `json:"gross"`
	// Ineligible are the certificate's ineligible lines in its order; an
	// amount nil is undetermined (a term it needs is unknown).
	Ineligible []IneligibleLine `json:"ineligible"`
	// Eligible and Availability: nil when the certificate leaves them
	// undetermined. Availability is the receivables' (after advance rates,
	// caps and the components' reserves).
	Eligible     *money.Amount `json:"eligible"`
	Availability *money.Amount `json:"availability"`
	// BorrowingBase is the certificate's borrowing base as stored.
	BorrowingBase money.Amount `json:"borrowing_base"`
	// Buckets and BucketRows by bucket (BucketIDs order): Σ Buckets = Gross.
	Buckets    [numBuckets]money.Amount `json:"buckets"`
	BucketRows [numBuckets]int          `json:"bucket_rows"`
	// Debtors: the MaxTopDebtors debtors of the aging with the largest
	// balances (largest first, then by id); DebtorCount how many debtors
	// have a row in it.
	Debtors     []DebtorBalance `json:"debtors"`
	DebtorCount int             `json:"debtor_count"`
}

// IneligibleLine is one ineligible category of a certificate.
type IneligibleLine struct {
	ID     string        `json:"id"`
	Label  string        `json:"label"`
	Amount *money.Amount `json:"amount"`
}

// DebtorBalance is a debtor's balance in an aging: Σ of its rows.
type DebtorBalance struct {
	ID      string       `json:"debtor_id"`
	Name    string       `json:"name"`
	Balance money.Amount `json:"balance"`
	Rows    int          `json:"rows"`
}

// SummarizeCollateral computes a certificate's collateral summary from its
// stored body and explanation (c, as store.Certificate returns it) and its
// aging (recv, nil when it has none). It is pure.
func SummarizeCollateral(c store.Certificate, recv *collateral.Receivables) (CollateralSummary, error) {
	out := CollateralSummary{Certificate: c.ID, AsOf: c.AsOf, BorrowingBase: c.BorrowingBase, Ineligible: []IneligibleLine{}, Debtors: []DebtorBalance{}}
	var body struct {
		Currency    string          `json:"currency"`
		Receivables json.RawMessage `json:"receivables"`
	}
	if err := json.Unmarshal(c.Body, &body); err != nil {
		return out, fmt.Errorf("certificate %d body: %w", c.ID, err)
	}
	out.Currency = body.Currency
	if len(body.Receivables) == 0 {
		return out, nil
	}
	out.HasReceivables = true
	var sec struct {
		File         string          `json:"file"`
		Gross        money.Amount    `json:"gross"`
		Eligible     *money.Amount   `json:"eligible"`
		Availability *money.Amount   `json:"availability"`
		Ineligible   json.RawMessage `json:"ineligible"`
	}
	if err := json.Unmarshal(body.Receivables, &sec); err != nil {
		return out, fmt.Errorf("certificate %d body receivables: %w", c.ID, err)
	}
	out.File, out.Gross, out.Eligible, out.Availability = sec.File, sec.Gross, sec.Eligible, sec.Availability
	labels := explanationLabels(c.Explanation)
	if len(sec.Ineligible) > 0 {
		lines, err := orderedObject(sec.Ineligible)
		if err != nil {
			return out, fmt.Errorf("certificate %d body receivables ineligible: %w", c.ID, err)
		}
		for _, kv := range lines {
			var a *money.Amount
			if err := json.Unmarshal(kv.val, &a); err != nil {
				return out, fmt.Errorf("certificate %d body receivables ineligible %s: %w", c.ID, kv.key, err)
			}
			label := labels["receivables.ineligible."+kv.key]
			if label == "" {
				label = strings.ReplaceAll(kv.key, "_", " ")
			}
			out.Ineligible = append(out.Ineligible, IneligibleLine{ID: kv.key, Label: label, Amount: a})
		}
	}
	if recv == nil {
		return out, nil
	}
	bal := make([]money.Amount, len(recv.Debtors))
	rows := make([]int, len(recv.Debtors))
	var sum money.Amount
	for _, r := range recv.Rows {
		b := AgingBucket(c.AsOf, r.InvoiceDate, r.DueDate)
		out.Buckets[b] += r.Amount
		out.BucketRows[b]++
		bal[r.Debtor] += r.Amount
		rows[r.Debtor]++
		sum += r.Amount
	}
	if sum != out.Gross {
		return out, fmt.Errorf("certificate %d: its aging %s sums to %s, its gross receivables are %s", c.ID, out.File, sum, out.Gross)
	}
	for i, d := range recv.Debtors {
		if rows[i] > 0 {
			out.Debtors = append(out.Debtors, DebtorBalance{ID: d.ID, Name: d.Name, Balance: bal[i], Rows: rows[i]})
		}
	}
	slices.SortStableFunc(out.Debtors, func(a, b DebtorBalance) int {
		if a.Balance != b.Balance {
			if a.Balance > b.Balance {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	out.DebtorCount = len(out.Debtors)
	if len(out.Debtors) > MaxTopDebtors {
		out.Debtors = out.Debtors[:MaxTopDebtors:MaxTopDebtors]
	}
	return out, nil
}

// explanationLabels are the labels of a stored explanation's nodes by key.
func explanationLabels(raw json.RawMessage) map[string]string {
	out := map[string]string{}
	if len(raw) == 0 {
		return out
	}
	var e storedExplanation
	if json.Unmarshal(raw, &e) != nil || e.Tree == nil {
		return out
	}
	var walk func(n *explain.Node)
	walk = func(n *explain.Node) {
		if n.Key != "" {
			out[n.Key] = n.Label
		}
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	walk(e.Tree)
	return out
}

// certificateAging parses a certificate's stored aging with its customer
// master (its first two inputs, as submitted), or nil when it has none.
func (s *Service) certificateAging(ctx context.Context, c store.Certificate, currency string) (*collateral.Receivables, error) {
	if len(c.Inputs) < 2 {
		return nil, nil
	}
	rin, din := c.Inputs[0], c.Inputs[1]
	rb, err := s.Store.Blob(ctx, rin.SHA256)
	if err != nil {
		return nil, err
	}
	db, err := s.Store.Blob(ctx, din.SHA256)
	if err != nil {
		return nil, err
	}
	dopt, err := readOptions(store.InputContent{Name: din.Name, Map: din.Map}, currency)
	if err != nil {
		return nil, err
	}
	debtors, err := readDebtors(store.InputContent{Name: din.Name, Content: db}, dopt)
	if err != nil {
		return nil, fmt.Errorf("certificate %d: %w", c.ID, err)
	}
	ropt, err := readOptions(store.InputContent{Name: rin.Name, Map: rin.Map}, currency)
	if err != nil {
		return nil, err
	}
	recv, err := readReceivables(store.InputContent{Name: rin.Name, Content: rb}, din.Name, debtors, ropt)
	if err != nil {
		return nil, fmt.Errorf("certificate %d: %w", c.ID, err)
	}
	return recv, nil
}

// collateralSummary computes certificate id's summary from what is stored
// with it and stores it (the first computed is kept: a certificate is
// frozen, so every computation gives the same).
func (s *Service) collateralSummary(ctx context.Context, id int64) (CollateralSummary, error) {
	c, err := s.Store.Certificate(ctx, id)
	if err != nil {
		return CollateralSummary{}, err
	}
	var cur struct {
		Currency    string          `json:"currency"`
		Receivables json.RawMessage `json:"receivables"`
	}
	if err := json.Unmarshal(c.Body, &cur); err != nil {
		return CollateralSummary{}, fmt.Errorf("certificate %d body: %w", id, err)
	}
	var recv *collateral.Receivables
	if len(cur.Receivables) > 0 {
		if recv, err = s.certificateAging(ctx, c, cur.Currency); err != nil {
			return CollateralSummary{}, err
		}
	}
	sum, err := SummarizeCollateral(c, recv)
	if err != nil {
		return sum, err
	}
	b, err := json.Marshal(sum)
	if err != nil {
		return sum, err
	}
	err = s.Store.PutCertificateSummary(ctx, store.CertificateSummary{Certificate: id, Version: summaryVersion, Body: b, CreatedAt: s.now()})
	if store.ErrorCode(err) == store.CodeConflict {
		// Another process stored it first: keep theirs (the same figures).
		err = nil
	}
	return sum, err
}

// BackfillCollateralSummaries computes and stores the summary of every
// submitted certificate of the facility that has none, and says how many
// it stored. The trends do it for the certificates they show on first
// read; this does it ahead, for all.
func (s *Service) BackfillCollateralSummaries(ctx context.Context, facility string) (int, error) {
	if err := authorize(ctx, ActRead, facility); err != nil {
		return 0, err
	}
	have, err := s.storedSummaries(ctx, facility)
	if err != nil {
		return 0, err
	}
	cs, err := s.Store.Certificates(ctx, facility)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, c := range cs {
		if c.Status == store.Draft {
			continue
		}
		if _, ok := have[c.ID]; ok {
			continue
		}
		if _, err := s.collateralSummary(ctx, c.ID); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// storedSummaries reads the facility's stored summaries of the current
// version by certificate.
func (s *Service) storedSummaries(ctx context.Context, facility string) (map[int64]CollateralSummary, error) {
	list, err := s.Store.CertificateSummaries(ctx, facility)
	if err != nil {
		return nil, err
	}
	out := make(map[int64]CollateralSummary, len(list))
	for _, st := range list {
		if st.Version != summaryVersion {
			continue
		}
		if cs, ok := summaries.get(s.Store, st.Certificate); ok {
			out[st.Certificate] = cs
			continue
		}
		var cs CollateralSummary
		if err := json.Unmarshal(st.Body, &cs); err != nil {
			return nil, fmt.Errorf("certificate %d summary: %w", st.Certificate, err)
		}
		summaries.put(s.Store, st.Certificate, cs)
		out[st.Certificate] = cs
	}
	return out, nil
}

// summaries keeps the summaries decoded, by store and certificate: a
// stored summary never changes (its certificate is frozen), so what was
// decoded once is what the store holds ever after. At most
// maxCachedSummaries are kept (then the cache starts again).
var summaries = &summaryCache{m: map[summaryKey]CollateralSummary{}}

const maxCachedSummaries = 4096

type summaryKey struct {
	st store.Store
	id int64
}

type summaryCache struct {
	mu sync.Mutex
	m  map[summaryKey]CollateralSummary
}

func (c *summaryCache) get(st store.Store, id int64) (CollateralSummary, bool) {
	if !reflect.TypeOf(st).Comparable() {
		return CollateralSummary{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	cs, ok := c.m[summaryKey{st, id}]
	return cs, ok
}

func (c *summaryCache) put(st store.Store, id int64, cs CollateralSummary) {
	if !reflect.TypeOf(st).Comparable() {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= maxCachedSummaries {
		c.m = map[summaryKey]CollateralSummary{}
	}
	c.m[summaryKey{st, id}] = cs
}
