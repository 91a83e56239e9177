package sqlstore

import (
	"context"
	"database/sql"
	"slices"

	"revolver/date"
	"revolver/ledger"
	"revolver/money"
	"revolver/store"
)

// AccrualState reads every facility's accrual position with a few set
// queries (not one query per facility) whose cost does not grow with the
// ledger's length: from the balances the last commit carried
// (facilities.accrued_loans and accrued_receivable, as of accrued_through
// over the postings up to accrued_seen), the postings stored since (by
// transaction id) and those dated in the days the run covers (by value
// date). A facility without carried balances (never closed, or closed
// further than through) is read from all its postings.
func (db *DB) AccrualState(ctx context.Context, through date.Date) ([]store.AccrualState, error) {
	tx, err := db.R.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer rollback(tx)
	rows, err := tx.QueryContext(ctx, `SELECT id, slug, accrued_through, accrued_seen, accrued_loans, accrued_receivable FROM facilities ORDER BY id`)
	if err != nil {
		return nil, err
	}
	var out []store.AccrualState
	// carried[i] are out[i]'s carried balances (when out[i].Guard.Carried).
	type balances struct{ loans, receivable money.Amount }
	var carried []balances
	idx := map[int64]int{}
	needFirst, needFull := false, false
	minSeen := int64(-1) // over the facilities accrued
	for rows.Next() {
		var id, seen int64
		var s store.AccrualState
		var at Date
		var loans, receivable sql.NullInt64
		if err := rows.Scan(&id, &s.Facility, &at, &seen, &loans, &receivable); err != nil {
			rows.Close()
			return nil, err
		}
		if at.Valid {
			s.AccruedThrough = at.D
			if minSeen < 0 || seen < minSeen {
				minSeen = seen
			}
		} else {
			needFirst = true
		}
		s.Guard = store.AccrualGuard{Seen: seen, Carried: at.Valid && at.D <= through && loans.Valid && receivable.Valid}
		needFull = needFull || !s.Guard.Carried
		db.remember(s.Facility, id)
		idx[id] = len(out)
		out = append(out, s)
		carried = append(carried, balances{money.Amount(loans.Int64), money.Amount(receivable.Int64)})
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
	// The Loans and interest receivable postings stored since the last
	// commit of each facility accrued (ids above accrued_seen), by
	// facility and transaction: the Loans ones dated on a day it had
	// accrued are late.
	type since struct {
		i      int
		loans  bool
		day    date.Date
		amount money.Amount
	}
	var stored []since
	if minSeen >= 0 {
		err := postingRows(ctx, tx, db.q(postingsSince+`SELECT p.facility_id, p.tx_id, p.account, p.value_date, p.amount FROM p JOIN facilities f ON f.id = p.facility_id
WHERE f.accrued_through IS NOT NULL AND p.tx_id > f.accrued_seen
ORDER BY p.facility_id, p.tx_id`), []any{minSeen}, func(id, txID int64, account string, day date.Date, amount money.Amount) {
			i, ok := idx[id]
			if !ok {
				return
			}
			st := &out[i]
			p := since{i: i, loans: account == loans, day: day, amount: amount}
			stored = append(stored, p)
			if !p.loans || p.day > st.AccruedThrough {
				return
			}
			if n := len(st.Late); n > 0 && st.Late[n-1].TxID == txID {
				st.Late[n-1].Amount += p.amount
				st.Late[n-1].Day = min(st.Late[n-1].Day, p.day)
			} else {
				st.Late = append(st.Late, store.LatePosting{TxID: txID, Day: p.day, Amount: p.amount})
			}
		})
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Late = slices.DeleteFunc(out[i].Late, func(l store.LatePosting) bool { return l.Amount == 0 })
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
	// A facility with carried balances: the Loans balance at the end of
	// the day before from and the interest receivable at through are the
	// carried ones (as of accrued_through, the postings up to
	// accrued_seen), with the postings stored since and, below, those
	// dated between accrued_through and the day.
	for i := range out {
		out[i].From = from
		if out[i].Guard.Carried {
			out[i].Opening, out[i].InterestReceivable = carried[i].loans, carried[i].receivable
		}
	}
	// (A Loans posting stored since is dated on or after from: a late one
	// sets from, the others are dated after accrued_through. The Deltas
	// below have it.)
	for _, p := range stored {
		st := &out[p.i]
		if !st.Guard.Carried || p.day > through {
			continue
		}
		st.Guard.Postings++
		if !p.loans {
			st.InterestReceivable += p.amount
		}
	}
	// The postings dated in the days the run covers: the Loans ones are
	// the Deltas; those a facility's carried balances already hold (ids
	// up to accrued_seen) are taken off the opening (dated on or before
	// accrued_through) or added to the interest receivable (after it).
	// When every facility is accrued through the day (or has no loans), no
	// day needs them.
	if from <= through {
		err := postingRows(ctx, tx, db.q(`SELECT facility_id, tx_id, account, value_date, amount FROM postings
WHERE account IN ('loans', 'interest_receivable') AND value_date >= ? AND value_date <= ? ORDER BY facility_id, value_date`),
			[]any{db.D.Date(from), db.D.Date(through)}, func(id, txID int64, account string, day date.Date, a money.Amount) {
				i, ok := idx[id]
				if !ok {
					return
				}
				st := &out[i]
				isLoans := account == loans
				if isLoans {
					if n := len(st.Deltas); n > 0 && st.Deltas[n-1].Day == day {
						st.Deltas[n-1].Amount += a
					} else {
						st.Deltas = append(st.Deltas, store.DayAmount{Day: day, Amount: a})
					}
				}
				if !st.Guard.Carried || txID > st.Guard.Seen {
					return
				}
				switch {
				case isLoans && day <= st.AccruedThrough:
					st.Opening -= a
				case !isLoans && day > st.AccruedThrough:
					st.InterestReceivable += a
				}
			})
		if err != nil {
			return nil, err
		}
		for i := range out {
			out[i].Deltas = slices.DeleteFunc(out[i].Deltas, func(d store.DayAmount) bool { return d.Amount == 0 })
		}
	}
	// A facility without carried balances: from all its postings.
	if needFull {
		rows, err := tx.QueryContext(ctx, db.q(`SELECT facility_id, account,
	coalesce(sum(CASE WHEN value_date < ? THEN amount ELSE 0 END), 0),
	coalesce(sum(CASE WHEN value_date <= ? THEN amount ELSE 0 END), 0),
	count(CASE WHEN value_date <= ? THEN 1 END)
FROM postings WHERE account IN ('loans', 'interest_receivable') AND facility_id IN (SELECT id FROM facilities
	WHERE accrued_through IS NULL OR accrued_through > ? OR accrued_loans IS NULL OR accrued_receivable IS NULL)
GROUP BY facility_id, account`), db.D.Date(from), db.D.Date(through), db.D.Date(through), db.D.Date(through))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, before, upTo, n int64
			var account string
			if err := rows.Scan(&id, &account, &before, &upTo, &n); err != nil {
				rows.Close()
				return nil, err
			}
			i, ok := idx[id]
			if !ok || out[i].Guard.Carried {
				continue
			}
			st := &out[i]
			st.Guard.Postings += n
			if account == loans {
				st.Opening = money.Amount(before)
			} else {
				st.InterestReceivable = money.Amount(upTo)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// postingRows calls fn with each row of query, whose columns are a
// posting's facility id, transaction id, account, value date and amount.
func postingRows(ctx context.Context, tx *sql.Tx, query string, args []any, fn func(facility, txID int64, account string, day date.Date, amount money.Amount)) error {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id, txID, v int64
		var account string
		var d Date
		if err := rows.Scan(&id, &txID, &account, &d, &v); err != nil {
			return err
		}
		fn(id, txID, account, d.D, money.Amount(v))
	}
	return rows.Err()
}

// Counts reads rows of (facility id, count) into a map; the caller
// closes rows (each dialect's own driver type).
func Counts(rows interface {
	Next() bool
	Scan(dest ...any) error
	Err() error
}) (map[int64]int64, error) {
	out := map[int64]int64{}
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		out[id] = n
	}
	return out, rows.Err()
}

// CommitAccrual posts accruals, marks facilities accrued through a day
// and, with c, opens the next business date and appends the run's audit
// record, all in the batch's one database transaction. The balances it
// carries for each facility are those the state read (the Loans balance
// at the end of through, the interest receivable) with the accruals'.
func (db *DB) CommitAccrual(ctx context.Context, through date.Date, states []store.AccrualState, txs []ledger.Transaction, c *store.AccrualClose) ([]store.Posted, error) {
	if c != nil && c.Open.Date != 0 {
		if err := validBusinessDay(c.Open); err != nil {
			return nil, err
		}
	}
	m := &Mark{Through: through, FacilityIDs: make([]int64, 0, len(states)), Guards: make(map[int64]store.AccrualGuard, len(states)),
		carry: make(map[int64]Carried, len(states)), close: c}
	for _, st := range states {
		fid, err := db.facilityID(ctx, db.R, st.Facility)
		if err != nil {
			return nil, err
		}
		m.FacilityIDs = append(m.FacilityIDs, fid)
		m.Guards[fid] = st.Guard
		loans := st.Opening
		for _, d := range st.Deltas {
			if d.Day <= through {
				loans += d.Amount
			}
		}
		m.carry[fid] = Carried{Loans: int64(loans), Receivable: int64(st.InterestReceivable)}
	}
	return db.postBatch(ctx, txs, m)
}

// Carried are the balances a close of business carries for a facility
// (facilities.accrued_loans and accrued_receivable).
type Carried struct{ Loans, Receivable int64 }

// Carry returns, in the order of m.FacilityIDs, the balances to carry:
// those read with the postings of rows (the batch's new transactions)
// dated on or before m.Through.
func (m *Mark) Carry(rows []*Row) (ids, loans, receivable []int64) {
	c := make(map[int64]Carried, len(m.carry))
	for id, v := range m.carry {
		c[id] = v
	}
	for _, r := range rows {
		v, ok := c[r.FacilityID]
		if !ok || r.T.ValueDate > m.Through {
			continue
		}
		for _, p := range r.T.Postings {
			switch p.Account {
			case ledger.Loans:
				v.Loans += int64(p.Amount)
			case ledger.InterestReceivable:
				v.Receivable += int64(p.Amount)
			}
		}
		c[r.FacilityID] = v
	}
	ids = m.FacilityIDs
	loans, receivable = make([]int64, len(ids)), make([]int64, len(ids))
	for i, id := range ids {
		loans[i], receivable[i] = c[id].Loans, c[id].Receivable
	}
	return ids, loans, receivable
}

// GuardSince counts, per facility, the Loans and interest receivable
// postings with ids above the facility's accrued_seen dated on or before
// a day (arguments: the smallest accrued_seen of the facilities counted,
// the day): what an AccrualGuard with Carried counts.
const GuardSince = postingsSince + `SELECT p.facility_id, count(*) FROM p JOIN facilities f ON f.id = p.facility_id
WHERE p.tx_id > f.accrued_seen AND p.value_date <= ?
GROUP BY p.facility_id`

// postingsSince names p the Loans and interest receivable postings with
// ids above its argument, read by the primary key's range (materialised:
// a planner joining the postings to the facilities would otherwise scan
// an index of every posting to save a sort).
const postingsSince = `WITH p AS MATERIALIZED (SELECT facility_id, tx_id, account, value_date, amount FROM postings
WHERE tx_id > ? AND account IN ('loans', 'interest_receivable')) `

// GuardAll counts, per facility of a list, the Loans and interest
// receivable postings dated on or before a day (arguments: the day, the
// list; the dialect appends the condition on facility_id that takes the
// list, then GuardAllEnd): what an AccrualGuard without Carried counts.
const GuardAll = `SELECT facility_id, count(*) FROM postings WHERE account IN ('loans', 'interest_receivable') AND value_date <= ? AND facility_id `

// GuardAllEnd ends GuardAll.
const GuardAllEnd = ` GROUP BY facility_id`

// Guarded returns what the guards of m count: the smallest Seen of the
// carried ones (-1 if none) and the facilities counted in full.
func (m *Mark) Guarded() (minSeen int64, full []int64) {
	minSeen = -1
	for _, id := range m.FacilityIDs {
		g := m.Guards[id]
		if !g.Carried {
			full = append(full, id)
		} else if minSeen < 0 || g.Seen < minSeen {
			minSeen = g.Seen
		}
	}
	return minSeen, full
}

// SeenUpdate records, for the facilities a close of business marks, the
// largest transaction id stored (accrued_seen): every Loans posting of
// theirs stored later has a larger id, since postings through Update lock
// the facility before taking an id. The dialect appends the WHERE clause
// naming the facilities. It runs after the run's own postings are written
// (so its capitalisations are not late), under the facilities' lock.
const SeenUpdate = `UPDATE facilities SET accrued_seen = (SELECT coalesce(max(id), 0) FROM transactions)`
