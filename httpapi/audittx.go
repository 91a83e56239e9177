package httpapi

import (
	"context"
	"encoding/json"
	"time"

	"revolver/app"
	"revolver/ledger"
	"revolver/store"
)

// auditingStore is the store the use cases of one request run on: each
// Update that changes something appends the request's audit record in the
// same database transaction, listing what the transaction stored (postings,
// advance requests and decisions, with the state before a decision).
type auditingStore struct {
	store.Store
	store.Accounts
	aud store.TxAuditor
	c   *call
}

// Close is the store's (both embedded interfaces are the same value).
func (a auditingStore) Close() error { return a.Store.Close() }

// svc returns the use cases for this request, auditing inside the store
// transaction when the store can.
func (c *call) svc() *app.Service {
	aud, ok := c.s.st.(store.TxAuditor)
	if !ok {
		return c.s.svc
	}
	svc := *c.s.svc
	svc.Store = auditingStore{Store: c.s.st, Accounts: c.s.acc, aud: aud, c: c}
	return &svc
}

type change struct {
	What   string `json:"what"`
	Before any    `json:"before,omitempty"`
	After  any    `json:"after"`
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

func (t *recordingTx) RecordOveradvance(o store.Overadvance) (store.Overadvance, bool, error) {
	out, replayed, err := t.Tx.RecordOveradvance(o)
	if err == nil && !replayed {
		t.changes = append(t.changes, change{What: "overadvance", After: out})
	}
	return out, replayed, err
}

// noBody names a certificate's computed body by its hash only.
func noBody(c store.Certificate) store.Certificate {
	c.Body = nil
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

// Update runs fn and, if it changed anything, appends the audit record in
// the same transaction.
func (a auditingStore) Update(ctx context.Context, facility string, fn func(store.Tx) error) error {
	return a.Store.Update(ctx, facility, func(tx store.Tx) error {
		rt := &recordingTx{Tx: tx}
		if err := fn(rt); err != nil {
			return err
		}
		if a.c.txAudit == 0 {
			a.c.txAudit = txAuditNothing
		}
		if len(rt.changes) == 0 {
			return nil
		}
		after, err := json.Marshal(rt.changes)
		if err != nil {
			return err
		}
		rec := a.c.newRecord(nil, after)
		rec.Facility = facility
		describeChanges(&rec, rt.changes)
		if _, err := a.aud.AppendAuditTx(tx, rec); err != nil {
			return err
		}
		a.c.txAudit = txAudited
		return nil
	})
}

// What the request's store transactions did about the audit.
const (
	txAuditNothing = 1 // an Update ran and changed nothing (a replay)
	txAudited      = 2 // the record was appended with the change
)
