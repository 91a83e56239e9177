package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/money"
	"revolver/store"
)

var _ store.Accounts = (*DB)(nil)

// CreateUser stores a user.
func (db *DB) CreateUser(ctx context.Context, u store.User) (store.User, error) {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return u, store.Errorf(store.CodeInvalid, "user email %q: expected an email address", u.Email)
	}
	if !store.ValidRole(u.Role) {
		return u, store.Errorf(store.CodeInvalid, "user %s: role %q: expected one of %s", u.Email, u.Role, strings.Join(store.Roles, ", "))
	}
	u.Created = store.Truncate(u.Created)
	err := db.W.QueryRowContext(ctx, db.q(`INSERT INTO users (email, role, password_hash, created) VALUES (?, ?, ?, ?) RETURNING id`),
		u.Email, u.Role, u.PasswordHash, db.D.Time(u.Created)).Scan(&u.ID)
	if db.D.IsUnique(err) {
		return u, store.Errorf(store.CodeConflict, "a user with email %s exists", u.Email)
	}
	if err != nil {
		return u, fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return u, nil
}

func (db *DB) scanUser(ctx context.Context, where string, args ...any) (store.User, error) {
	c, err := db.scanCaller(ctx, `u.created`, where, args...)
	return c.User, err
}

// scanCaller is scanUser with the accounts' version of the same snapshot
// and expires, an SQL expression over u (its arguments lead args), read as
// the caller's expiry.
func (db *DB) scanCaller(ctx context.Context, expires, where string, args ...any) (store.Caller, error) {
	// One statement (prepared on SQLite): the user and the facilities it
	// may see, one row per facility. Users are read on every request that
	// carries a token or a session, so this is a hot read.
	var c store.Caller
	u := &c.User
	q := `SELECT u.id, u.email, ` + roleCol + `, ` + passwordCol + `, u.created, ` + disabledCol + `, ` + mustChangeCol + `, f.slug, ` +
		expires + `, (SELECT n FROM access_version) FROM users u
		LEFT JOIN ` + grantsTable + ` g ON g.user_id = u.id LEFT JOIN facilities f ON f.id = g.facility_id
		WHERE ` + where + ` ORDER BY f.slug`
	var rows *sql.Rows
	st, err := db.readStmt(ctx, q)
	if err == nil && st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = db.R.QueryContext(ctx, db.q(q), args...)
	}
	if err != nil {
		return c, fmt.Errorf("user: %w", err)
	}
	defer rows.Close()
	found := false
	for rows.Next() {
		var created, exp Time
		var slug sql.NullString
		if err := rows.Scan(&u.ID, &u.Email, &u.Role, &u.PasswordHash, &created, &u.Disabled, &u.MustChangePassword, &slug, &exp, &c.Access); err != nil {
			return c, fmt.Errorf("user: %w", err)
		}
		found, u.Created, c.Expires = true, created.T, exp.T
		if slug.Valid {
			u.Facilities = append(u.Facilities, slug.String)
		}
	}
	if err := rows.Err(); err != nil {
		return c, fmt.Errorf("user: %w", err)
	}
	if !found {
		return store.Caller{}, store.Errorf(store.CodeNotFound, "user not found")
	}
	return c, nil
}

// UserByEmail finds a user by email (case-insensitive).
func (db *DB) UserByEmail(ctx context.Context, email string) (store.User, error) {
	return db.scanUser(ctx, `u.email = ?`, strings.ToLower(strings.TrimSpace(email)))
}

// UserByID finds a user by id.
func (db *DB) UserByID(ctx context.Context, id int64) (store.User, error) {
	return db.scanUser(ctx, `u.id = ?`, id)
}

// GrantFacility lets a user see a facility.
func (db *DB) GrantFacility(ctx context.Context, userID int64, facility string) error {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return err
	}
	if _, err := db.UserByID(ctx, userID); err != nil {
		return err
	}
	var changed int
	if err := db.R.QueryRowContext(ctx, db.q(`SELECT count(*) FROM user_roles WHERE user_id = ?`), userID).Scan(&changed); err != nil {
		return fmt.Errorf("grant facility %s: %w", facility, err)
	}
	if changed > 0 {
		// The user's grants are those of their latest change of access:
		// a grant is a change too.
		u, err := db.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		if slices.Contains(u.Facilities, facility) {
			return nil
		}
		_, err = db.SetAccess(ctx, userID, u.Role, append(u.Facilities, facility), time.Now(), nil)
		return err
	}
	_, err = db.W.ExecContext(ctx, db.q(`INSERT INTO user_facilities (user_id, facility_id) VALUES (?, ?) ON CONFLICT DO NOTHING`), userID, fid)
	if err != nil {
		return fmt.Errorf("grant facility %s: %w", facility, err)
	}
	return nil
}

// CreateToken stores a token's hash.
func (db *DB) CreateToken(ctx context.Context, userID int64, h string, at, expires time.Time) error {
	if !expires.After(at) {
		return store.Errorf(store.CodeInvalid, "token: expires %s: expected after its creation %s", expires.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	_, err := db.W.ExecContext(ctx, db.q(`INSERT INTO api_tokens (sha256, user_id, created, expires) VALUES (?, ?, ?, ?)`), h, userID, db.D.Time(store.Truncate(at)), db.D.Time(store.Truncate(expires)))
	if db.D.IsUnique(err) {
		return store.Errorf(store.CodeConflict, "token exists")
	}
	if err != nil {
		return fmt.Errorf("create token: %w", err)
	}
	return nil
}

// UserByToken finds the user of a token valid at now, in one statement:
// a token revoked or expired, or of a disabled user, is not found.
func (db *DB) UserByToken(ctx context.Context, h string, now time.Time) (store.User, error) {
	c, err := db.TokenCaller(ctx, h, now)
	return c.User, err
}

// TokenCaller is UserByToken with the token's expiry and the accounts'
// version, in the same statement.
func (db *DB) TokenCaller(ctx context.Context, h string, now time.Time) (store.Caller, error) {
	c, err := db.scanCaller(ctx, `(SELECT t.expires FROM api_tokens t WHERE t.sha256 = ?)`,
		`u.id = (SELECT t.user_id FROM api_tokens t WHERE t.sha256 = ? AND t.expires > ?
		AND NOT EXISTS (SELECT 1 FROM token_revocations r WHERE r.sha256 = t.sha256))`, h, h, db.D.Time(store.Truncate(now)))
	if err == nil && c.User.Disabled {
		return store.Caller{}, store.Errorf(store.CodeNotFound, "user not found")
	}
	return c, err
}

// CreateSession stores a session.
func (db *DB) CreateSession(ctx context.Context, s store.Session) error {
	_, err := db.W.ExecContext(ctx, db.q(`INSERT INTO sessions (sha256, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)`),
		s.IDSHA256, s.UserID, s.CSRF, db.D.Time(store.Truncate(s.Created)), db.D.Time(store.Truncate(s.Expires)))
	if err != nil {
		return fmt.Errorf("create session: %w", err)
	}
	return nil
}

// Session returns a live session.
func (db *DB) Session(ctx context.Context, h string, now time.Time) (store.Session, error) {
	s := store.Session{IDSHA256: h}
	var created, expires Time
	err := db.R.QueryRowContext(ctx, db.q(`SELECT user_id, csrf, created, expires FROM sessions WHERE sha256 = ?`), h).
		Scan(&s.UserID, &s.CSRF, &created, &expires)
	if errors.Is(err, sql.ErrNoRows) {
		return s, store.Errorf(store.CodeNotFound, "session not found")
	}
	if err != nil {
		return s, fmt.Errorf("session: %w", err)
	}
	s.Created, s.Expires = created.T, expires.T
	if !now.Before(s.Expires) {
		return s, store.Errorf(store.CodeNotFound, "session expired")
	}
	return s, nil
}

// DeleteSession ends a session.
func (db *DB) DeleteSession(ctx context.Context, h string) error {
	_, err := db.W.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE sha256 = ?`), h)
	return err
}

// IdempotentResponse returns a kept response.
func (db *DB) IdempotentResponse(ctx context.Context, userID int64, key string) (store.IdempotentResponse, error) {
	return db.idem(ctx, db.R, userID, key)
}

func (db *DB) idem(ctx context.Context, q querier, userID int64, key string) (store.IdempotentResponse, error) {
	r := store.IdempotentResponse{UserID: userID, Key: key}
	var created Time
	err := q.QueryRowContext(ctx, db.q(`SELECT request_hash, status, body, created FROM idempotent_responses WHERE user_id = ? AND key = ?`), userID, key).
		Scan(&r.RequestHash, &r.Status, &r.Body, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return r, store.Errorf(store.CodeNotFound, "no response kept for idempotency key %q", key)
	}
	if err != nil {
		return r, fmt.Errorf("idempotency key %q: %w", key, err)
	}
	r.Created = created.T
	return r, nil
}

// PutIdempotentResponse keeps a response unless one is kept already.
func (db *DB) PutIdempotentResponse(ctx context.Context, r store.IdempotentResponse) (store.IdempotentResponse, bool, error) {
	if r.Body == nil {
		r.Body = []byte{}
	}
	res, err := db.W.ExecContext(ctx, db.q(`INSERT INTO idempotent_responses (user_id, key, request_hash, status, body, created) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
		r.UserID, r.Key, r.RequestHash, r.Status, r.Body, db.D.Time(store.Truncate(r.Created)))
	if err != nil {
		return r, false, fmt.Errorf("keep response for idempotency key %q: %w", r.Key, err)
	}
	if n, _ := res.RowsAffected(); n == 1 {
		return r, true, nil
	}
	kept, err := db.idem(ctx, db.W, r.UserID, r.Key)
	return kept, false, err
}

const pendingCols = `p.id, f.slug, p.kind, p.payload, p.status, p.requested_by, p.requested_at, p.decided_by, p.decided_at, p.comment`

func scanPending(sc interface{ Scan(...any) error }) (store.Pending, error) {
	var p store.Pending
	var req, dec Time
	var by, comment sql.NullString
	var payload []byte
	err := sc.Scan(&p.ID, &p.Facility, &p.Kind, &payload, &p.Status, &p.RequestedBy, &req, &by, &dec, &comment)
	p.Payload, p.RequestedAt, p.DecidedAt, p.DecidedBy, p.Comment = payload, req.T, dec.T, by.String, comment.String
	return p, err
}

// CreatePending stores an action waiting for approval.
func (db *DB) CreatePending(ctx context.Context, p store.Pending) (store.Pending, error) {
	return db.createPending(ctx, db.R, db.W, p)
}

func (db *DB) createPending(ctx context.Context, r, w querier, p store.Pending) (store.Pending, error) {
	fid, err := db.facilityID(ctx, r, p.Facility)
	if err != nil {
		return p, err
	}
	if p.Kind == "" || p.RequestedBy == "" || p.RequestedAt.IsZero() || !json.Valid(p.Payload) {
		return p, store.Errorf(store.CodeInvalid, "pending action of facility %q: a kind, a JSON payload, who requested it and when are required", p.Facility)
	}
	p.Status = store.PendingRequested
	p.RequestedAt = store.Truncate(p.RequestedAt)
	err = w.QueryRowContext(ctx, db.q(`INSERT INTO pending_actions (facility_id, kind, payload, status, requested_by, requested_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id`),
		fid, p.Kind, []byte(p.Payload), p.Status, p.RequestedBy, db.D.Time(p.RequestedAt)).Scan(&p.ID)
	if err != nil {
		return p, fmt.Errorf("create pending %s: %w", p.Kind, err)
	}
	return p, nil
}

// Pending returns an action.
func (db *DB) Pending(ctx context.Context, id int64) (store.Pending, error) {
	return db.pending(ctx, db.R, id)
}

func (db *DB) pending(ctx context.Context, q querier, id int64) (store.Pending, error) {
	p, err := scanPending(q.QueryRowContext(ctx, db.q(`SELECT `+pendingCols+` FROM pending_actions p JOIN facilities f ON f.id = p.facility_id WHERE p.id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return p, store.Errorf(store.CodeNotFound, "pending action %d not found", id)
	}
	return p, err
}

// PendingList lists a facility's actions by id.
func (db *DB) PendingList(ctx context.Context, facility string) ([]store.Pending, error) {
	fid, err := db.facilityID(ctx, db.R, facility)
	if err != nil {
		return nil, err
	}
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+pendingCols+` FROM pending_actions p JOIN facilities f ON f.id = p.facility_id WHERE p.facility_id = ? ORDER BY p.id`), fid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.Pending
	for rows.Next() {
		p, err := scanPending(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// DecidePending approves or rejects a requested action.
func (db *DB) DecidePending(ctx context.Context, id int64, status, by, comment string, at time.Time) (store.Pending, error) {
	return db.decidePending(ctx, db.W, db.R, id, status, by, comment, at)
}

// decidePending decides in w and reads the result back through r.
func (db *DB) decidePending(ctx context.Context, w, r querier, id int64, status, by, comment string, at time.Time) (store.Pending, error) {
	if status != store.PendingApproved && status != store.PendingRejected {
		return store.Pending{}, store.Errorf(store.CodeInvalid, "pending action %d: decision %q: expected approved or rejected", id, status)
	}
	if by == "" || at.IsZero() {
		return store.Pending{}, store.Errorf(store.CodeInvalid, "pending action %d: who decided it and when are required", id)
	}
	res, err := w.ExecContext(ctx, db.q(`UPDATE pending_actions SET status = ?, decided_by = ?, decided_at = ?, comment = ? WHERE id = ? AND status = 'requested'`),
		status, by, db.D.Time(store.Truncate(at)), nullString(comment), id)
	if err != nil {
		return store.Pending{}, fmt.Errorf("decide pending %d: %w", id, err)
	}
	p, err := db.pending(ctx, r, id)
	if err != nil {
		return p, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return p, store.Errorf(store.CodeConflict, "pending action %d is already %s", id, p.Status)
	}
	return p, nil
}

// AppendAudit appends to the audit chain. Appends are serialised: SQLite
// has one writer; PostgreSQL takes a transaction-scoped advisory lock.
func (db *DB) AppendAudit(ctx context.Context, r store.AuditRecord) (store.AuditRecord, error) {
	tx, err := db.begin(ctx, "append_audit", nil)
	if err != nil {
		return r, fmt.Errorf("audit: %w", err)
	}
	defer rollback(tx)
	if r, err = db.appendAudit(ctx, TxExec{tx}, r); err != nil {
		return r, err
	}
	if err := tx.Commit(); err != nil {
		return r, fmt.Errorf("audit commit: %w", err)
	}
	return r, nil
}

// appendAudit appends r in the transaction of tx.
func (db *DB) appendAudit(ctx context.Context, tx Exec, r store.AuditRecord) (store.AuditRecord, error) {
	if db.D.Name() == "postgres" {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(72616461)`); err != nil {
			return r, fmt.Errorf("audit lock: %w", err)
		}
	}
	var last int64
	var prev string
	err := tx.QueryRow(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&last, &prev)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("audit head: %w", err)
	}
	var bd Date
	if err := tx.QueryRow(ctx, `SELECT max(business_date) FROM business_dates`).Scan(&bd); err != nil {
		return r, fmt.Errorf("audit business date: %w", err)
	}
	r = store.PrepareAudit(r, bd.D)
	r.ID, r.PrevHash = last+1, prev
	r.Hash = store.AuditHash(r)
	_, err = tx.Exec(ctx, db.q(`INSERT INTO audit (id, at, actor, request_id, route, facility, before, after, prev_hash, hash,
		version, role, kind, action, resource, amount, status_before, status_after, business_date, dated, result, error, summary)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		r.ID, db.D.Time(r.At), r.Actor, r.RequestID, r.Route, r.Facility, nullBytes(r.Before), nullBytes(r.After), r.PrevHash, r.Hash,
		r.Version, r.Role, r.Kind, r.Action, r.Resource, nullInt(int64(r.Amount)), r.StatusBefore, r.StatusAfter, db.nullDate(r.BusinessDate),
		db.nullDate(r.Dated), r.Result, r.Error, r.Summary)
	if err != nil {
		return r, fmt.Errorf("audit append: %w", err)
	}
	return r, nil
}

// FinishRequest keeps a response and appends an audit record in one
// transaction.
func (db *DB) FinishRequest(ctx context.Context, a *store.AuditRecord, r *store.IdempotentResponse) (store.IdempotentResponse, bool, error) {
	var kept store.IdempotentResponse
	if a == nil && r == nil {
		return kept, true, nil
	}
	tx, err := db.begin(ctx, "finish_request", nil)
	if err != nil {
		return kept, false, fmt.Errorf("finish request: %w", err)
	}
	defer rollback(tx)
	if r != nil {
		if r.Body == nil {
			r.Body = []byte{}
		}
		res, err := tx.ExecContext(ctx, db.q(`INSERT INTO idempotent_responses (user_id, key, request_hash, status, body, created) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`),
			r.UserID, r.Key, r.RequestHash, r.Status, r.Body, db.D.Time(store.Truncate(r.Created)))
		if err != nil {
			return kept, false, fmt.Errorf("keep response for idempotency key %q: %w", r.Key, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			kept, err = db.idem(ctx, tx, r.UserID, r.Key)
			return kept, false, err
		}
		kept = *r
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return kept, false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return kept, false, fmt.Errorf("finish request: %w", err)
	}
	return kept, true, nil
}

func nullBytes(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

const auditCols = `id, at, actor, request_id, route, facility, before, after, prev_hash, hash,
	version, role, kind, action, resource, amount, status_before, status_after, business_date, dated, result, error, summary`

func scanAudit(rows *sql.Rows) (store.AuditRecord, error) {
	var r store.AuditRecord
	var at Time
	var before, after []byte
	var amount sql.NullInt64
	var bd, dated Date
	err := rows.Scan(&r.ID, &at, &r.Actor, &r.RequestID, &r.Route, &r.Facility, &before, &after, &r.PrevHash, &r.Hash,
		&r.Version, &r.Role, &r.Kind, &r.Action, &r.Resource, &amount, &r.StatusBefore, &r.StatusAfter, &bd, &dated, &r.Result, &r.Error, &r.Summary)
	r.At, r.Before, r.After, r.Amount, r.BusinessDate, r.Dated = at.T, before, after, money.Amount(amount.Int64), bd.D, dated.D
	if r.Version < 2 {
		// Written before records carried a summary: said from its route
		// (not part of its hash).
		r.Summary = store.AuditSummary(r)
	}
	return r, err
}

func (db *DB) queryAudit(ctx context.Context, q string, args ...any) ([]store.AuditRecord, error) {
	rows, err := db.R.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return nil, fmt.Errorf("audit records: %w", err)
	}
	defer rows.Close()
	var out []store.AuditRecord
	for rows.Next() {
		r, err := scanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// AuditRecords returns records after an id.
func (db *DB) AuditRecords(ctx context.Context, after int64, limit int) ([]store.AuditRecord, error) {
	if limit <= 0 {
		limit = 1000
	}
	return db.queryAudit(ctx, `SELECT `+auditCols+` FROM audit WHERE id > ? ORDER BY id LIMIT ?`, after, limit)
}

// FindAudit returns the records matching a filter.
func (db *DB) FindAudit(ctx context.Context, f store.AuditFilter) ([]store.AuditRecord, error) {
	if f.From != 0 && f.To != 0 && f.From > f.To {
		return nil, store.Errorf(store.CodeInvalid, "audit filter: from %s is after to %s", f.From, f.To)
	}
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 1000
	}
	where, args := []string{"id > ?"}, []any{f.After}
	add := func(cond string, arg any) {
		where = append(where, cond)
		args = append(args, arg)
	}
	if f.Before > 0 {
		add("id < ?", f.Before)
	}
	if f.Facility != "" {
		add("facility = ?", f.Facility)
	}
	if f.Actor != "" {
		// Emails are stored in lower case; other actors (cli:name) as given.
		a := strings.TrimSpace(f.Actor)
		where = append(where, "actor IN (?, ?)")
		args = append(args, a, strings.ToLower(a))
	}
	if f.Kind != "" {
		add("kind = ?", f.Kind)
	}
	if f.From != 0 {
		add("business_date >= ?", db.D.Date(f.From))
	}
	if f.To != 0 {
		add("business_date <= ?", db.D.Date(f.To))
	}
	order := "id"
	if f.Newest {
		order = "id DESC"
	}
	return db.queryAudit(ctx, `SELECT `+auditCols+` FROM audit WHERE `+strings.Join(where, " AND ")+` ORDER BY `+order+` LIMIT ?`, append(args, f.Limit)...)
}

// EndSession deletes a session and appends its audit record.
func (db *DB) EndSession(ctx context.Context, h string, a *store.AuditRecord) error {
	tx, err := db.begin(ctx, "end_session", nil)
	if err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	defer rollback(tx)
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE sha256 = ?`), h); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("end session: %w", err)
	}
	return nil
}

// RecordSignIn appends a sign-in attempt with its session and audit record.
func (db *DB) RecordSignIn(ctx context.Context, at store.SignInAttempt, s *store.Session, a *store.AuditRecord) error {
	if at.At.IsZero() || at.Email == "" {
		return store.Errorf(store.CodeInvalid, "sign-in attempt: a time and an email are required")
	}
	if s != nil && !at.OK {
		return store.Errorf(store.CodeInvalid, "sign-in attempt of %s: a failed attempt has no session", at.Email)
	}
	tx, err := db.begin(ctx, "record_sign_in", nil)
	if err != nil {
		return fmt.Errorf("sign-in attempt: %w", err)
	}
	defer rollback(tx)
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO signin_attempts (at, email, address, ok) VALUES (?, ?, ?, ?)`),
		db.D.Time(store.Truncate(at.At)), strings.ToLower(strings.TrimSpace(at.Email)), at.Address, at.OK); err != nil {
		return fmt.Errorf("sign-in attempt: %w", err)
	}
	if err := db.beginSession(ctx, tx.Tx, s, a); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sign-in attempt: %w", err)
	}
	return nil
}

// beginSession stores the session of a successful sign-in (s, may be nil)
// and the attempt's audit record (a, may be nil) in tx.
func (db *DB) beginSession(ctx context.Context, tx *sql.Tx, s *store.Session, a *store.AuditRecord) error {
	if s != nil {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO sessions (sha256, user_id, csrf, created, expires) VALUES (?, ?, ?, ?, ?)`),
			s.IDSHA256, s.UserID, s.CSRF, db.D.Time(store.Truncate(s.Created)), db.D.Time(store.Truncate(s.Expires))); err != nil {
			return fmt.Errorf("create session: %w", err)
		}
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return err
		}
	}
	return nil
}

// ReserveSignIn implements store.Accounts.
func (db *DB) ReserveSignIn(ctx context.Context, at store.SignInAttempt, since time.Time, allow func(account, fromAddress []time.Time) error) (int64, error) {
	if at.At.IsZero() || at.Email == "" {
		return 0, store.Errorf(store.CodeInvalid, "sign-in attempt: a time and an email are required")
	}
	email := strings.ToLower(strings.TrimSpace(at.Email))
	tx, err := db.begin(ctx, "reserve_sign_in", nil)
	if err != nil {
		return 0, fmt.Errorf("sign-in attempt: %w", err)
	}
	defer rollback(tx)
	if db.D.Name() == "postgres" {
		// One email's attempts one after the other (SQLite has one writer).
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(72616462, hashtext($1))`, email); err != nil {
			return 0, fmt.Errorf("sign-in attempt: %w", err)
		}
	}
	account, addr, err := db.signInFailures(ctx, tx, email, at.Address, since)
	if err != nil {
		return 0, err
	}
	if err := allow(account, addr); err != nil {
		return 0, err
	}
	var id int64
	if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO signin_attempts (at, email, address, ok) VALUES (?, ?, ?, ?) RETURNING id`),
		db.D.Time(store.Truncate(at.At)), email, at.Address, false).Scan(&id); err != nil {
		return 0, fmt.Errorf("sign-in attempt: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("sign-in attempt: %w", err)
	}
	return id, nil
}

// CompleteSignIn implements store.Accounts.
func (db *DB) CompleteSignIn(ctx context.Context, id int64, s store.Session, a *store.AuditRecord) error {
	tx, err := db.begin(ctx, "complete_sign_in", nil)
	if err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	defer rollback(tx)
	// The success is appended, naming the reserved attempt it completes.
	var email, address string
	var ok bool
	err = tx.QueryRowContext(ctx, db.q(`SELECT email, address, ok FROM signin_attempts a WHERE id = ?
		AND NOT EXISTS (SELECT 1 FROM signin_attempts c WHERE c.completes = a.id)`), id).Scan(&email, &address, &ok)
	if errors.Is(err, sql.ErrNoRows) || err == nil && ok {
		return store.Errorf(store.CodeConflict, "sign-in attempt %d is not a reserved attempt", id)
	} else if err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO signin_attempts (at, email, address, ok, completes) VALUES (?, ?, ?, ?, ?)`),
		db.D.Time(store.Truncate(s.Created)), email, address, true, id); err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	if err := db.beginSession(ctx, tx.Tx, &s, a); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sign-in: %w", err)
	}
	return nil
}

// SignInFailures returns the failed attempts that count now.
func (db *DB) SignInFailures(ctx context.Context, email, address string, since time.Time) ([]time.Time, []time.Time, error) {
	return db.signInFailures(ctx, db.R, email, address, since)
}

func (db *DB) signInFailures(ctx context.Context, q querier, email, address string, since time.Time) ([]time.Time, []time.Time, error) {
	read := func(query string, args ...any) ([]time.Time, error) {
		rows, err := q.QueryContext(ctx, db.q(query), args...)
		if err != nil {
			return nil, fmt.Errorf("sign-in failures: %w", err)
		}
		defer rows.Close()
		var out []time.Time
		for rows.Next() {
			var t Time
			if err := rows.Scan(&t); err != nil {
				return nil, err
			}
			out = append(out, t.T)
		}
		return out, rows.Err()
	}
	from := db.D.Time(store.Truncate(since))
	email = strings.ToLower(strings.TrimSpace(email))
	account, err := read(`SELECT at FROM signin_attempts WHERE email = ? AND NOT ok AND at >= ?
		AND id > (SELECT coalesce(max(id), 0) FROM signin_attempts WHERE email = ? AND ok) ORDER BY id`, email, from, email)
	if err != nil {
		return nil, nil, err
	}
	addr, err := read(`SELECT at FROM signin_attempts a WHERE address = ? AND NOT ok AND at >= ?
		AND NOT EXISTS (SELECT 1 FROM signin_attempts c WHERE c.completes = a.id) ORDER BY id`, address, from)
	return account, addr, err
}

// AddUser stores a new user, the facilities granted and the audit record
// in one transaction.
func (db *DB) AddUser(ctx context.Context, u store.User, facilities []string, a *store.AuditRecord) (store.User, error) {
	u.Email = strings.ToLower(strings.TrimSpace(u.Email))
	if u.Email == "" || !strings.Contains(u.Email, "@") {
		return u, store.Errorf(store.CodeInvalid, "user email %q: expected an email address", u.Email)
	}
	if !store.ValidRole(u.Role) {
		return u, store.Errorf(store.CodeInvalid, "user %s: role %q: expected one of %s", u.Email, u.Role, strings.Join(store.Roles, ", "))
	}
	fids := make([]int64, len(facilities))
	for i, f := range facilities {
		fid, err := db.facilityID(ctx, db.R, f)
		if err != nil {
			return u, err
		}
		fids[i] = fid
	}
	tx, err := db.begin(ctx, "add_user", nil)
	if err != nil {
		return u, fmt.Errorf("add user: %w", err)
	}
	defer rollback(tx)
	u.Created = store.Truncate(u.Created)
	err = tx.QueryRowContext(ctx, db.q(`INSERT INTO users (email, role, password_hash, created) VALUES (?, ?, ?, ?) RETURNING id`),
		u.Email, u.Role, u.PasswordHash, db.D.Time(u.Created)).Scan(&u.ID)
	if db.D.IsUnique(err) {
		return u, store.Errorf(store.CodeConflict, "a user with email %s exists", u.Email)
	}
	if err != nil {
		return u, fmt.Errorf("add user %s: %w", u.Email, err)
	}
	for _, fid := range fids {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO user_facilities (user_id, facility_id) VALUES (?, ?) ON CONFLICT DO NOTHING`), u.ID, fid); err != nil {
			return u, fmt.Errorf("add user %s: grant: %w", u.Email, err)
		}
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return u, err
		}
	}
	if err := tx.Commit(); err != nil {
		return u, fmt.Errorf("add user %s: %w", u.Email, err)
	}
	u.Facilities = facilities
	return u, nil
}

// AddToken stores a token's hash and the audit record in one transaction.
func (db *DB) AddToken(ctx context.Context, userID int64, h string, at, expires time.Time, a *store.AuditRecord) error {
	if !expires.After(at) {
		return store.Errorf(store.CodeInvalid, "token: expires %s: expected after its creation %s", expires.Format(time.RFC3339), at.Format(time.RFC3339))
	}
	tx, err := db.begin(ctx, "add_token", nil)
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	defer rollback(tx)
	_, err = tx.ExecContext(ctx, db.q(`INSERT INTO api_tokens (sha256, user_id, created, expires) VALUES (?, ?, ?, ?)`), h, userID, db.D.Time(store.Truncate(at)), db.D.Time(store.Truncate(expires)))
	if db.D.IsUnique(err) {
		return store.Errorf(store.CodeConflict, "token exists")
	}
	if err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add token: %w", err)
	}
	return nil
}

// AuditHead returns the newest audit record's id and hash.
func (db *DB) AuditHead(ctx context.Context) (store.AuditHead, error) {
	var h store.AuditHead
	err := db.R.QueryRowContext(ctx, `SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1`).Scan(&h.ID, &h.Hash)
	if errors.Is(err, sql.ErrNoRows) {
		return store.AuditHead{}, nil
	}
	return h, err
}
