package app

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"revolver/date"
	"revolver/store"
)

// AuditTrail returns the audit records a filter selects (at most 1000 a
// call; page with After, or Before when newest first).
func (s *Service) AuditTrail(ctx context.Context, f store.AuditFilter) ([]store.AuditRecord, error) {
	acc, err := s.accounts()
	if err != nil {
		return nil, err
	}
	if f.Limit < 0 || f.Limit > 1000 {
		return nil, store.Errorf(store.CodeInvalid, "audit limit %d: expected 1 to 1000", f.Limit)
	}
	recs, err := acc.FindAudit(ctx, f)
	if recs == nil && err == nil {
		recs = []store.AuditRecord{}
	}
	return recs, err
}

// AuditVerification is the result of checking the whole chain.
type AuditVerification struct {
	// Records is the number verified (before the break, if any); Head the
	// hash of the last of them.
	Records int
	Head    string
	Break   *store.AuditBreak
	// Mismatch: the chain does not hold the head expected
	// (VerifyAuditExpecting).
	Mismatch string
}

// AuditHead names the newest record of the audit trail: its number (the
// records are numbered 1, 2, … so it is also their count) and its hash.
// Kept elsewhere (close of business publishes it), it shows whether
// records were removed from the end of the chain or the chain rewritten
// from a record on, which the chain alone cannot: its text is
// "N:HASH".
type AuditHead struct {
	Records int64
	Hash    string
}

func (h AuditHead) String() string { return fmt.Sprintf("%d:%s", h.Records, h.Hash) }

var headRe = regexp.MustCompile(`^([0-9]{1,19}):([0-9a-f]{64})$`)

// ParseAuditHead reads an AuditHead's text N:HASH.
func ParseAuditHead(s string) (AuditHead, error) {
	m := headRe.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return AuditHead{}, store.Errorf(store.CodeInvalid, "audit head %q: expected N:HASH, the number of the newest record and its SHA-256 in hex (as close of business reports it)", s)
	}
	n, err := strconv.ParseInt(m[1], 10, 64)
	if err != nil || n < 1 {
		return AuditHead{}, store.Errorf(store.CodeInvalid, "audit head %q: the record number must be 1 or more", s)
	}
	return AuditHead{Records: n, Hash: m[2]}, nil
}

// AuditHead returns the head of the audit trail now (zero when empty).
func (s *Service) AuditHead(ctx context.Context) (AuditHead, error) {
	if h, ok := s.Store.(store.AuditHeader); ok {
		head, err := h.AuditHead(ctx)
		return AuditHead{Records: head.ID, Hash: head.Hash}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return AuditHead{}, err
	}
	recs, err := acc.FindAudit(ctx, store.AuditFilter{Newest: true, Limit: 1})
	if err != nil || len(recs) == 0 {
		return AuditHead{}, err
	}
	return AuditHead{Records: recs[0].ID, Hash: recs[0].Hash}, nil
}

// VerifyAuditExpecting checks the whole chain as VerifyAudit does, and
// that it still holds a head kept elsewhere: the record of that number
// exists and has that hash. Mismatch says what differs ("" none): the
// trail ends before it (records removed, or the trail truncated), or the
// record has another hash (the chain rewritten from it or before it).
func (s *Service) VerifyAuditExpecting(ctx context.Context, want AuditHead) (AuditVerification, error) {
	v, err := s.VerifyAudit(ctx)
	if err != nil || v.Break != nil {
		return v, err
	}
	acc, err := s.accounts()
	if err != nil {
		return v, err
	}
	recs, err := acc.AuditRecords(ctx, want.Records-1, 1)
	if err != nil {
		return v, err
	}
	switch {
	case len(recs) == 0 || recs[0].ID != want.Records:
		v.Mismatch = fmt.Sprintf("the trail has %d records, but the head kept elsewhere is record %d: records were removed from its end", v.Records, want.Records)
	case recs[0].Hash != want.Hash:
		v.Mismatch = fmt.Sprintf("record %d has hash %s, but the head kept elsewhere says %s: the trail was rewritten from record %d or before", want.Records, recs[0].Hash, want.Hash, want.Records)
	}
	return v, nil
}

// VerifyAudit checks the whole audit chain, reading it in pages: every
// record links to the hash of the one before and hashes to its own hash.
func (s *Service) VerifyAudit(ctx context.Context) (AuditVerification, error) {
	acc, err := s.accounts()
	if err != nil {
		return AuditVerification{}, err
	}
	var v AuditVerification
	var prevID int64
	for {
		recs, err := acc.AuditRecords(ctx, prevID, 1000)
		if err != nil {
			return v, err
		}
		if len(recs) == 0 {
			return v, nil
		}
		if b := store.VerifyAudit(prevID, v.Head, recs); b != nil {
			for _, r := range recs {
				if r.ID == b.ID {
					break
				}
				v.Records++
				v.Head = r.Hash
			}
			v.Break = b
			return v, nil
		}
		v.Records += len(recs)
		last := recs[len(recs)-1]
		prevID, v.Head = last.ID, last.Hash
	}
}

// AuditCSVHeader names the columns of WriteAuditCSV.
var AuditCSVHeader = []string{"id", "recorded_at", "business_date", "facility", "actor", "role", "kind", "action", "resource",
	"amount", "dated", "status_before", "status_after", "result", "error", "summary", "request_id", "route", "hash"}

// WriteAuditCSV writes records as CSV with a header row: the recorded time
// in UTC (RFC 3339, microseconds), amounts as decimals, and text cells that
// a spreadsheet would take for a formula (=, +, -, @) prefixed with an
// apostrophe.
func WriteAuditCSV(w io.Writer, recs []store.AuditRecord) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(AuditCSVHeader); err != nil {
		return err
	}
	for _, r := range recs {
		if err := cw.Write(auditRow(r)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

func auditRow(r store.AuditRecord) []string {
	amount := ""
	if r.Amount != 0 {
		amount = r.Amount.String()
	}
	day := func(d date.Date) string {
		if d == 0 {
			return ""
		}
		return d.String()
	}
	return []string{strconv.FormatInt(r.ID, 10), store.Truncate(r.At).Format("2006-01-02T15:04:05.000000Z"), day(r.BusinessDate),
		cell(r.Facility), cell(r.Actor), cell(r.Role), cell(r.Kind), cell(r.Action), cell(r.Resource), amount, day(r.Dated),
		cell(r.StatusBefore), cell(r.StatusAfter), cell(r.Result), cell(r.Error), cell(r.Summary),
		cell(r.RequestID), cell(r.Route), r.Hash}
}

func cell(s string) string { return CSVCell(s) }

// CSVCell neutralises a value written into a CSV export that a spreadsheet
// would run as a formula (it starts with =, +, -, @, a tab or a carriage
// return; OWASP's rule): it is prefixed with an apostrophe. A plain number
// (-1,250.00) is left as it is: it is no formula. Every CSV export of the
// pages and the audit trail writes text cells through it.
func CSVCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) && !plainNumber.MatchString(s) {
		return "'" + s
	}
	return s
}

var plainNumber = regexp.MustCompile(`^[-+]?[0-9][0-9,]*(\.[0-9]+)?$`)

// ExportAuditCSV writes every record a filter selects as CSV, as
// WriteAuditCSV does, reading them in pages of 1000 by ID (the filter's
// limit and order are ignored); it returns how many it wrote.
func (s *Service) ExportAuditCSV(ctx context.Context, f store.AuditFilter, w io.Writer) (int, error) {
	f.Limit, f.Newest = 1000, false
	cw := csv.NewWriter(w)
	if err := cw.Write(AuditCSVHeader); err != nil {
		return 0, err
	}
	n := 0
	for {
		recs, err := s.AuditTrail(ctx, f)
		if err != nil {
			return n, err
		}
		for _, r := range recs {
			if err := cw.Write(auditRow(r)); err != nil {
				return n, err
			}
		}
		n += len(recs)
		if len(recs) < f.Limit {
			break
		}
		f.After = recs[len(recs)-1].ID
	}
	cw.Flush()
	return n, cw.Error()
}
