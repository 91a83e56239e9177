package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"revolver/date"
	"revolver/money"
	"revolver/store"
)

const cashFileCols = `id, name, sha256, sender, receiver, file_ref, created, created_time, groups_new, groups_seen, records, imported_by, imported_at`

func scanCashFile(sc interface{ Scan(...any) error }, facility string) (store.CashFile, error) {
	var f store.CashFile
	var created Date
	var at Time
	err := sc.Scan(&f.ID, &f.Name, &f.SHA256, &f.Sender, &f.Receiver, &f.FileID, &created, &f.CreatedTime, &f.GroupsNew, &f.GroupsSeen, &f.Records, &f.ImportedBy, &at)
	f.Facility, f.Created, f.ImportedAt = facility, created.D, at.T
	return f, err
}

const cashItemCols = `id, file_id, group_id, account, received, record, line, type_code, kind, amount, funds, bank_ref, customer_ref, text,
	value_date, swept, reason, applied, remitted, remitted_to, transaction_id, returns`

func scanCashItem(sc interface{ Scan(...any) error }, facility string) (store.CashItem, error) {
	var it store.CashItem
	var received, vd Date
	var amount, applied, remitted int64
	var swept int
	var tx, returns sql.NullInt64
	err := sc.Scan(&it.ID, &it.File, &it.Group, &it.Account, &received, &it.Record, &it.Line, &it.TypeCode, &it.Kind, &amount, &it.Funds, &it.BankRef, &it.CustomerRef, &it.Text,
		&vd, &swept, &it.Reason, &applied, &remitted, &it.RemittedTo, &tx, &returns)
	it.Facility, it.Received, it.ValueDate = facility, received.D, vd.D
	it.Amount, it.Applied, it.Remitted = money.Amount(amount), money.Amount(applied), money.Amount(remitted)
	it.Swept, it.Transaction, it.Returns = swept != 0, tx.Int64, returns.Int64
	return it, err
}

// cashItemsChunk is how many items one INSERT statement carries (a fixed
// size, so that the statement is prepared once).
const cashItemsChunk = 100

// AddCashImport implements store.CashTx.
func (t *facilityTx) AddCashImport(in store.CashImport) (store.CashFile, error) {
	f := in.File
	if f.Facility != "" && f.Facility != t.f.Slug {
		return f, store.Errorf(store.CodeInvalid, "cash file %q is for facility %q, not %q", f.Name, f.Facility, t.f.Slug)
	}
	if f.Name == "" || f.ImportedBy == "" || f.ImportedAt.IsZero() {
		return f, store.Errorf(store.CodeInvalid, "cash file %q of facility %q: name, imported by and at are required", f.Name, t.f.Slug)
	}
	f.Facility, f.ImportedAt = t.f.Slug, store.Truncate(f.ImportedAt)
	var h string
	var err error
	ref := blobRef{n: len(in.Content)}
	if len(in.Content) > 0 {
		ref.p = &in.Content[0]
	}
	if got, ok := t.blobs[ref]; ok && ref.p != nil {
		h = got
	} else {
		if h, err = t.db.putBlob(t.ctx, t.tx, in.Content); err != nil {
			return f, err
		}
		if t.blobs != nil && ref.p != nil {
			t.blobs[ref] = h
		}
	}
	if f.SHA256 != "" && f.SHA256 != h {
		return f, store.Errorf(store.CodeInvalid, "cash file %q: SHA-256 %s given, the content's is %s", f.Name, f.SHA256, h)
	}
	f.SHA256 = h
	// A file imported before (the same content, or the same sender, file
	// id and creation date) is refused by the table's unique keys.
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO cash_files (facility_id, name, sha256, sender, receiver, file_ref, created, created_time, groups_new, groups_seen, records, imported_by, imported_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, f.Name, f.SHA256, f.Sender, f.Receiver, f.FileID, t.db.D.Date(f.Created), f.CreatedTime, f.GroupsNew, f.GroupsSeen, f.Records, f.ImportedBy, t.db.D.Time(f.ImportedAt)).Scan(&f.ID)
	if err != nil {
		if t.db.D.IsUnique(err) {
			return f, store.Errorf(store.CodeConflict, "cash file %q of facility %q is imported already (the same content, or the same sender %s, file id %s and creation date %s)",
				f.Name, t.f.Slug, f.Sender, f.FileID, f.Created)
		}
		return f, err
	}
	groups := make(map[string]int64, len(in.Groups))
	for _, g := range in.Groups {
		var id int64
		err := t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO cash_groups (facility_id, file_id, group_key, sha256, as_of, record) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
			t.fid, f.ID, g.Key, g.SHA256, t.db.D.Date(g.AsOf), g.Record).Scan(&id)
		if err != nil {
			if t.db.D.IsUnique(err) {
				return f, store.Errorf(store.CodeConflict, "cash group %q of facility %q is already imported", g.Key, t.f.Slug)
			}
			return f, err
		}
		groups[g.Key] = id
	}
	const cols = 22
	row := "(" + strings.Repeat("?, ", cols-1) + "?)"
	for start := 0; start < len(in.Items); start += cashItemsChunk {
		chunk := in.Items[start:min(start+cashItemsChunk, len(in.Items))]
		args := make([]any, 0, cols*len(chunk))
		for _, it := range chunk {
			gid, ok := groups[it.GroupKey]
			if !ok {
				return f, store.Errorf(store.CodeInvalid, "cash file %q record %d: its group %q is not among the file's new groups", f.Name, it.Record, it.GroupKey)
			}
			swept := 0
			if it.Swept {
				swept = 1
			}
			args = append(args, t.fid, f.ID, gid, it.Account, t.db.D.Date(it.Received), it.Record, it.Line, it.TypeCode, it.Kind, int64(it.Amount), it.Funds,
				it.BankRef, it.CustomerRef, it.Text, t.db.nullDate(it.ValueDate), swept, it.Reason, int64(it.Applied), int64(it.Remitted), it.RemittedTo,
				nullInt(it.Transaction), nullInt(it.Returns))
		}
		q := `INSERT INTO cash_items (facility_id, file_id, group_id, account, received, record, line, type_code, kind, amount, funds, bank_ref, customer_ref, text,
			value_date, swept, reason, applied, remitted, remitted_to, transaction_id, returns) VALUES ` + strings.TrimSuffix(strings.Repeat(row+", ", len(chunk)), ", ")
		if _, err := t.tx.ExecContext(t.ctx, t.db.q(q), args...); err != nil {
			return f, fmt.Errorf("cash file %q items: %w", f.Name, err)
		}
	}
	if len(in.Items) == 0 {
		return f, nil
	}
	// The items' ids, in the order inserted (one file's items are inserted
	// under the facility's lock, in order).
	rows, err := t.tx.QueryContext(t.ctx, t.db.q(`SELECT id FROM cash_items WHERE file_id = ? ORDER BY id`), f.ID)
	if err != nil {
		return f, err
	}
	defer rows.Close()
	i := 0
	for rows.Next() {
		if i == len(in.Items) {
			return f, fmt.Errorf("cash file %q: more items stored than inserted", f.Name)
		}
		it := &in.Items[i]
		if err := rows.Scan(&it.ID); err != nil {
			return f, err
		}
		it.Facility, it.File, it.Group = t.f.Slug, f.ID, groups[it.GroupKey]
		i++
	}
	return f, rows.Err()
}

// CashFileLike implements store.CashTx.
func (t *facilityTx) CashFileLike(sha256, sender, fileID string, created date.Date) (store.CashFile, bool, error) {
	f, err := scanCashFile(t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT `+cashFileCols+` FROM cash_files WHERE facility_id = ? AND (sha256 = ? OR sender = ? AND file_ref = ? AND created = ?)
		ORDER BY id LIMIT 1`), t.fid, sha256, sender, fileID, t.db.D.Date(created)), t.f.Slug)
	if errors.Is(err, sql.ErrNoRows) {
		return store.CashFile{}, false, nil
	}
	return f, err == nil, err
}

// CashGroupsByKey implements store.CashTx.
func (t *facilityTx) CashGroupsByKey(keys []string) (map[string]store.CashGroup, error) {
	out := map[string]store.CashGroup{}
	for _, k := range keys {
		var g store.CashGroup
		var asOf Date
		err := t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT id, file_id, group_key, sha256, as_of, record FROM cash_groups WHERE facility_id = ? AND group_key = ?`), t.fid, k).
			Scan(&g.ID, &g.File, &g.Key, &g.SHA256, &asOf, &g.Record)
		if errors.Is(err, sql.ErrNoRows) {
			continue
		}
		if err != nil {
			return nil, err
		}
		g.AsOf = asOf.D
		out[k] = g
	}
	return out, nil
}

// CashItemsLike implements store.CashTx.
func (t *facilityTx) CashItemsLike(account, bankRef string, amount money.Amount) ([]store.CashItem, error) {
	a := int64(amount)
	if a < 0 {
		a = -a
	}
	if bankRef == "" {
		return t.db.cashItems(t.ctx, t.tx, t.f.Slug, `facility_id = ? AND account = ? AND amount IN (?, ?)`, t.fid, account, a, -a)
	}
	return t.db.cashItems(t.ctx, t.tx, t.f.Slug, `facility_id = ? AND account = ? AND (bank_ref = ? OR amount IN (?, ?))`, t.fid, account, bankRef, a, -a)
}

// CashFiles implements store.CashStore.
func (db *DB) CashFiles(ctx context.Context, facility string) ([]store.CashFile, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+cashFileCols+` FROM cash_files WHERE facility_id = ? ORDER BY id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.CashFile
	for rows.Next() {
		f, err := scanCashFile(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CashFile implements store.CashStore.
func (db *DB) CashFile(ctx context.Context, facility string, id int64) (store.CashFile, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return store.CashFile{}, err
	}
	f, err := scanCashFile(db.R.QueryRowContext(ctx, db.q(`SELECT `+cashFileCols+` FROM cash_files WHERE facility_id = ? AND id = ?`), fid, id), facility)
	if errors.Is(err, sql.ErrNoRows) {
		return store.CashFile{}, store.Errorf(store.CodeNotFound, "cash file %d of facility %q not found", id, facility)
	}
	return f, err
}

// CashItems implements store.CashStore.
func (db *DB) CashItems(ctx context.Context, facility string, file int64) ([]store.CashItem, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	if file == 0 {
		return db.cashItems(ctx, db.R, facility, `facility_id = ?`, fid)
	}
	return db.cashItems(ctx, db.R, facility, `facility_id = ? AND file_id = ?`, fid, file)
}

func (db *DB) cashItems(ctx context.Context, q querier, facility, where string, args ...any) ([]store.CashItem, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT `+cashItemCols+` FROM cash_items WHERE `+where+` ORDER BY id`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.CashItem
	for rows.Next() {
		it, err := scanCashItem(rows, facility)
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, rows.Err()
}
