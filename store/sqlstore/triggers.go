package sqlstore

import (
	"context"
	"fmt"
	"strings"
	"time"

	"revolver/store"
)

// TriggerStates returns the latest state of every trigger of the
// facilities (nil: every facility), by facility and trigger: one
// statement, each latest state found by the primary key, so that its
// cost grows with the triggers, not with the days of states kept.
func (db *DB) TriggerStates(ctx context.Context, facilities []string) ([]store.TriggerState, error) {
	q := `SELECT f.slug, k.trigger_name, s.day, s.state, s.recorded_at FROM trigger_keys k
		JOIN facilities f ON f.id = k.facility_id
		JOIN trigger_states s ON s.facility_id = k.facility_id AND s.trigger_name = k.trigger_name
			AND s.day = (SELECT max(x.day) FROM trigger_states x WHERE x.facility_id = k.facility_id AND x.trigger_name = k.trigger_name)`
	if db.D.Name() == "postgres" {
		// PostgreSQL plans the form above, for every facility, as a hash
		// join over every state kept (4.0 s for 200,000 triggers with ten
		// days of states, growing by the day); a lateral lookup reads the
		// latest of each by its key (1.0 s, whatever the days).
		q = `SELECT f.slug, k.trigger_name, s.day, s.state, s.recorded_at FROM trigger_keys k
		JOIN facilities f ON f.id = k.facility_id
		CROSS JOIN LATERAL (SELECT x.day, x.state, x.recorded_at FROM trigger_states x
			WHERE x.facility_id = k.facility_id AND x.trigger_name = k.trigger_name ORDER BY x.day DESC LIMIT 1) s`
	}
	var args []any
	if len(facilities) == 1 {
		fid, err := db.facilityID(ctx, db.R, facilities[0])
		if err != nil {
			return nil, err
		}
		q += ` WHERE k.facility_id = ?`
		args = append(args, fid)
	}
	var want map[string]bool
	if len(facilities) > 1 {
		want = make(map[string]bool, len(facilities))
		for _, f := range facilities {
			want[f] = true
		}
	}
	q = strings.Replace(q, `SELECT f.slug,`, `SELECT k.facility_id, f.slug,`, 1)
	rows, err := db.R.QueryContext(ctx, db.q(q+` ORDER BY f.slug, k.trigger_name`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TriggerState
	if facilities == nil {
		out = make([]store.TriggerState, 0, 1024)
	}
	for rows.Next() {
		var s store.TriggerState
		var d Date
		var at Time
		var state string
		var fid int64
		if err := rows.Scan(&fid, &s.Facility, &s.Trigger, &d, &state, &at); err != nil {
			return nil, err
		}
		// The key is committed: appendTriggers need not list it again.
		db.triggerKeys.Store(triggerKey{fid, s.Trigger}, true)
		if want != nil && !want[s.Facility] {
			continue
		}
		s.Day, s.State, s.RecordedAt = d.D, []byte(state), at.T
		out = append(out, s)
	}
	return out, rows.Err()
}

// TriggerEvents lists a facility's trigger events recorded at or before
// knownAt (zero: all), by day, then id.
func (db *DB) TriggerEvents(ctx context.Context, facility string, knownAt time.Time) ([]store.TriggerEvent, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	q := `SELECT id, trigger_name, event, day, reason, explain, recorded_at FROM trigger_events WHERE facility_id = ?`
	args := []any{fid}
	if !knownAt.IsZero() {
		q += ` AND recorded_at <= ?`
		args = append(args, db.D.Time(store.Truncate(knownAt)))
	}
	rows, err := db.R.QueryContext(ctx, db.q(q+` ORDER BY day, id`), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.TriggerEvent
	for rows.Next() {
		e := store.TriggerEvent{Facility: facility}
		var d Date
		var at Time
		var ex string
		if err := rows.Scan(&e.ID, &e.Trigger, &e.Event, &d, &e.Reason, &ex, &at); err != nil {
			return nil, err
		}
		e.Day, e.RecordedAt = d.D, at.T
		if ex != "" {
			e.Explain = []byte(ex)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AppendTriggers appends states and events in one database transaction.
func (db *DB) AppendTriggers(ctx context.Context, t store.Triggers) error {
	tx, err := db.begin(ctx, "append_triggers", nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := db.appendTriggers(ctx, TxExec{tx}, t); err != nil {
		return err
	}
	return tx.Commit()
}

// triggerKey is a facility's trigger; DB.triggerKeys holds those read
// from the database (committed, so never inserted again: keys are never
// deleted).
type triggerKey struct {
	fid  int64
	name string
}

// rowsPerInsert is how many rows one INSERT statement writes.
const rowsPerInsert = 400

// appendTriggers writes t in the transaction of x: the keys not yet
// listed, the states and the events, many rows per statement.
func (db *DB) appendTriggers(ctx context.Context, x Exec, t store.Triggers) error {
	keys := map[triggerKey]bool{}
	var keyList []triggerKey
	fidOf := func(slug, name string) (int64, error) {
		fid, err := db.facilityID(ctx, db.R, slug)
		if err != nil {
			return 0, err
		}
		if k := (triggerKey{fid, name}); !keys[k] {
			keys[k] = true
			if _, listed := db.triggerKeys.Load(k); !listed {
				keyList = append(keyList, k)
			}
		}
		return fid, nil
	}
	states := make([]any, 0, 5*len(t.States))
	for _, s := range t.States {
		if s.Facility == "" || s.Trigger == "" || s.Day == 0 || len(s.State) == 0 || s.RecordedAt.IsZero() {
			return store.Errorf(store.CodeInvalid, "trigger state %q of facility %q on %s: facility, trigger, day, state and recorded time are required", s.Trigger, s.Facility, s.Day)
		}
		fid, err := fidOf(s.Facility, s.Trigger)
		if err != nil {
			return err
		}
		states = append(states, fid, s.Trigger, db.D.Date(s.Day), string(s.State), db.D.Time(store.Truncate(s.RecordedAt)))
	}
	events := make([]any, 0, 7*len(t.Events))
	for _, e := range t.Events {
		if e.Event != store.TriggerStart && e.Event != store.TriggerEnd {
			return store.Errorf(store.CodeInvalid, "trigger event of facility %q on %s: event %q, expected start or end", e.Facility, e.Day, e.Event)
		}
		if e.Facility == "" || e.Trigger == "" || e.Day == 0 || e.Reason == "" || e.RecordedAt.IsZero() {
			return store.Errorf(store.CodeInvalid, "trigger event %q of facility %q on %s: facility, trigger, day, reason and recorded time are required", e.Trigger, e.Facility, e.Day)
		}
		fid, err := fidOf(e.Facility, e.Trigger)
		if err != nil {
			return err
		}
		events = append(events, fid, e.Trigger, e.Event, db.D.Date(e.Day), e.Reason, string(e.Explain), db.D.Time(store.Truncate(e.RecordedAt)))
	}
	for _, e := range t.Notify {
		if err := checkEvent(e); err != nil {
			return err
		}
		if _, err := x.Exec(ctx, db.q(`INSERT INTO notification_events (key, kind, facility, subject, at, text, link)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`),
			e.Key, e.Kind, e.Facility, e.Subject, db.D.Time(store.Truncate(e.At)), e.Text, e.Link); err != nil {
			return fmt.Errorf("event %q: %w", e.Key, err)
		}
	}
	kargs := make([]any, 0, 2*len(keyList))
	for _, k := range keyList {
		kargs = append(kargs, k.fid, k.name)
	}
	if err := db.insertRows(ctx, x, `INSERT INTO trigger_keys (facility_id, trigger_name) VALUES `, ` ON CONFLICT DO NOTHING`, 2, kargs); err != nil {
		return err
	}
	if err := db.appendRows(ctx, x, "trigger_states", []string{"facility_id", "trigger_name", "day", "state", "recorded_at"}, states); err != nil {
		if db.D.IsUnique(err) {
			return store.Errorf(store.CodeConflict, "trigger states: a state of the same facility, trigger and day is stored")
		}
		return err
	}
	return db.appendRows(ctx, x, "trigger_events", []string{"facility_id", "trigger_name", "event", "day", "reason", "explain", "recorded_at"}, events)
}

// appendRows inserts args, len(cols) values per row, into table: COPYed
// where x can (Copier), else in multi-row INSERTs.
func (db *DB) appendRows(ctx context.Context, x Exec, table string, cols []string, args []any) error {
	if len(args) == 0 {
		return nil
	}
	if c, ok := x.(Copier); ok {
		n := len(cols)
		return c.CopyRows(ctx, table, cols, len(args)/n, func(i int) []any { return args[i*n : (i+1)*n] })
	}
	return db.insertRows(ctx, x, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ", "", len(cols), args)
}

// insertRows inserts args, cols values per row, rowsPerInsert rows per
// statement of head (VALUES …) tail.
func (db *DB) insertRows(ctx context.Context, x Exec, head, tail string, cols int, args []any) error {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	for len(args) > 0 {
		n := min(len(args)/cols, rowsPerInsert)
		var b strings.Builder
		b.WriteString(head)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(row)
		}
		b.WriteString(tail)
		if _, err := x.Exec(ctx, db.q(b.String()), args[:n*cols]...); err != nil {
			return err
		}
		args = args[n*cols:]
	}
	return nil
}
