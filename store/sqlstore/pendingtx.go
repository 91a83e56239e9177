package sqlstore

import (
	"time"

	"revolver/store"
)

// CreatePending stores an action of the facility waiting for approval.
func (t *facilityTx) CreatePending(p store.Pending) (store.Pending, error) {
	if p.Facility != t.f.Slug {
		return p, store.Errorf(store.CodeInvalid, "pending action of facility %q in an update of facility %q", p.Facility, t.f.Slug)
	}
	return t.db.createPending(t.ctx, t.tx, t.tx, p)
}

// Pending returns an action of the facility as the transaction sees it;
// another facility's is not_found.
func (t *facilityTx) Pending(id int64) (store.Pending, error) {
	p, err := t.db.pending(t.ctx, t.tx, id)
	if err == nil && p.Facility != t.f.Slug {
		return store.Pending{}, store.Errorf(store.CodeNotFound, "pending action %d not found", id)
	}
	return p, err
}

// DecidePending approves or rejects a requested action of the facility.
func (t *facilityTx) DecidePending(id int64, status, by, comment string, at time.Time) (store.Pending, error) {
	if _, err := t.Pending(id); err != nil {
		return store.Pending{}, err
	}
	return t.db.decidePending(t.ctx, t.tx, t.tx, id, status, by, comment, at)
}

// PutDocument stores a document of the facility whole; the same document
// again returns the stored one, other content under its id is a conflict.
func (t *facilityTx) PutDocument(d store.Document) (store.Document, bool, error) {
	if d.Facility != t.f.Slug {
		return d, false, store.Errorf(store.CodeInvalid, "document of facility %q in an update of facility %q", d.Facility, t.f.Slug)
	}
	d, err := prepareDocument(d)
	if err != nil {
		return d, false, err
	}
	d, stored, err := t.db.putDocument(t.ctx, t.tx, d)
	if err != nil || !stored {
		return d, false, err
	}
	d, err = t.db.document(t.ctx, t.tx, d.Facility, d.ID)
	return d, true, err
}
