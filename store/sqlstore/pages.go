package sqlstore

import (
	"context"

	"revolver/ledger"
	"revolver/store"
)

// pageWhere is the condition of a page of a table kept by id (its columns
// id, facility_id and the date column dateCol), before ORDER BY id LIMIT.
func (db *DB) pageWhere(prefix, dateCol string, fid int64, p store.Page) (string, []any) {
	where := prefix + `facility_id = ? AND ` + prefix + `id > ?`
	args := []any{fid, p.After}
	if p.From != 0 {
		where += ` AND ` + prefix + dateCol + ` >= ?`
		args = append(args, db.D.Date(p.From))
	}
	if p.To != 0 {
		where += ` AND ` + prefix + dateCol + ` <= ?`
		args = append(args, db.D.Date(p.To))
	}
	return where, args
}

// TransactionsPage returns one page of a facility's transactions by id:
// the page's ids are chosen in the index of transactions by facility and
// id (migration 0116), then their postings read by id.
func (db *DB) TransactionsPage(ctx context.Context, facility string, p store.Page) ([]ledger.Transaction, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	where, args := db.pageWhere("", "value_date", fid, p)
	return db.loadTransactions(ctx, db.R, facility,
		`t.id IN (SELECT id FROM transactions WHERE `+where+` ORDER BY id LIMIT ?)`, append(args, p.Limit)...)
}

// AdvanceRequestsPage returns one page of a facility's advance requests.
func (db *DB) AdvanceRequestsPage(ctx context.Context, facility string, p store.Page) ([]store.AdvanceRequest, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	where, args := db.pageWhere("", "value_date", fid, p)
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+advCols+` FROM advance_requests WHERE `+where+` ORDER BY id LIMIT ?`), append(args, p.Limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AdvanceRequest
	for rows.Next() {
		r, err := scanAdvance(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CertificatesPage returns one page of a facility's certificates with
// their inputs, without bodies and explanations.
func (db *DB) CertificatesPage(ctx context.Context, facility string, p store.Page) ([]store.Certificate, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	where, args := db.pageWhere("c.", "as_of", fid, p)
	return db.certificatesWhere(ctx, db.R, true, where+` ORDER BY c.id LIMIT ?`, append(args, p.Limit)...)
}
