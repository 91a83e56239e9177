package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"revolver/auth"
	"revolver/store"
)

// NewUser is a person to add.
type NewUser struct {
	Email, Role, Password string
	// Facilities a borrower sees (required for a borrower, refused for
	// anyone else: lenders and auditors see every facility).
	Facilities []string
}

// AddUser adds a user with their password (argon2id) and, for a borrower,
// the facilities they see, in one store transaction with its audit
// record. The actor of the context must be allowed to manage users.
func (s *Service) AddUser(ctx context.Context, in NewUser) (store.User, error) {
	if err := authorize(ctx, ActManageUsers, ""); err != nil {
		return store.User{}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return store.User{}, err
	}
	email, err := checkEmail(in.Email)
	if err != nil {
		return store.User{}, err
	}
	if err := auth.CheckPassword(in.Password); err != nil {
		return store.User{}, store.Errorf(store.CodeInvalid, "%v", err)
	}
	if !store.ValidRole(in.Role) {
		return store.User{}, store.Errorf(store.CodeInvalid, "role %q: expected one of %s", in.Role, strings.Join(store.Roles, ", "))
	}
	if in.Role == store.RoleBorrower && len(in.Facilities) == 0 {
		return store.User{}, store.Errorf(store.CodeInvalid, "a borrower user needs the facilities they see")
	}
	if in.Role != store.RoleBorrower && len(in.Facilities) > 0 {
		return store.User{}, store.Errorf(store.CodeInvalid, "facilities are granted to borrower users; a %s sees every facility", in.Role)
	}
	facs := slices.Clone(in.Facilities)
	slices.Sort(facs)
	facs = slices.Compact(facs)
	for _, f := range facs {
		if _, err := s.Store.Facility(ctx, f); err != nil {
			return store.User{}, fmt.Errorf("facility %s: %w", f, err)
		}
	}
	hash, err := auth.HashPassword(in.Password, auth.DefaultParams)
	if err != nil {
		return store.User{}, store.Errorf(store.CodeInvalid, "%v", err)
	}
	now := s.now()
	a, _ := ActorFrom(ctx)
	rec := a.Record(OpAddUser, now)
	rec.Resource = email
	after, _ := json.Marshal(map[string]any{"email": rec.Resource, "role": in.Role, "facilities": facs})
	rec.After = after
	return acc.AddUser(ctx, store.User{Email: email, Role: in.Role, PasswordHash: hash, Created: now}, facs, &rec)
}

// CreateToken creates an API token for the user with the email, valid
// for ttl (0: DefaultTokenTTL; at most MaxTokenTTL), in one store
// transaction with its audit record (which names the token by its SHA-256
// only). The token itself is returned once and never stored. A disabled
// user gets none.
func (s *Service) CreateToken(ctx context.Context, email string, ttl time.Duration) (token string, u store.User, err error) {
	if err := authorize(ctx, ActManageUsers, ""); err != nil {
		return "", store.User{}, err
	}
	if ttl == 0 {
		ttl = DefaultTokenTTL
	}
	if ttl < time.Minute || ttl > MaxTokenTTL {
		return "", store.User{}, store.Errorf(store.CodeInvalid, "token lifetime %s: expected from 1m to %s", ttl, MaxTokenTTL)
	}
	acc, err := s.accounts()
	if err != nil {
		return "", store.User{}, err
	}
	u, err = acc.UserByEmail(ctx, email)
	if err != nil {
		return "", u, fmt.Errorf("user %s: %w", email, err)
	}
	if u.Disabled {
		return "", u, store.Errorf(store.CodeConflict, "user %s is disabled: enable them first", u.Email)
	}
	tok, sum := auth.NewToken()
	now := s.now()
	a, _ := ActorFrom(ctx)
	rec := a.Record(OpCreateToken, now)
	rec.Resource = u.Email
	after, _ := json.Marshal(map[string]string{"user": u.Email, "token_sha256": sum, "expires": now.Add(ttl).UTC().Format(time.RFC3339)})
	rec.After = after
	if err := acc.AddToken(ctx, u.ID, sum, now, now.Add(ttl), &rec); err != nil {
		return "", u, err
	}
	return tok, u, nil
}
