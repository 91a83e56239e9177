package sqlstore

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// Row is a transaction to insert: the transaction (ID set by WriteBatch),
// its facility's id and its content hash.
type Row struct {
	T          *ledger.Transaction
	FacilityID int64
	Hash       [32]byte
}

func mismatch(t *ledger.Transaction, storedID int64) error {
	return store.Errorf(store.CodeIdempotencyMismatch,
		"idempotency key %q of facility %q was used for transaction %d with other content; use a new key for a new command",
		t.Key, t.Facility, storedID)
}

// Update runs fn in one transaction holding the facility's write lock.
func (db *DB) Update(ctx context.Context, facility string, fn func(store.Tx) error) error {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return err
	}
	// Statements run unprepared are prepared once the transaction has
	// let the writer connection go (deferred before the rollback, so run
	// after it).
	var missed []string
	defer func() {
		if len(missed) > 0 {
			db.prepareMissed(context.WithoutCancel(ctx), missed)
		}
	}()
	start := time.Now()
	stx, err := db.D.BeginFacility(ctx, db, fid)
	if err != nil {
		db.Observed("update", start, false)
		return fmt.Errorf("facility %q: begin: %w", facility, err)
	}
	tx := db.Track("update", start, stx)
	defer rollback(tx)
	f, _, err := scanFacility(tx.QueryRowContext(ctx, db.q(`SELECT id, slug, name, created, settings FROM facilities WHERE id = ?`), fid))
	if err != nil {
		return err
	}
	if err := fn(&facilityTx{ctx: ctx, db: db, tx: preparedTx{tx.Tx, db, &missed}, f: f, fid: fid}); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		if db.D.IsUnique(err) {
			return store.Errorf(store.CodeConflict, "facility %q: concurrent write; retry", facility)
		}
		return fmt.Errorf("facility %q: commit: %w", facility, err)
	}
	return nil
}

type facilityTx struct {
	ctx context.Context
	db  *DB
	tx  preparedTx
	f   store.Facility
	fid int64
	// blobs are the contents put in this database transaction, by their
	// bytes' place in memory (UpdateFacilities: a bank's file stored once
	// for all its facilities, hashed once); nil in Update.
	blobs map[blobRef]string
}

type blobRef struct {
	p *byte
	n int
}

func (t *facilityTx) Facility() store.Facility { return t.f }

func (t *facilityTx) Balance(account ledger.Account, asOf date.Date) (money.Amount, error) {
	return t.db.balance(t.ctx, t.tx, t.fid, account, asOf)
}

func (t *facilityTx) Movements(account ledger.Account, after date.Date) ([]store.DayAmount, error) {
	rows, err := t.tx.QueryContext(t.ctx, t.db.q(`SELECT value_date, sum(amount) FROM postings WHERE facility_id = ? AND account = ? AND value_date > ?
		GROUP BY value_date ORDER BY value_date`), t.fid, string(account), t.db.D.Date(after))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.DayAmount
	for rows.Next() {
		var d Date
		var v int64
		if err := rows.Scan(&d, &v); err != nil {
			return nil, err
		}
		out = append(out, store.DayAmount{Day: d.D, Amount: money.Amount(v)})
	}
	return out, rows.Err()
}

func (t *facilityTx) Balances(asOf date.Date) (ledger.Balances, error) {
	return t.db.balances(t.ctx, t.tx, t.fid, asOf)
}

func (t *facilityTx) Lookup(key string) (ledger.Transaction, bool, error) {
	var id int64
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT id FROM transactions WHERE facility_id = ? AND key = ?`), t.fid, key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return ledger.Transaction{}, false, nil
	}
	if err != nil {
		return ledger.Transaction{}, false, err
	}
	tr, err := t.Transaction(id)
	return tr, err == nil, err
}

func (t *facilityTx) Transaction(id int64) (ledger.Transaction, error) {
	return t.db.transaction(t.ctx, t.tx, t.fid, t.f.Slug, id)
}

func (t *facilityTx) CertificateInForce(asOf date.Date) (store.Certificate, error) {
	return t.db.certificateInForce(t.ctx, t.tx, t.fid, t.f.Slug, asOf)
}

func (t *facilityTx) Post(tr ledger.Transaction) (store.Posted, error) {
	if tr.Facility != t.f.Slug {
		return store.Posted{}, store.Errorf(store.CodeInvalid, "transaction %q is for facility %q, not %q", tr.Key, tr.Facility, t.f.Slug)
	}
	if err := tr.Validate(); err != nil {
		return store.Posted{}, &store.Error{Code: store.CodeInvalid, Message: err.Error(), Err: err}
	}
	h := tr.Hash()
	if !tr.RecordedAt.IsZero() {
		tr.RecordedAt = store.Truncate(tr.RecordedAt) // as stored
	}
	var id int64
	var stored []byte
	err := t.tx.QueryRowContext(t.ctx, t.db.q(`SELECT id, hash FROM transactions WHERE facility_id = ? AND key = ?`), t.fid, tr.Key).Scan(&id, &stored)
	switch {
	case err == nil:
		if !bytes.Equal(stored, h[:]) {
			return store.Posted{}, mismatch(&tr, id)
		}
		old, err := t.Transaction(id)
		return store.Posted{Transaction: old, Replayed: true}, err
	case !errors.Is(err, sql.ErrNoRows):
		return store.Posted{}, err
	}
	if err := t.db.checkReverses(t.ctx, t.tx, t.fid, &tr); err != nil {
		return store.Posted{}, err
	}
	err = t.tx.QueryRowContext(t.ctx, t.db.q(`INSERT INTO transactions (facility_id, kind, value_date, key, hash, reverses, memo, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`),
		t.fid, string(tr.Kind), t.db.D.Date(tr.ValueDate), tr.Key, h[:], nullInt(tr.Reverses), tr.Memo, t.db.nullTime(tr.RecordedAt)).Scan(&tr.ID)
	if err != nil {
		if t.db.D.IsUnique(err) {
			return store.Posted{}, store.Errorf(store.CodeConflict, "transaction %q of facility %q: key or reversal already used", tr.Key, tr.Facility)
		}
		return store.Posted{}, err
	}
	var q strings.Builder
	q.WriteString(`INSERT INTO postings (tx_id, seq, facility_id, account, value_date, amount, recorded_at) VALUES `)
	args := make([]any, 0, 7*len(tr.Postings))
	rec := t.db.nullTime(tr.RecordedAt)
	for i, p := range tr.Postings {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString("(?, ?, ?, ?, ?, ?, ?)")
		args = append(args, tr.ID, i, t.fid, string(p.Account), t.db.D.Date(tr.ValueDate), int64(p.Amount), rec)
	}
	if _, err := t.tx.ExecContext(t.ctx, t.db.q(q.String()), args...); err != nil {
		return store.Posted{}, err
	}
	return store.Posted{Transaction: tr}, nil
}

// checkReverses: a reversal names a stored transaction of the same facility
// that is not yet reversed.
func (db *DB) checkReverses(ctx context.Context, q querier, fid int64, tr *ledger.Transaction) error {
	if tr.Reverses == 0 {
		return nil
	}
	var ofid int64
	err := q.QueryRowContext(ctx, db.q(`SELECT facility_id FROM transactions WHERE id = ?`), tr.Reverses).Scan(&ofid)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && ofid != fid) {
		return store.Errorf(store.CodeNotFound, "transaction %q reverses transaction %d, which facility %q does not have", tr.Key, tr.Reverses, tr.Facility)
	}
	if err != nil {
		return err
	}
	var by int64
	err = q.QueryRowContext(ctx, db.q(`SELECT id FROM transactions WHERE reverses = ?`), tr.Reverses).Scan(&by)
	if err == nil {
		return store.Errorf(store.CodeConflict, "transaction %d of facility %q is already reversed by transaction %d", tr.Reverses, tr.Facility, by)
	}
	if !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	return nil
}

func (db *DB) balance(ctx context.Context, q querier, fid int64, account ledger.Account, asOf date.Date) (money.Amount, error) {
	var s int64
	var err error
	if store.Running(account) {
		// The running balance (account_balances, kept with the postings).
		err = q.QueryRowContext(ctx, db.q(`SELECT coalesce((SELECT balance FROM account_balances WHERE facility_id = ? AND account = ? AND value_date <= ? ORDER BY value_date DESC LIMIT 1), 0)`),
			fid, string(account), db.D.Date(asOf)).Scan(&s)
	} else {
		err = q.QueryRowContext(ctx, db.q(`SELECT coalesce(sum(amount), 0) FROM postings WHERE facility_id = ? AND account = ? AND value_date <= ?`),
			fid, string(account), db.D.Date(asOf)).Scan(&s)
	}
	return money.Amount(s), err
}

// runningBalance selects an account (the first argument) and its running
// balance at the end of a date: facility id, account and date.
const runningBalance = `SELECT CAST(? AS TEXT), coalesce((SELECT balance FROM account_balances WHERE facility_id = ? AND account = ? AND value_date <= ? ORDER BY value_date DESC LIMIT 1), 0)`

func (db *DB) balances(ctx context.Context, q querier, fid int64, asOf date.Date) (ledger.Balances, error) {
	// The running balances (account_balances) of the accounts kept so, one
	// index lookup each; the other accounts' postings summed.
	var sb strings.Builder
	var args []any
	for _, a := range store.AvailabilityAccounts {
		sb.WriteString(runningBalance + " UNION ALL ")
		args = append(args, string(a), fid, string(a), db.D.Date(asOf))
	}
	sb.WriteString(`SELECT account, sum(amount) FROM postings WHERE facility_id = ? AND value_date <= ? AND account NOT IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(store.AvailabilityAccounts)), ", ") + `) GROUP BY account`)
	args = append(args, fid, db.D.Date(asOf))
	for _, a := range store.AvailabilityAccounts {
		args = append(args, string(a))
	}
	rows, err := q.QueryContext(ctx, db.q(sb.String()), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	b := ledger.Balances{}
	for rows.Next() {
		var a string
		var s int64
		if err := rows.Scan(&a, &s); err != nil {
			return nil, err
		}
		if s != 0 {
			b[ledger.Account(a)] = money.Amount(s)
		}
	}
	return b, rows.Err()
}

// Balances derives a facility's balances as of a value date.
func (db *DB) Balances(ctx context.Context, facility string, asOf date.Date) (ledger.Balances, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.balances(ctx, db.R, fid, asOf)
}

func (db *DB) loadTransactions(ctx context.Context, q querier, slug, where string, args ...any) ([]ledger.Transaction, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT t.id, t.kind, t.value_date, t.key, t.reverses, t.memo, t.recorded_at, p.account, p.amount
		FROM transactions t JOIN postings p ON p.tx_id = t.id WHERE `+where+` ORDER BY t.id, p.seq`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ledger.Transaction
	for rows.Next() {
		var id int64
		var kind, key, memo, account string
		var vd Date
		var rev sql.NullInt64
		var amount int64
		var at Time
		if err := rows.Scan(&id, &kind, &vd, &key, &rev, &memo, &at, &account, &amount); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != id {
			out = append(out, ledger.Transaction{ID: id, Facility: slug, Kind: ledger.Kind(kind), ValueDate: vd.D, Key: key, Reverses: rev.Int64, Memo: memo, RecordedAt: at.T})
		}
		t := &out[len(out)-1]
		t.Postings = append(t.Postings, ledger.Posting{Account: ledger.Account(account), Amount: money.Amount(amount)})
	}
	return out, rows.Err()
}

func (db *DB) transaction(ctx context.Context, q querier, fid int64, slug string, id int64) (ledger.Transaction, error) {
	txs, err := db.loadTransactions(ctx, q, slug, `t.id = ? AND t.facility_id = ?`, id, fid)
	if err != nil {
		return ledger.Transaction{}, err
	}
	if len(txs) == 0 {
		return ledger.Transaction{}, store.Errorf(store.CodeNotFound, "facility %q has no transaction %d", slug, id)
	}
	return txs[0], nil
}

// Transactions returns a facility's transactions by id.
func (db *DB) Transactions(ctx context.Context, facility string) ([]ledger.Transaction, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	return db.loadTransactions(ctx, db.R, facility, `t.facility_id = ?`, fid)
}

// Transaction returns one transaction of a facility.
func (db *DB) Transaction(ctx context.Context, facility string, id int64) (ledger.Transaction, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return ledger.Transaction{}, err
	}
	return db.transaction(ctx, db.R, fid, facility, id)
}

// PostBatch stores many transactions in one durable database transaction.
func (db *DB) PostBatch(ctx context.Context, txs []ledger.Transaction) ([]store.Posted, error) {
	return db.postBatch(ctx, txs, nil)
}

type fkey struct {
	fid int64
	key string
}

func (db *DB) postBatch(ctx context.Context, txs []ledger.Transaction, mark *Mark) ([]store.Posted, error) {
	out := make([]store.Posted, len(txs))
	rows := make([]*Row, 0, len(txs))
	inBatch := make(map[fkey]int, len(txs))
	var lookups []fkey
	for i := range txs {
		t := &txs[i]
		if err := t.Validate(); err != nil {
			return nil, &store.Error{Code: store.CodeInvalid, Message: fmt.Sprintf("batch item %d: %v", i+1, err), Err: err}
		}
		fid, err := db.facilityID(ctx, db.R, t.Facility)
		if err != nil {
			return nil, err
		}
		h := t.Hash()
		k := fkey{fid, t.Key}
		if j, dup := inBatch[k]; dup {
			if txs[j].Hash() != h {
				return nil, store.Errorf(store.CodeIdempotencyMismatch, "batch items %d and %d use key %q of facility %q for different content", j+1, i+1, t.Key, t.Facility)
			}
			continue
		}
		inBatch[k] = i
		lookups = append(lookups, k)
		out[i].Transaction = *t
		if !t.RecordedAt.IsZero() {
			out[i].Transaction.RecordedAt = store.Truncate(t.RecordedAt) // as stored
		}
		rows = append(rows, &Row{T: &out[i].Transaction, FacilityID: fid, Hash: h})
	}
	existing, err := db.existing(ctx, lookups)
	if err != nil {
		return nil, err
	}
	fresh := rows[:0]
	for _, r := range rows {
		if e, ok := existing[fkey{r.FacilityID, r.T.Key}]; ok {
			if !bytes.Equal(e.hash, r.Hash[:]) {
				return nil, mismatch(r.T, e.id)
			}
			r.T.ID = e.id
			continue
		}
		if r.T.Reverses != 0 {
			if err := db.checkReverses(ctx, db.R, r.FacilityID, r.T); err != nil {
				return nil, err
			}
		}
		fresh = append(fresh, r)
	}
	// posted fills out once the batch is written (its IDs assigned).
	posted := func() {
		isNew := make(map[*ledger.Transaction]bool, len(fresh))
		for _, r := range fresh {
			isNew[r.T] = true
		}
		for i := range txs {
			if j := inBatch[fkey{db.fidOf(txs[i].Facility), txs[i].Key}]; j != i {
				out[i] = store.Posted{Transaction: out[j].Transaction, Replayed: true}
				continue
			}
			out[i].Replayed = !isNew[&out[i].Transaction]
		}
	}
	if mark != nil && mark.close != nil {
		c := mark.close
		mark.Then = func(ctx context.Context, x Exec) error {
			posted()
			opened := false
			if c.Open.Date != 0 {
				var err error
				if opened, err = db.openBusinessDate(ctx, x, c.Open); store.ErrorCode(err) == store.CodeConflict {
					opened = false // already further: left as it is
				} else if err != nil {
					return err
				}
			}
			if c.Triggers != nil {
				if err := db.appendTriggers(ctx, x, *c.Triggers); err != nil {
					return err
				}
			}
			if c.Audit == nil {
				return nil
			}
			rec, err := c.Audit(out, opened)
			if err != nil || rec == nil {
				return err
			}
			_, err = db.appendAudit(ctx, x, *rec)
			return err
		}
	}
	if err := db.D.WriteBatch(ctx, db, fresh, mark); err != nil {
		if db.D.IsUnique(err) {
			return nil, store.Errorf(store.CodeConflict, "batch: a key or reversal was stored concurrently; retry")
		}
		return nil, fmt.Errorf("post batch: %w", err)
	}
	posted()
	return out, nil
}

func (db *DB) fidOf(slug string) int64 {
	db.mu.RLock()
	defer db.mu.RUnlock()
	return db.fids[slug]
}

type stored struct {
	id   int64
	hash []byte
}

// existing looks up stored keys.
func (db *DB) existing(ctx context.Context, keys []fkey) (map[fkey]stored, error) {
	out := map[fkey]stored{}
	fids := make([]int64, len(keys))
	ks := make([]string, len(keys))
	for i, k := range keys {
		fids[i], ks[i] = k.fid, k.key
	}
	err := db.D.LookupKeys(ctx, db, fids, ks, func(fid int64, key string, id int64, hash []byte) {
		out[fkey{fid, key}] = stored{id, hash}
	})
	return out, err
}

// UpdateFacilities implements store.MultiUpdater: one transaction holding
// every named facility's write lock (PostgreSQL: their rows locked in id
// order; SQLite: the single writer), with a Tx per facility on it.
func (db *DB) UpdateFacilities(ctx context.Context, facilities []string, fn func(func(string) (store.Tx, error)) error) error {
	fids := make(map[string]int64, len(facilities))
	ids := make([]int64, 0, len(facilities))
	for _, slug := range facilities {
		fid, err := db.facilityID(ctx, db.R, slug)
		if err != nil {
			return err
		}
		if _, dup := fids[slug]; !dup {
			fids[slug] = fid
			ids = append(ids, fid)
		}
	}
	if len(ids) == 0 {
		return fn(func(slug string) (store.Tx, error) {
			return nil, store.Errorf(store.CodeInvalid, "facility %q is not among the transaction's facilities", slug)
		})
	}
	slices.Sort(ids)
	var missed []string
	defer func() {
		if len(missed) > 0 {
			db.prepareMissed(context.WithoutCancel(ctx), missed)
		}
	}()
	start := time.Now()
	stx, err := db.D.BeginFacility(ctx, db, ids[0])
	if err != nil {
		db.Observed("update_facilities", start, false)
		return fmt.Errorf("facilities: begin: %w", err)
	}
	tx := db.Track("update_facilities", start, stx)
	defer rollback(tx)
	if db.D.Name() == "postgres" && len(ids) > 1 {
		for lo := 1; lo < len(ids); lo += 1000 {
			part := ids[lo:min(lo+1000, len(ids))]
			args := make([]any, len(part))
			for i, id := range part {
				args[i] = id
			}
			rows, err := tx.QueryContext(ctx, db.q(`SELECT id FROM facilities WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`) ORDER BY id FOR UPDATE`), args...)
			if err != nil {
				return err
			}
			rows.Close()
		}
	}
	txs := make(map[string]*facilityTx, len(fids))
	blobs := map[blobRef]string{}
	get := func(slug string) (store.Tx, error) {
		if t, ok := txs[slug]; ok {
			return t, nil
		}
		fid, ok := fids[slug]
		if !ok {
			return nil, store.Errorf(store.CodeInvalid, "facility %q is not among the transaction's facilities", slug)
		}
		f, _, err := scanFacility(tx.QueryRowContext(ctx, db.q(`SELECT id, slug, name, created, settings FROM facilities WHERE id = ?`), fid))
		if err != nil {
			return nil, err
		}
		t := &facilityTx{ctx: ctx, db: db, tx: preparedTx{tx.Tx, db, &missed}, f: f, fid: fid, blobs: blobs}
		txs[slug] = t
		return t, nil
	}
	if err := fn(get); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		if db.D.IsUnique(err) {
			return store.Errorf(store.CodeConflict, "facilities: concurrent write; retry")
		}
		return fmt.Errorf("facilities: commit: %w", err)
	}
	return nil
}
