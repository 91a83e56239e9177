package sqlstore

import (
	"fmt"

	"revolver/store"
)

var _ store.TxAuditor = (*DB)(nil)

// AppendAuditTx appends r to the audit chain in the transaction of an
// Update (tx must be the Tx passed to the Update's function).
func (db *DB) AppendAuditTx(tx store.Tx, r store.AuditRecord) (store.AuditRecord, error) {
	ft, ok := tx.(*facilityTx)
	if !ok || ft.db != db {
		return r, fmt.Errorf("audit: %T is not a transaction of this store", tx)
	}
	return db.appendAudit(ft.ctx, TxExec{ft.tx}, r)
}
