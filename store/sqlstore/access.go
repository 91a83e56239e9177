package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/store"
)

// disabledCol is whether the user of the row of users is disabled: the
// latest change appended to user_status (the row of users is u).
const disabledCol = `coalesce((SELECT s.disabled FROM user_status s WHERE s.user_id = u.id ORDER BY s.id DESC LIMIT 1), false)`

// Users lists every user by email.
func (db *DB) Users(ctx context.Context) ([]store.User, error) {
	rows, err := db.R.QueryContext(ctx, `SELECT id FROM users ORDER BY email`)
	if err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]store.User, 0, len(ids))
	for _, id := range ids {
		u, err := db.UserByID(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, nil
}

// SetUserDisabled implements store.Accounts.
func (db *DB) SetUserDisabled(ctx context.Context, userID int64, disabled bool, at time.Time, a *store.AuditRecord) error {
	tx, err := db.begin(ctx, "set_user_disabled", nil)
	if err != nil {
		return fmt.Errorf("user status: %w", err)
	}
	defer rollback(tx)
	var email string
	var now bool
	err = tx.QueryRowContext(ctx, db.q(`SELECT u.email, `+disabledCol+` FROM users u WHERE u.id = ?`), userID).Scan(&email, &now)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Errorf(store.CodeNotFound, "user %d not found", userID)
	}
	if err != nil {
		return fmt.Errorf("user status: %w", err)
	}
	if now == disabled {
		state := "enabled"
		if disabled {
			state = "disabled"
		}
		return store.Errorf(store.CodeConflict, "user %s is already %s", email, state)
	}
	t := db.D.Time(store.Truncate(at))
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO user_status (user_id, disabled, at) VALUES (?, ?, ?)`), userID, disabled, t); err != nil {
		return fmt.Errorf("user status: %w", err)
	}
	if disabled {
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ?`), userID); err != nil {
			return fmt.Errorf("disable user %s: sessions: %w", email, err)
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO token_revocations (sha256, at)
			SELECT sha256, ? FROM api_tokens t WHERE user_id = ? AND NOT EXISTS (SELECT 1 FROM token_revocations r WHERE r.sha256 = t.sha256)`), t, userID); err != nil {
			return fmt.Errorf("disable user %s: tokens: %w", email, err)
		}
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return err
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("user status: %w", err)
	}
	return nil
}

const tokenCols = `t.sha256, t.user_id, t.created, t.expires, r.at`

func scanToken(sc interface{ Scan(...any) error }) (store.Token, error) {
	var t store.Token
	var created, expires, revoked Time
	err := sc.Scan(&t.SHA256, &t.UserID, &created, &expires, &revoked)
	t.Created, t.Expires, t.Revoked = created.T, expires.T, revoked.T
	return t, err
}

// Tokens lists a user's tokens.
func (db *DB) Tokens(ctx context.Context, userID int64) ([]store.Token, error) {
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT `+tokenCols+` FROM api_tokens t LEFT JOIN token_revocations r ON r.sha256 = t.sha256
		WHERE t.user_id = ? ORDER BY t.created, t.sha256`), userID)
	if err != nil {
		return nil, fmt.Errorf("tokens: %w", err)
	}
	defer rows.Close()
	var out []store.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Token finds a token by its SHA-256.
func (db *DB) Token(ctx context.Context, h string) (store.Token, error) {
	return db.token(ctx, db.R, h)
}

func (db *DB) token(ctx context.Context, q querier, h string) (store.Token, error) {
	t, err := scanToken(q.QueryRowContext(ctx, db.q(`SELECT `+tokenCols+` FROM api_tokens t LEFT JOIN token_revocations r ON r.sha256 = t.sha256 WHERE t.sha256 = ?`), h))
	if errors.Is(err, sql.ErrNoRows) {
		return t, store.Errorf(store.CodeNotFound, "token not found")
	}
	if err != nil {
		return t, fmt.Errorf("token: %w", err)
	}
	return t, nil
}

// RevokeToken implements store.Accounts.
func (db *DB) RevokeToken(ctx context.Context, h string, at time.Time, a *store.AuditRecord) (store.Token, error) {
	tx, err := db.begin(ctx, "revoke_token", nil)
	if err != nil {
		return store.Token{}, fmt.Errorf("revoke token: %w", err)
	}
	defer rollback(tx)
	t, err := db.token(ctx, tx, h)
	if err != nil {
		return t, err
	}
	if !t.Revoked.IsZero() {
		return t, store.Errorf(store.CodeConflict, "token %s was revoked at %s", h, t.Revoked.Format(time.RFC3339))
	}
	t.Revoked = store.Truncate(at)
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO token_revocations (sha256, at) VALUES (?, ?)`), h, db.D.Time(t.Revoked)); err != nil {
		if db.D.IsUnique(err) {
			return t, store.Errorf(store.CodeConflict, "token %s is revoked", h)
		}
		return t, fmt.Errorf("revoke token: %w", err)
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return t, err
		}
	}
	if err := tx.Commit(); err != nil {
		return t, fmt.Errorf("revoke token: %w", err)
	}
	return t, nil
}

// Sessions lists a user's live sessions.
func (db *DB) Sessions(ctx context.Context, userID int64, now time.Time) ([]store.Session, error) {
	rows, err := db.R.QueryContext(ctx, db.q(`SELECT sha256, csrf, created, expires FROM sessions WHERE user_id = ? AND expires > ? ORDER BY created, sha256`),
		userID, db.D.Time(store.Truncate(now)))
	if err != nil {
		return nil, fmt.Errorf("sessions: %w", err)
	}
	defer rows.Close()
	var out []store.Session
	for rows.Next() {
		s := store.Session{UserID: userID}
		var created, expires Time
		if err := rows.Scan(&s.IDSHA256, &s.CSRF, &created, &expires); err != nil {
			return nil, err
		}
		s.Created, s.Expires = created.T, expires.T
		out = append(out, s)
	}
	return out, rows.Err()
}

// EndSessions implements store.Accounts.
func (db *DB) EndSessions(ctx context.Context, userID int64, h string, a *store.AuditRecord) (int, error) {
	tx, err := db.begin(ctx, "end_sessions", nil)
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	defer rollback(tx)
	var res sql.Result
	if h == "" {
		res, err = tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ?`), userID)
	} else {
		res, err = tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ? AND sha256 = ?`), userID, h)
	}
	if err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	n, _ := res.RowsAffected()
	if h != "" && n == 0 {
		return 0, store.Errorf(store.CodeNotFound, "session %s not found", h)
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("end sessions: %w", err)
	}
	return int(n), nil
}

// The user's role, password and the facilities granted: the latest
// change appended (user_roles, user_passwords), else what the row of
// users (u) was added with.
const (
	roleCol       = `coalesce((SELECT r.role FROM user_roles r WHERE r.user_id = u.id ORDER BY r.id DESC LIMIT 1), u.role)`
	passwordCol   = `coalesce((SELECT p.password_hash FROM user_passwords p WHERE p.user_id = u.id ORDER BY p.id DESC LIMIT 1), u.password_hash)`
	mustChangeCol = `coalesce((SELECT p.must_change FROM user_passwords p WHERE p.user_id = u.id ORDER BY p.id DESC LIMIT 1), false)`
	// grantsTable is (user_id, facility_id) of the grants in force: those
	// of the user's latest change of access, or, for a user whose access
	// never changed, those they were added with.
	grantsTable = `(SELECT uf.user_id, uf.facility_id FROM user_facilities uf
			WHERE NOT EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = uf.user_id)
		UNION ALL SELECT r.user_id, rf.facility_id FROM user_role_facilities rf JOIN user_roles r ON r.id = rf.role_id
			WHERE r.id = (SELECT max(r2.id) FROM user_roles r2 WHERE r2.user_id = r.user_id))`
)

// SetPassword implements store.Accounts.
func (db *DB) SetPassword(ctx context.Context, p store.PasswordChange, a *store.AuditRecord) (int, error) {
	if p.Hash == "" {
		return 0, store.Errorf(store.CodeInvalid, "password: no hash")
	}
	tx, err := db.begin(ctx, "set_password", nil)
	if err != nil {
		return 0, fmt.Errorf("set password: %w", err)
	}
	defer rollback(tx)
	var email string
	err = tx.QueryRowContext(ctx, db.q(`SELECT email FROM users WHERE id = ?`), p.UserID).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, store.Errorf(store.CodeNotFound, "user %d not found", p.UserID)
	}
	if err != nil {
		return 0, fmt.Errorf("set password: %w", err)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO user_passwords (user_id, password_hash, must_change, at) VALUES (?, ?, ?, ?)`),
		p.UserID, p.Hash, p.MustChange, db.D.Time(store.Truncate(p.At))); err != nil {
		return 0, fmt.Errorf("set password of %s: %w", email, err)
	}
	res, err := tx.ExecContext(ctx, db.q(`DELETE FROM sessions WHERE user_id = ? AND sha256 <> ?`), p.UserID, p.KeepSession)
	if err != nil {
		return 0, fmt.Errorf("set password of %s: sessions: %w", email, err)
	}
	n, _ := res.RowsAffected()
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("set password of %s: %w", email, err)
	}
	return int(n), nil
}

// SetAccess implements store.Accounts.
func (db *DB) SetAccess(ctx context.Context, userID int64, role string, facilities []string, at time.Time, a *store.AuditRecord) (store.User, error) {
	if !store.ValidRole(role) {
		return store.User{}, store.Errorf(store.CodeInvalid, "role %q: expected one of %s", role, strings.Join(store.Roles, ", "))
	}
	facs := slices.Clone(facilities)
	slices.Sort(facs)
	facs = slices.Compact(facs)
	fids := make([]int64, len(facs))
	for i, f := range facs {
		fid, err := db.facilityID(ctx, db.R, f)
		if err != nil {
			return store.User{}, err
		}
		fids[i] = fid
	}
	u, err := db.UserByID(ctx, userID)
	if err != nil {
		return u, err
	}
	if u.Role == role && slices.Equal(u.Facilities, facs) {
		return u, store.Errorf(store.CodeConflict, "user %s already has role %s and %s", u.Email, role, grantsText(facs))
	}
	tx, err := db.begin(ctx, "set_access", nil)
	if err != nil {
		return u, fmt.Errorf("set access: %w", err)
	}
	defer rollback(tx)
	var id int64
	if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO user_roles (user_id, role, at) VALUES (?, ?, ?) RETURNING id`),
		userID, role, db.D.Time(store.Truncate(at))).Scan(&id); err != nil {
		return u, fmt.Errorf("set access of %s: %w", u.Email, err)
	}
	for _, fid := range fids {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO user_role_facilities (role_id, facility_id) VALUES (?, ?)`), id, fid); err != nil {
			return u, fmt.Errorf("set access of %s: grant: %w", u.Email, err)
		}
	}
	if a != nil {
		if _, err := db.appendAudit(ctx, TxExec{tx}, *a); err != nil {
			return u, err
		}
	}
	if err := tx.Commit(); err != nil {
		return u, fmt.Errorf("set access of %s: %w", u.Email, err)
	}
	u.Role, u.Facilities = role, facs
	if len(facs) == 0 {
		u.Facilities = nil
	}
	return u, nil
}

func grantsText(facs []string) string {
	if len(facs) == 0 {
		return "no facility granted"
	}
	return "facilities " + strings.Join(facs, ", ")
}
