package app

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"revolver/agreement"
	"revolver/borrowingbase"
	"revolver/explain"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// storedExplanation is a certificate's explanation as stored with its
// submission (store.Certificate.Explanation): the engine's tree, whose
// nodes keep the count of their input rows, and the rows themselves by
// explanation key as ranges of line numbers ("2-40,42,45-50"), so that a
// million-row aging stores in a few ranges what would be a million numbers.
// Documents are the facility's agreement documents when it was computed,
// which its terms were read from.
type storedExplanation struct {
	Currency  string            `json:"currency"`
	Tree      *explain.Node     `json:"tree"`
	Rows      map[string]string `json:"rows,omitempty"`
	Documents []documentRef     `json:"documents"`
}

// documentRef names a stored document by id and content.
type documentRef struct {
	ID     string `json:"id"`
	SHA256 string `json:"sha256"`
}

func agreementDocuments(docs []store.Document) []documentRef {
	out := []documentRef{}
	for _, d := range docs {
		if d.Kind == DocAgreement || d.Kind == DocAmendment {
			out = append(out, documentRef{d.ID, d.SHA256})
		}
	}
	return out
}

// encodeExplanation is the stored explanation of cert, computed under the
// terms read from docs.
func encodeExplanation(cert *borrowingbase.Certificate, docs []store.Document) ([]byte, error) {
	e := storedExplanation{Currency: cert.Currency, Tree: cert.Explain(true), Rows: map[string]string{}, Documents: agreementDocuments(docs)}
	var walk func(n *explain.Node)
	walk = func(n *explain.Node) {
		if n.Rows != nil && n.Key != "" && len(n.Rows.Lines) > 0 {
			e.Rows[n.Key] = lineRanges(n.Rows.Lines)
			n.Rows.Lines = nil
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(e.Tree)
	return json.Marshal(e)
}

// lineRanges writes ascending line numbers as ranges.
func lineRanges(lines []int) string {
	var b strings.Builder
	for i := 0; i < len(lines); {
		j := i
		for j+1 < len(lines) && lines[j+1] == lines[j]+1 {
			j++
		}
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Itoa(lines[i]))
		if j > i {
			b.WriteByte('-')
			b.WriteString(strconv.Itoa(lines[j]))
		}
		i = j + 1
	}
	return b.String()
}

// parseLineRanges reads lineRanges' text back.
func parseLineRanges(s string) ([]int, error) {
	var out []int
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return nil, fmt.Errorf("line range %q: %w", part, err)
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return nil, fmt.Errorf("line range %q: expected first-last", part)
			}
		}
		for l := a; l <= b; l++ {
			out = append(out, l)
		}
	}
	return out, nil
}

// CertificateRecord is a submitted certificate as it is shown and printed:
// the explanation stored with it (figures, formulas, clauses, input rows),
// never a recomputation. Recomputed is set for a certificate stored before
// explanations were kept: its explanation is computed again from its
// stored reports, and its figures are checked against the stored ones.
type CertificateRecord struct {
	Certificate store.Certificate
	Currency    string
	// Explanation is the tree, its nodes' Rows with their line numbers.
	Explanation *explain.Node
	Recomputed  bool
	// documents the terms were read from (nil when not stored).
	documents []documentRef
}

// BorrowingBase is the borrowing base the certificate shows (after
// letters of credit where the terms deduct them), as text ("" when
// undetermined).
func (r *CertificateRecord) BorrowingBase() string { return r.Explanation.Value }

// Rows returns the line numbers of the input rows of the line with key.
func (r *CertificateRecord) Rows(key string) []int {
	n := r.Explanation.Find(key)
	if n == nil || n.Rows == nil {
		return nil
	}
	return n.Rows.Lines
}

// DecodeCertificateRecord reads the record of a certificate loaded with its
// explanation (store.Store.Certificate). A certificate without one gives
// nil: see CertificateRecordOf.
func DecodeCertificateRecord(c store.Certificate) (*CertificateRecord, error) {
	if len(c.Explanation) == 0 {
		return nil, nil
	}
	var e storedExplanation
	if err := json.Unmarshal(c.Explanation, &e); err != nil {
		return nil, fmt.Errorf("certificate %d explanation: %w", c.ID, err)
	}
	if e.Tree == nil {
		return nil, fmt.Errorf("certificate %d explanation: no tree", c.ID)
	}
	var err error
	var walk func(n *explain.Node)
	walk = func(n *explain.Node) {
		if s, ok := e.Rows[n.Key]; ok && n.Rows != nil && err == nil {
			n.Rows.Lines, err = parseLineRanges(s)
		}
		for _, ch := range n.Children {
			walk(ch)
		}
	}
	walk(e.Tree)
	if err != nil {
		return nil, fmt.Errorf("certificate %d explanation: %w", c.ID, err)
	}
	return &CertificateRecord{Certificate: c, Currency: e.Currency, Explanation: e.Tree, documents: e.Documents}, nil
}

// CertificateRecordOf is the record of a submitted certificate: the stored
// one, or, for a certificate stored before explanations were kept, one
// made from now, the certificate computed again from its stored reports
// (RecomputeCertificate), marked Recomputed.
func CertificateRecordOf(c store.Certificate, now *borrowingbase.Certificate) (*CertificateRecord, error) {
	r, err := DecodeCertificateRecord(c)
	if err != nil || r != nil {
		return r, err
	}
	if now == nil {
		return nil, fmt.Errorf("certificate %d has no stored explanation and could not be computed again from its reports", c.ID)
	}
	return &CertificateRecord{Certificate: c, Currency: now.Currency, Explanation: now.Explain(true), Recomputed: true}, nil
}

// RecomputeCertificate computes a submitted certificate again from its
// stored reports under the terms t and the letters of credit the loan
// account shows on its date now. It is only ever a check (CheckCertificate):
// what a certificate shows is its record.
func (s *Service) RecomputeCertificate(ctx context.Context, t *agreement.Terms, c store.Certificate) (*borrowingbase.Certificate, error) {
	if c.Status == store.Draft || len(c.Inputs) < 3 {
		return nil, fmt.Errorf("certificate %d has no stored reports", c.ID)
	}
	in := CertificateInput{Facility: c.Facility, AsOf: c.AsOf}
	for i, dst := range []*store.InputContent{&in.Receivables, &in.Debtors, &in.Inventory} {
		b, err := s.Store.Blob(ctx, c.Inputs[i].SHA256)
		if err != nil {
			return nil, fmt.Errorf("certificate %d input %s: %w", c.ID, c.Inputs[i].Name, err)
		}
		*dst = store.InputContent{Name: c.Inputs[i].Name, Content: b, Map: c.Inputs[i].Map}
	}
	recv, inv, err := ReadReports(in, t.Currency)
	if err != nil {
		return nil, err
	}
	bal, err := s.Store.Balances(ctx, c.Facility, c.AsOf)
	if err != nil {
		return nil, err
	}
	// The dilution is the one measured on submission (stored with its
	// roll-forward), not measured again.
	dil, err := s.storedDilution(ctx, c)
	if err != nil {
		return nil, err
	}
	return borrowingbase.Compute(borrowingbase.Input{Terms: t, AsOf: c.AsOf, Receivables: recv, Inventory: inv,
		LCOutstanding: bal[ledger.LCOutstanding], LCDrawn: bal[ledger.LCDrawn], Dilution: dil})
}

// CertificateCheck compares what a certificate shows (its record) with its
// reports computed again today: today's code, the terms of its date as
// known today, the letters of credit on its date as posted today. A
// difference is flagged, never shown in the certificate's place.
type CertificateCheck struct {
	// Stored and Recomputed are the borrowing base shown and computed
	// today ("" when undetermined).
	Stored, Recomputed string
	// Failed says why it could not be computed again, if it could not.
	Failed  string
	Differs bool
	// Lines are the lines whose figure differs (or that only one of the
	// two has), in the record's order.
	Lines   []LineDifference
	Reasons []string
}

// LineDifference is a line of a certificate whose figure differs today.
type LineDifference struct {
	Key, Label         string
	Stored, Recomputed string // "" when the line is absent or undetermined
}

// CheckCertificate compares the record with now (the certificate computed
// again today, nil when that failed with recomputeErr) and says why they
// differ: agreement documents recorded after the certificate was submitted,
// letters of credit on its date posted since, or else a change in the
// computation itself.
func (s *Service) CheckCertificate(ctx context.Context, r *CertificateRecord, now *borrowingbase.Certificate, recomputeErr error) (CertificateCheck, error) {
	ck := CertificateCheck{Stored: r.BorrowingBase()}
	if now == nil {
		ck.Differs = true
		ck.Failed = "its reports could not be computed again today"
		if recomputeErr != nil {
			ck.Failed += ": " + recomputeErr.Error()
		}
		return ck, nil
	}
	tree := now.Explain(false)
	ck.Recomputed = tree.Value
	todays := map[string]*explain.Node{}
	var index func(n *explain.Node)
	index = func(n *explain.Node) {
		todays[n.Key] = n
		for _, c := range n.Children {
			index(c)
		}
	}
	index(tree)
	seen := map[string]bool{}
	var walk func(n *explain.Node)
	walk = func(n *explain.Node) {
		seen[n.Key] = true
		t, ok := todays[n.Key]
		switch {
		case !ok:
			ck.Lines = append(ck.Lines, LineDifference{Key: n.Key, Label: n.Label, Stored: n.Value})
		case t.Value != n.Value:
			ck.Lines = append(ck.Lines, LineDifference{Key: n.Key, Label: n.Label, Stored: n.Value, Recomputed: t.Value})
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(r.Explanation)
	var extra func(n *explain.Node)
	extra = func(n *explain.Node) {
		if !seen[n.Key] {
			ck.Lines = append(ck.Lines, LineDifference{Key: n.Key, Label: n.Label, Recomputed: n.Value})
		}
		for _, c := range n.Children {
			extra(c)
		}
	}
	extra(tree)
	if r.Recomputed {
		// The explanation is today's: compare the figures stored.
		ck.Lines = nil
		if c := r.Certificate; c.BorrowingBase != now.BorrowingBase.Amount+now.LCDeducted.Amount || !now.BorrowingBase.Known {
			ck.Lines = []LineDifference{{Key: "borrowing_base", Label: "Borrowing base before letters of credit", Stored: c.BorrowingBase.String(),
				Recomputed: (now.BorrowingBase.Amount + now.LCDeducted.Amount).String()}}
		}
	}
	ck.Differs = len(ck.Lines) > 0
	if !ck.Differs {
		return ck, nil
	}
	reasons, err := s.differenceReasons(ctx, r, now)
	ck.Reasons = reasons
	return ck, err
}

// differenceReasons: agreement documents effective by the certificate's
// date that were not among those it was computed under (for a record
// without that list: recorded after its submission), letters of credit on
// its date that differ, or else the computation itself.
func (s *Service) differenceReasons(ctx context.Context, r *CertificateRecord, now *borrowingbase.Certificate) ([]string, error) {
	c := r.Certificate
	var out []string
	docs, err := s.Store.Documents(ctx, c.Facility)
	if err != nil {
		return nil, err
	}
	then := map[documentRef]bool{}
	for _, d := range r.documents {
		then[d] = true
	}
	for _, d := range docs {
		if d.Kind != DocAgreement && d.Kind != DocAmendment || d.Effective > c.AsOf {
			continue
		}
		if r.documents != nil && !then[documentRef{d.ID, d.SHA256}] || r.documents == nil && d.RecordedAt.After(c.SubmittedAt) {
			out = append(out, fmt.Sprintf("the terms of %s now include %s (%s effective %s, recorded %s), which the certificate was not computed under",
				c.AsOf, d.ID, d.Kind, d.Effective, d.RecordedAt.UTC().Format("2006-01-02 15:04 UTC")))
		}
	}
	var body struct {
		Outstanding money.Amount `json:"letters_of_credit_outstanding"`
		Drawn       money.Amount `json:"letters_of_credit_drawn"`
	}
	if err := json.Unmarshal(c.Body, &body); err == nil && (body.Outstanding != now.LCOutstanding || body.Drawn != now.LCDrawn) {
		out = append(out, fmt.Sprintf("letters of credit on %s are now %s outstanding and %s drawn (%s and %s when the certificate was computed): postings dated on or before that day were made since",
			c.AsOf, now.LCOutstanding, now.LCDrawn, body.Outstanding, body.Drawn))
	}
	if len(out) == 0 {
		out = append(out, "the same reports under the same terms and letters of credit give another result: the computation has changed since the certificate was computed")
	}
	return out, nil
}
