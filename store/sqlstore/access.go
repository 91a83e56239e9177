package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
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
