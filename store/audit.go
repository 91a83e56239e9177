package store

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
)

// AuditCanonical is the canonical encoding of a record's content: each
// field in a fixed order as an 8-byte big-endian length followed by its
// bytes. Version 1: ID as decimal, At as RFC 3339 with microseconds in UTC,
// Actor, RequestID, Route, Facility, Before and After as stored, PrevHash.
// Version 2 continues with the version, Role, Kind, Action, Resource,
// Amount (decimal, "" for none), StatusBefore, StatusAfter, BusinessDate
// and Dated (YYYY-MM-DD, "" for none), Result, Error and Summary. Length prefixes make
// the encoding unambiguous; a record hashes as the version it was written
// in, so the chain written before version 2 still verifies.
func AuditCanonical(r AuditRecord) []byte {
	fields := [][]byte{
		[]byte(fmt.Sprint(r.ID)),
		[]byte(Truncate(r.At).Format("2006-01-02T15:04:05.000000Z")),
		[]byte(r.Actor), []byte(r.RequestID), []byte(r.Route), []byte(r.Facility),
		r.Before, r.After, []byte(r.PrevHash),
	}
	if r.Version >= 2 {
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
		for _, s := range []string{strconv.Itoa(r.Version), r.Role, r.Kind, r.Action, r.Resource, amount,
			r.StatusBefore, r.StatusAfter, day(r.BusinessDate), day(r.Dated), r.Result, r.Error, r.Summary} {
			fields = append(fields, []byte(s))
		}
	}
	var b []byte
	for _, f := range fields {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	return b
}

// AuditHash is the hash of a record given its PrevHash.
func AuditHash(r AuditRecord) string {
	s := sha256.Sum256(AuditCanonical(r))
	return hex.EncodeToString(s[:])
}

// AuditBreak is the first broken link of a chain.
type AuditBreak struct {
	ID     int64  `json:"id"`
	Reason string `json:"reason"`
}

// VerifyAudit checks records (consecutive, by ID, continuing after prev,
// the hash of the record before them, "" at the start): each record's
// PrevHash is the hash before it, its Hash is recomputed, IDs have no gap.
// It returns the first broken link, or nil.
func VerifyAudit(prevID int64, prev string, recs []AuditRecord) *AuditBreak {
	for _, r := range recs {
		if r.ID != prevID+1 {
			return &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("record %d follows record %d: a record is missing", r.ID, prevID)}
		}
		if r.PrevHash != prev {
			return &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("record %d names previous hash %s, but record %d hashes to %s", r.ID, r.PrevHash, prevID, prev)}
		}
		if h := AuditHash(r); h != r.Hash {
			return &AuditBreak{ID: r.ID, Reason: fmt.Sprintf("record %d was altered: its content hashes to %s, stored hash %s", r.ID, h, r.Hash)}
		}
		prevID, prev = r.ID, r.Hash
	}
	return nil
}

// Describe fills what a record is about from the values before and after
// the change (either may be nil): the resource's id, amount, date and
// status. It knows the store's records and ledger transactions;
// anything else leaves the record as it is. A pending action names its
// own kind (amendment, event_of_default, waiver), so that its request and
// its decision are found under one kind.
func (r *AuditRecord) Describe(before, after any) {
	b, a := subjectOf(before), subjectOf(after)
	s := a
	if !s.known {
		s = b
	}
	if !s.known {
		return
	}
	if s.id != "" {
		r.Resource = s.id
	}
	if s.amount != 0 {
		r.Amount = s.amount
	}
	if s.day != 0 {
		r.Dated = s.day
	}
	if s.kind != "" {
		r.Kind = s.kind
	}
	if b.known {
		r.StatusBefore = b.status
	}
	if a.known {
		r.StatusAfter = a.status
	}
}

type subject struct {
	known      bool
	id, status string
	kind       string
	amount     money.Amount
	day        date.Date
}

func subjectOf(v any) subject {
	id := func(n int64) string {
		if n == 0 {
			return ""
		}
		return strconv.FormatInt(n, 10)
	}
	switch x := v.(type) {
	case AdvanceRequest:
		return subject{known: true, id: id(x.ID), status: string(x.Status), amount: x.Amount, day: x.ValueDate}
	case *AdvanceRequest:
		if x != nil {
			return subjectOf(*x)
		}
	case Certificate:
		return subject{known: true, id: id(x.ID), status: string(x.Status), amount: x.BorrowingBase, day: x.AsOf}
	case *Certificate:
		if x != nil {
			return subjectOf(*x)
		}
	case Pending:
		return subject{known: true, id: id(x.ID), status: x.Status, kind: x.Kind}
	case *Pending:
		if x != nil {
			return subjectOf(*x)
		}
	case Financials:
		return subject{known: true, id: id(x.ID), day: x.PeriodEnd}
	case []Financials:
		if len(x) == 0 {
			return subject{}
		}
		ids := make([]string, len(x))
		for i, f := range x {
			ids[i] = id(f.ID)
		}
		return subject{known: true, id: strings.Join(ids, ","), day: x[len(x)-1].PeriodEnd}
	case ledger.Transaction:
		var sum money.Amount
		for _, p := range x.Postings {
			if p.Amount > 0 {
				sum += p.Amount
			}
		}
		return subject{known: true, id: id(x.ID), amount: sum, day: x.ValueDate}
	case Posted:
		return subjectOf(x.Transaction)
	case FactRecord:
		return subject{known: true, id: id(x.ID), day: x.On}
	case Overadvance:
		return subject{known: true, id: id(x.ID), amount: x.Amount, day: x.DetectedOn}
	case User:
		return subject{known: true, id: id(x.ID)}
	}
	return subject{}
}

// AuditSummary says in a sentence who did what to which resource, with
// the amount, the date and the status before and after, and whether it was
// done or refused, e.g. "ann@bank.example (lender officer) approved
// advance 12 of 250,000.00 value-dated 2006-03-31 for btu: requested →
// funded". It is the one place this sentence is made: appending a record
// without a summary sets it. A record of version 1 names its route.
func AuditSummary(r AuditRecord) string {
	who := r.Actor
	if who == "" {
		who = "someone"
	}
	if r.Role != "" {
		who += " (" + strings.ReplaceAll(r.Role, "_", " ") + ")"
	}
	if r.Kind == "" && r.Action == "" {
		s := who + ": " + r.Route
		if r.Facility != "" {
			s += " for " + r.Facility
		}
		return s + refusal(r)
	}
	base, past := verb(r.Action)
	var b strings.Builder
	b.WriteString(who)
	if r.Result == AuditRefused {
		b.WriteString(" tried to " + base)
	} else {
		b.WriteString(" " + past)
	}
	if n := noun(r.Kind, r.Action); n != "" {
		b.WriteString(" " + n)
	}
	if r.Resource != "" {
		b.WriteString(" " + r.Resource)
	}
	if r.Amount != 0 {
		b.WriteString(" of " + r.Amount.Grouped())
	}
	if r.Dated != 0 {
		b.WriteString(" " + dateLabel(r.Kind) + " " + r.Dated.String())
	}
	if r.Facility != "" {
		b.WriteString(" for " + r.Facility)
	}
	switch {
	case r.StatusBefore != "" && r.StatusAfter != "" && r.StatusBefore != r.StatusAfter:
		b.WriteString(": " + r.StatusBefore + " → " + r.StatusAfter)
	case r.StatusAfter != "" && r.StatusAfter != past && r.Result != AuditRefused:
		b.WriteString(": " + r.StatusAfter)
	}
	b.WriteString(refusal(r))
	return b.String()
}

func refusal(r AuditRecord) string {
	if r.Result != AuditRefused {
		return ""
	}
	if r.Error == "" {
		return ": refused"
	}
	return ": refused (" + r.Error + ")"
}

// verb gives an action's base form and past tense.
func verb(action string) (string, string) {
	base := strings.ReplaceAll(action, "_", " ")
	switch action {
	case "":
		return "change", "changed"
	case "sign_in":
		return "sign in", "signed in"
	case "sign_out":
		return "sign out", "signed out"
	case "run":
		return "run", "ran"
	case "waive":
		return "ask to waive", "asked to waive"
	case "cure", "accelerate", "notice", "confirm":
		past := map[string]string{"cure": "recorded the cure of", "accelerate": "recorded the acceleration after",
			"notice": "recorded the notice of", "confirm": "recorded the confirmation of"}[action]
		return "record the " + map[string]string{"cure": "cure of", "accelerate": "acceleration after",
			"notice": "notice of", "confirm": "confirmation of"}[action], past
	}
	if strings.HasSuffix(base, "e") {
		return base, base + "d"
	}
	return base, base + "ed"
}

func noun(kind, action string) string {
	switch kind {
	case "session":
		return ""
	case "certificate":
		return "borrowing base certificate"
	case "financial_statement":
		return "financial statements"
	case "approval":
		return "pending action"
	case "token":
		return "API token"
	}
	return strings.ReplaceAll(kind, "_", " ")
}

func dateLabel(kind string) string {
	switch kind {
	case "advance", "repayment":
		return "value-dated"
	case "certificate":
		return "as of"
	case "financial_statement":
		return "for the period ending"
	case "close_of_business":
		return "through"
	}
	return "dated"
}

// PrepareAudit completes a record about to be appended on business date
// bd (0 when none has been opened): the current version, the time
// truncated as stored, result done unless refused, the business date (bd,
// else the day recorded in UTC, as app.Service.BusinessDate says) and the
// summary when the caller gave none. Every adapter appends what it
// returns.
func PrepareAudit(r AuditRecord, bd date.Date) AuditRecord {
	r.Version = AuditVersion
	r.At = Truncate(r.At)
	if r.Result == "" {
		r.Result = AuditDone
	}
	if r.BusinessDate == 0 {
		r.BusinessDate = bd
	}
	if r.BusinessDate == 0 {
		r.BusinessDate = date.FromTime(r.At)
	}
	if r.Summary == "" {
		r.Summary = AuditSummary(r)
	}
	return r
}
