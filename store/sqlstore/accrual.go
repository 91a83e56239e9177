package sqlstore

import (
	"context"
	"database/sql"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// AccrualState reads every facility's accrual position with a few grouped
// queries (not one query per facility).
func (db *DB) AccrualState(ctx context.Context, through date.Date) ([]store.AccrualState, error) {
	tx, err := db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	rows, err := tx.QueryContext(ctx, `SELECT id, slug, accrued_through FROM facilities ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []store.AccrualState
	idx := map[int64]int{}
	needFirst := false
	for rows.Next() {
		var id int64
		var s store.AccrualState
		var at Date
		if err := rows.Scan(&id, &s.Facility, &at); err != nil {
			rows.Close()
			return nil, err
		}
		if at.Valid {
			s.AccruedThrough = at.D
		} else {
			needFirst = true
		}
		db.remember(s.Facility, id)
		idx[id] = len(out)
		out = append(out, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	grouped := func(q string, args []any, fn func(i int, d Date, v int64)) error {
		rows, err := tx.QueryContext(ctx, db.q(q), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, v int64
			var d Date
			if err := rows.Scan(&id, &d, &v); err != nil {
				return err
			}
			if i, ok := idx[id]; ok {
				fn(i, d, v)
			}
		}
		return rows.Err()
	}
	loans := string(ledger.Loans)
	if needFirst {
		// The first loan of either tranche (a last-out loan may come
		// first: its interest accrues from it).
		err := grouped(`SELECT facility_id, min(value_date), 0 FROM postings WHERE account IN (?, ?) AND facility_id IN (SELECT id FROM facilities WHERE accrued_through IS NULL) GROUP BY facility_id`,
			[]any{loans, string(ledger.LoansLastOut)}, func(i int, d Date, _ int64) { out[i].FirstActivity = d.D })
		if err != nil {
			return nil, err
		}
	}
	// Loans postings stored after the last run and dated on a day it had
	// accrued.
	{
		rows, err := tx.QueryContext(ctx, db.q(`SELECT p.facility_id, p.tx_id, min(p.value_date), sum(p.amount) FROM postings p JOIN facilities f ON f.id = p.facility_id
WHERE p.tx_id > (SELECT coalesce(min(accrued_seen), 0) FROM facilities WHERE accrued_through IS NOT NULL)
AND p.account = ? AND f.accrued_through IS NOT NULL AND p.tx_id > f.accrued_seen AND p.value_date <= f.accrued_through
GROUP BY p.facility_id, p.tx_id ORDER BY p.facility_id, p.tx_id`), loans)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, txID, v int64
			var d Date
			if err := rows.Scan(&id, &txID, &d, &v); err != nil {
				rows.Close()
				return nil, err
			}
			if i, ok := idx[id]; ok && v != 0 {
				out[i].Late = append(out[i].Late, store.LatePosting{TxID: txID, Day: d.D, Amount: money.Amount(v)})
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	// The first day any facility still needs.
	from := through + 1
	for i := range out {
		for _, l := range out[i].Late {
			from = min(from, l.Day)
		}
	}
	for i := range out {
		s := &out[i]
		start := s.AccruedThrough + 1
		if s.AccruedThrough == 0 {
			if s.FirstActivity == 0 {
				continue
			}
			start = s.FirstActivity
		}
		from = min(from, start)
	}
	for i := range out {
		out[i].From = from
	}
	err = grouped(`SELECT facility_id, min(value_date), sum(amount) FROM postings WHERE account = ? AND value_date < ? GROUP BY facility_id`,
		[]any{loans, db.D.Date(from)}, func(i int, _ Date, v int64) { out[i].Opening = money.Amount(v) })
	if err != nil {
		return nil, err
	}
	// When every facility is accrued through the day (or has no loans), no
	// day needs Deltas; the counts below are still what CommitAccrual
	// checks, for a run of this day too.
	if from <= through {
		err = grouped(`SELECT facility_id, value_date, sum(amount) FROM postings WHERE account = ? AND value_date >= ? AND value_date <= ? GROUP BY facility_id, value_date ORDER BY facility_id, value_date`,
			[]any{loans, db.D.Date(from), db.D.Date(through)}, func(i int, d Date, v int64) {
				if v != 0 {
					out[i].Deltas = append(out[i].Deltas, store.DayAmount{Day: d.D, Amount: money.Amount(v)})
				}
			})
		if err != nil {
			return nil, err
		}
	}
	err = grouped(`SELECT facility_id, min(value_date), sum(amount) FROM postings WHERE account = ? AND value_date <= ? GROUP BY facility_id`,
		[]any{string(ledger.InterestReceivable), db.D.Date(through)}, func(i int, _ Date, v int64) { out[i].InterestReceivable = money.Amount(v) })
	if err != nil {
		return nil, err
	}
	err = grouped(`SELECT facility_id, min(value_date), count(*) FROM postings WHERE account = ? AND value_date <= ? GROUP BY facility_id`,
		[]any{loans, db.D.Date(through)}, func(i int, _ Date, v int64) { out[i].LoansPostings = v })
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CommitAccrual posts accruals, marks facilities accrued through a day
// and, with c, opens the next business date and appends the run's audit
// record, all in the batch's one database transaction.
func (db *DB) CommitAccrual(ctx context.Context, through date.Date, states []store.AccrualState, txs []ledger.Transaction, c *store.AccrualClose) ([]store.Posted, error) {
	if c != nil && c.Open.Date != 0 {
		if err := validBusinessDay(c.Open); err != nil {
			return nil, err
		}
	}
	m := &Mark{Through: through, FacilityIDs: make([]int64, 0, len(states)), Expected: make(map[int64]int64, len(states)), close: c}
	for _, st := range states {
		fid, err := db.facilityID(ctx, db.R, st.Facility)
		if err != nil {
			return nil, err
		}
		m.FacilityIDs = append(m.FacilityIDs, fid)
		m.Expected[fid] = st.LoansPostings
	}
	return db.postBatch(ctx, txs, m)
}

// LoansCountQuery counts Loans postings per facility up to a date (one
// argument: the date).
const LoansCountQuery = `SELECT facility_id, count(*) FROM postings WHERE account = 'loans' AND value_date <= ? GROUP BY facility_id`

// SeenUpdate records, for the facilities a close of business marks, the
// largest transaction id stored (accrued_seen): every Loans posting of
// theirs stored later has a larger id, since postings through Update lock
// the facility before taking an id. The dialect appends the WHERE clause
// naming the facilities. It runs after the run's own postings are written
// (so its capitalisations are not late), under the facilities' lock.
const SeenUpdate = `UPDATE facilities SET accrued_seen = (SELECT coalesce(max(id), 0) FROM transactions)`
