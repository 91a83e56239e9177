package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"revolver/store"
)

// DefaultTokenTTL is how long an API token is valid when its creator
// does not say: 90 days.
const DefaultTokenTTL = 90 * 24 * time.Hour

// MaxTokenTTL is the longest an API token may be valid: one year.
const MaxTokenTTL = 366 * 24 * time.Hour

// checkEmail: a bare address (local@domain, as net/mail parses it, with
// no display name or angle brackets), of at most maxEmail characters.
func checkEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if len(e) > maxEmail {
		return "", store.Errorf(store.CodeInvalid, "email: %d characters, expected at most %d", len(e), maxEmail)
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Name != "" || a.Address != e || !strings.Contains(e[strings.LastIndex(e, "@")+1:], ".") && !strings.HasSuffix(e, "@localhost") {
		return "", store.Errorf(store.CodeInvalid, "email %q: expected an address such as ann@bank.example (no name, no angle brackets)", email)
	}
	return e, nil
}

// ranAudited tells the surface that the use case's store transaction
// appended its audit record.
func ranAudited(ctx context.Context) {
	if a, ok := ActorFrom(ctx); ok && a.Audit != nil {
		a.Audit.Ran, a.Audit.Appended = true, true
	}
}

// accessRecord is the audit record of a change of a user's access.
func (s *Service) accessRecord(ctx context.Context, op Op, u store.User, after map[string]any) store.AuditRecord {
	a, _ := ActorFrom(ctx)
	rec := a.Record(op, s.now())
	rec.Resource = u.Email
	b, _ := json.Marshal(after)
	rec.After = b
	return rec
}

// managedUser authorizes managing users and finds the user with the email.
func (s *Service) managedUser(ctx context.Context, op Op, email string) (store.Accounts, store.User, error) {
	ctx = named(ctx, op)
	if err := authorize(ctx, ActManageUsers, ""); err != nil {
		return nil, store.User{}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return nil, store.User{}, err
	}
	u, err := acc.UserByEmail(ctx, email)
	if err != nil {
		return acc, u, fmt.Errorf("user %s: %w", strings.ToLower(strings.TrimSpace(email)), err)
	}
	return acc, u, nil
}

// Users lists every user (the actor must be allowed to manage users).
func (s *Service) Users(ctx context.Context) ([]store.User, error) {
	if err := authorize(ctx, ActManageUsers, ""); err != nil {
		return nil, err
	}
	acc, err := s.accounts()
	if err != nil {
		return nil, err
	}
	return acc.Users(ctx)
}

// User finds a user by email (the actor must be allowed to manage users).
func (s *Service) User(ctx context.Context, email string) (store.User, error) {
	_, u, err := s.managedUser(ctx, "", email)
	return u, err
}

// DisableUser disables a user at once: they cannot sign in, every session
// of theirs ends and every token of theirs is revoked, in one store
// transaction with its audit record. An administrator cannot disable
// themself (another must).
func (s *Service) DisableUser(ctx context.Context, email string) (store.User, error) {
	acc, u, err := s.managedUser(ctx, OpDisableUser, email)
	if err != nil {
		return u, err
	}
	if a, _ := ActorFrom(ctx); a.UserID != 0 && a.UserID == u.ID {
		return u, store.Errorf(store.CodeConflict, "user %s: you cannot disable yourself; another administrator can", u.Email)
	}
	rec := s.accessRecord(ctx, OpDisableUser, u, map[string]any{"user": u.Email, "disabled": true})
	rec.StatusBefore, rec.StatusAfter = "enabled", "disabled"
	if err := acc.SetUserDisabled(ctx, u.ID, true, s.now(), &rec); err != nil {
		return u, err
	}
	ranAudited(ctx)
	u.Disabled = true
	return u, nil
}

// EnableUser lets a disabled user sign in again (their tokens stay
// revoked), in one store transaction with its audit record.
func (s *Service) EnableUser(ctx context.Context, email string) (store.User, error) {
	acc, u, err := s.managedUser(ctx, OpEnableUser, email)
	if err != nil {
		return u, err
	}
	rec := s.accessRecord(ctx, OpEnableUser, u, map[string]any{"user": u.Email, "disabled": false})
	rec.StatusBefore, rec.StatusAfter = "disabled", "enabled"
	if err := acc.SetUserDisabled(ctx, u.ID, false, s.now(), &rec); err != nil {
		return u, err
	}
	ranAudited(ctx)
	u.Disabled = false
	return u, nil
}

// Tokens lists a user's API tokens (by SHA-256), revoked and expired ones
// too.
func (s *Service) Tokens(ctx context.Context, email string) ([]store.Token, error) {
	acc, u, err := s.managedUser(ctx, "", email)
	if err != nil {
		return nil, err
	}
	return acc.Tokens(ctx, u.ID)
}

// RevokeToken revokes a user's API token, named by its SHA-256 (hex), at
// once, in one store transaction with its audit record. A token of
// another user is not found.
func (s *Service) RevokeToken(ctx context.Context, email, sha256 string) (store.Token, error) {
	acc, u, err := s.managedUser(ctx, OpRevokeToken, email)
	if err != nil {
		return store.Token{}, err
	}
	sha256 = strings.ToLower(strings.TrimSpace(sha256))
	t, err := acc.Token(ctx, sha256)
	if err == nil && t.UserID != u.ID {
		err = store.Errorf(store.CodeNotFound, "token not found")
	}
	if err != nil {
		return t, fmt.Errorf("token %s of %s: %w", sha256, u.Email, err)
	}
	rec := s.accessRecord(ctx, OpRevokeToken, u, map[string]any{"user": u.Email, "token_sha256": sha256})
	t, err = acc.RevokeToken(ctx, sha256, s.now(), &rec)
	if err != nil {
		return t, err
	}
	ranAudited(ctx)
	return t, nil
}

// Sessions lists a user's live sessions (named by the SHA-256 of their
// cookie; the CSRF token is not returned).
func (s *Service) Sessions(ctx context.Context, email string) ([]store.Session, error) {
	acc, u, err := s.managedUser(ctx, "", email)
	if err != nil {
		return nil, err
	}
	ss, err := acc.Sessions(ctx, u.ID, s.now())
	for i := range ss {
		ss[i].CSRF = ""
	}
	return ss, err
}

// EndSessions ends a user's session named by its SHA-256 or, with id "",
// every session of the user, at once, in one store transaction with its
// audit record; it returns how many ended.
func (s *Service) EndSessions(ctx context.Context, email, id string) (int, error) {
	acc, u, err := s.managedUser(ctx, OpEndSessions, email)
	if err != nil {
		return 0, err
	}
	id = strings.ToLower(strings.TrimSpace(id))
	after := map[string]any{"user": u.Email}
	if id != "" {
		after["session_sha256"] = id
	}
	rec := s.accessRecord(ctx, OpEndSessions, u, after)
	rec.Resource = "sessions of " + u.Email
	n, err := acc.EndSessions(ctx, u.ID, id, &rec)
	if err != nil {
		return 0, err
	}
	ranAudited(ctx)
	return n, nil
}
