package app

import (
	"context"
	"encoding/json"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// AuditState tells the surface that asked for a use case what its store
// transactions did about the audit record (an Actor may carry one).
type AuditState struct {
	Op       Op   // the use case that ran, as it named itself ("" before one did)
	Ran      bool // an update ran to its end (it may have changed nothing: a replay)
	Appended bool // the audit record was appended with the change
}

// update runs fn in one store transaction of the facility. Every use case
// that changes a facility goes through it: when the context carries an
// Actor and the store keeps an audit trail, the record of what the
// transaction stored (postings, requests and decisions with the state
// before a decision, certificates, statements, facts, documents) is
// appended in the same transaction, so a change is never stored without
// its record nor a record without its change. The record's kind and
// action are the use case's, as it named itself in ctx (named). The
// events the changes tell of are appended to the outbox in the same
// transaction (emitChanges).
func (s *Service) update(ctx context.Context, facility string, fn func(tx store.Tx) error) error {
	a, hasActor := ActorFrom(ctx)
	aud, ok := s.Store.(store.TxAuditor)
	now := s.now()
	if !hasActor || !ok {
		return s.Store.Update(ctx, facility, func(tx store.Tx) error {
			rt := &recordingTx{Tx: stampingTx{tx, now}}
			if err := fn(rt); err != nil {
				return err
			}
			return s.emitChanges(tx, facility, rt.changes)
		})
	}
	return s.Store.Update(ctx, facility, func(tx store.Tx) error {
		rt := &recordingTx{Tx: stampingTx{tx, now}}
		if err := fn(rt); err != nil {
			return err
		}
		// The events the change tells of join the outbox in its
		// transaction (notify.go).
		if err := s.emitChanges(tx, facility, rt.changes); err != nil {
			return err
		}
		return s.auditChanges(ctx, a, aud, tx, facility, rt.changes)
	})
}

// auditChanges appends, inside tx, the audit record of the use case ctx
// names for a facility's changes (none when there are none), and tells the
// actor's AuditState that the use case ran and what it appended.
func (s *Service) auditChanges(ctx context.Context, a Actor, aud store.TxAuditor, tx store.Tx, facility string, changes []change) error {
	if a.Audit != nil {
		a.Audit.Ran = true
	}
	if len(changes) == 0 {
		return nil
	}
	after, err := json.Marshal(changes)
	if err != nil {
		return err
	}
	rec := a.Record(opOf(ctx), s.now())
	rec.Facility, rec.After = facility, after
	describeChanges(&rec, changes)
	if _, err := aud.AppendAuditTx(tx, rec); err != nil {
		return err
	}
	if a.Audit != nil {
		a.Audit.Appended = true
	}
	return nil
}

// updateMany runs fn for each facility in one store transaction of them
// all (store.MultiUpdater), each facility's changes with its events and
// its audit record as update writes them; a store that cannot runs one
// transaction per facility.
func (s *Service) updateMany(ctx context.Context, facilities []string, fn func(facility string, tx store.Tx) error) error {
	mu, ok := s.Store.(store.MultiUpdater)
	if !ok {
		for _, f := range facilities {
			if err := s.update(ctx, f, func(tx store.Tx) error { return fn(f, tx) }); err != nil {
				return err
			}
		}
		return nil
	}
	a, hasActor := ActorFrom(ctx)
	aud, auditing := s.Store.(store.TxAuditor)
	now := s.now()
	return mu.UpdateFacilities(ctx, facilities, func(get func(string) (store.Tx, error)) error {
		for _, facility := range facilities {
			tx, err := get(facility)
			if err != nil {
				return err
			}
			rt := &recordingTx{Tx: stampingTx{tx, now}}
			if err := fn(facility, rt); err != nil {
				return err
			}
			if err := s.emitChanges(tx, facility, rt.changes); err != nil {
				return err
			}
			if !hasActor || !auditing {
				continue
			}
			if err := s.auditChanges(ctx, a, aud, tx, facility, rt.changes); err != nil {
				return err
			}
		}
		return nil
	})
}

type change struct {
	What   string `json:"what"`
	Before any    `json:"before,omitempty"`
	After  any    `json:"after"`
}

// stampingTx gives each transaction posted the time the use case records
// it at (its clock's), unless the use case gave one.
type stampingTx struct {
	store.Tx
	now time.Time
}

func (t stampingTx) Post(tr ledger.Transaction) (store.Posted, error) {
	if tr.RecordedAt.IsZero() {
		tr.RecordedAt = t.now
	}
	return t.Tx.Post(tr)
}

type recordingTx struct {
	store.Tx
	changes []change
}

func (t *recordingTx) Post(tr ledger.Transaction) (store.Posted, error) {
	p, err := t.Tx.Post(tr)
	if err == nil && !p.Replayed {
		t.changes = append(t.changes, change{What: "transaction", After: p.Transaction})
	}
	return p, err
}

func (t *recordingTx) AddAdvanceRequest(r store.AdvanceRequest) (store.AdvanceRequest, bool, error) {
	out, replayed, err := t.Tx.AddAdvanceRequest(r)
	if err == nil && !replayed {
		t.changes = append(t.changes, change{What: "advance_request", After: out})
	}
	return out, replayed, err
}

func (t *recordingTx) DecideAdvanceRequest(id int64, d store.AdvanceDecision) (store.AdvanceRequest, error) {
	before, _ := t.Tx.AdvanceRequest(id)
	out, err := t.Tx.DecideAdvanceRequest(id, d)
	if err == nil {
		t.changes = append(t.changes, change{What: "advance_request", Before: before, After: out})
	}
	return out, err
}

func (t *recordingTx) AddFactRecord(r store.FactRecord) (store.FactRecord, bool, error) {
	out, replayed, err := t.Tx.AddFactRecord(r)
	if err == nil && !replayed {
		t.changes = append(t.changes, change{What: "fact_record", After: out})
	}
	return out, replayed, err
}

func (t *recordingTx) AddReserveRecord(r store.ReserveRecord) (store.ReserveRecord, error) {
	out, err := t.Tx.AddReserveRecord(r)
	if err == nil {
		t.changes = append(t.changes, change{What: "reserve_record", After: out})
	}
	return out, err
}

func (t *recordingTx) AddFieldExamRecord(r store.FieldExamRecord) (store.FieldExamRecord, error) {
	out, err := t.Tx.AddFieldExamRecord(r)
	if err == nil {
		t.changes = append(t.changes, change{What: "field_exam_record", After: out})
	}
	return out, err
}

func (t *recordingTx) AddRiskRating(r store.RiskRating) (store.RiskRating, error) {
	out, err := t.Tx.AddRiskRating(r)
	if err == nil {
		t.changes = append(t.changes, change{What: "risk_rating", After: out})
	}
	return out, err
}

func (t *recordingTx) AddCashImport(in store.CashImport) (store.CashFile, error) {
	out, err := t.Tx.AddCashImport(in)
	if err == nil {
		t.changes = append(t.changes, change{What: "cash_file", After: out})
	}
	return out, err
}

func (t *recordingTx) AddLoanNotice(n store.LoanNotice) (store.LoanNotice, bool, error) {
	out, replayed, err := t.Tx.AddLoanNotice(n)
	if err == nil && !replayed {
		t.changes = append(t.changes, change{What: "loan_notice", After: out})
	}
	return out, replayed, err
}

func (t *recordingTx) RecordOveradvance(o store.Overadvance) (store.Overadvance, bool, error) {
	out, replayed, err := t.Tx.RecordOveradvance(o)
	if err == nil && !replayed {
		t.changes = append(t.changes, change{What: "overadvance", After: out})
	}
	return out, replayed, err
}

// noBody names a certificate's computed body and its roll-forward by
// their hashes only.
func noBody(c store.Certificate) store.Certificate {
	c.Body, c.RollForward = nil, nil
	return c
}

func (t *recordingTx) CreateCertificate(c store.Certificate) (store.Certificate, error) {
	out, err := t.Tx.CreateCertificate(c)
	if err == nil {
		t.changes = append(t.changes, change{What: "certificate", After: noBody(out)})
	}
	return out, err
}

func (t *recordingTx) SubmitCertificate(id int64, s store.Submission) (store.Certificate, error) {
	before, _ := t.Tx.Certificate(id)
	out, err := t.Tx.SubmitCertificate(id, s)
	if err == nil {
		t.changes = append(t.changes, change{What: "certificate", Before: noBody(before), After: noBody(out)})
	}
	return out, err
}

func (t *recordingTx) DecideCertificate(id int64, d store.Decision) (store.Certificate, error) {
	before, _ := t.Tx.Certificate(id)
	out, err := t.Tx.DecideCertificate(id, d)
	if err == nil {
		t.changes = append(t.changes, change{What: "certificate", Before: noBody(before), After: noBody(out)})
	}
	return out, err
}

func (t *recordingTx) AddFinancials(f store.Financials) (store.Financials, error) {
	out, err := t.Tx.AddFinancials(f)
	if err == nil {
		t.changes = append(t.changes, change{What: "financial_statement", After: out})
	}
	return out, err
}

func (t *recordingTx) CreatePending(p store.Pending) (store.Pending, error) {
	out, err := t.Tx.CreatePending(p)
	if err == nil {
		t.changes = append(t.changes, change{What: "pending", After: out})
	}
	return out, err
}

func (t *recordingTx) DecidePending(id int64, status, by, comment string, at time.Time) (store.Pending, error) {
	before, _ := t.Tx.Pending(id)
	out, err := t.Tx.DecidePending(id, status, by, comment, at)
	if err == nil {
		t.changes = append(t.changes, change{What: "pending", Before: before, After: out})
	}
	return out, err
}

func (t *recordingTx) PutDocument(d store.Document) (store.Document, bool, error) {
	out, stored, err := t.Tx.PutDocument(d)
	if err == nil && !stored {
		t.changes = append(t.changes, change{What: "document", After: out})
	}
	return out, stored, err
}

// Record is an audit record of the use case op asked by the actor,
// recorded at: who, through what and the request (the actor's), and the
// kind and action (op's).
func (a Actor) Record(op Op, at time.Time) store.AuditRecord {
	actor := a.User
	if actor == "" {
		actor = "anonymous"
	}
	return store.AuditRecord{At: at, Actor: actor, Role: a.Role, RequestID: a.RequestID, Route: a.Via, Kind: op.Kind(), Action: op.Action()}
}

// kindOfChange is the kind of record a stored change is about (the record
// of a use case that did not name itself), and subjectChange the change a
// record of a kind is about.
var (
	kindOfChange = map[string]string{
		"advance_request": "advance", "certificate": "certificate", "transaction": "transaction",
		"financial_statement": "financial_statement", "pending": "approval", "fact_record": "fact",
		"overadvance": "overadvance", "document": "document", "loan_notice": "loan_notice",
		"cash_file": "cash_file",
	}
	subjectChange = map[string]string{
		"advance": "advance_request", "certificate": "certificate", "repayment": "transaction", "transaction": "transaction",
		"collection": "transaction", "returned_item": "transaction", "fee": "transaction",
		"financial_statement": "financial_statement", "amendment": "pending", "event_of_default": "pending",
		"waiver": "pending", "approval": "pending", "cash_file": "cash_file",
	}
)

// describeChanges fills what a record is about from what a store
// transaction stored: the first change of the record's kind (or the
// first change, when the record has no kind, its kind stores facts or its
// transaction stored no change of that kind) gives the resource and its
// state before; the last change of that resource its state after.
func describeChanges(r *store.AuditRecord, changes []change) {
	if len(changes) == 0 {
		return
	}
	if r.Kind == "" {
		r.Kind = kindOfChange[changes[0].What]
	}
	what, ok := subjectChange[r.Kind]
	var first *change
	for i := range changes {
		if !ok || changes[i].What == what {
			first = &changes[i]
			break
		}
	}
	if first == nil {
		first = &changes[0]
	}
	r.Describe(first.Before, first.After)
	for i := len(changes) - 1; i >= 0; i-- {
		if changes[i].What != first.What {
			continue
		}
		var last store.AuditRecord
		last.Describe(nil, changes[i].After)
		if last.Resource == r.Resource {
			r.StatusAfter = last.StatusAfter
			break
		}
	}
}

// Refusal is a change refused, for its audit record: the use case refused
// (Op), the error's stable code and message, the HTTP status when a
// request was refused, and what the surface read of the change before it
// was refused.
type Refusal struct {
	// Op is the use case the surface asked for, or would have, when it
	// refused the change itself; a use case that ran and named itself
	// (the actor's AuditState) is recorded by its own name.
	Op            Op
	Code, Message string
	Status        int
	Facility      string
	Resource      string
	Amount        money.Amount
	Dated         date.Date
}

// RefusalRecord is the audit record of a refusal asked by the context's
// actor (anonymous without one): result refused with the code; its after
// holds the status, code and message.
func (s *Service) RefusalRecord(ctx context.Context, f Refusal) store.AuditRecord {
	a, _ := ActorFrom(ctx)
	op := f.Op
	if a.Audit != nil && a.Audit.Op != "" {
		op = a.Audit.Op
	}
	r := a.Record(op, s.now())
	r.Facility, r.Resource, r.Amount, r.Dated = f.Facility, f.Resource, f.Amount, f.Dated
	r.Result, r.Error = store.AuditRefused, f.Code
	body := map[string]any{"code": f.Code, "message": f.Message}
	if f.Status != 0 {
		body["status"] = f.Status
	}
	r.After, _ = json.Marshal(body)
	return r
}

// AuditRefusal appends the audit record of a refusal (RefusalRecord).
func (s *Service) AuditRefusal(ctx context.Context, f Refusal) error {
	acc, err := s.accounts()
	if err != nil {
		return err
	}
	_, err = acc.AppendAudit(ctx, s.RefusalRecord(ctx, f))
	return err
}
