package app

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

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
	rec.Resource = strings.ToLower(strings.TrimSpace(in.Email))
	after, _ := json.Marshal(map[string]any{"email": rec.Resource, "role": in.Role, "facilities": facs})
	rec.After = after
	return acc.AddUser(ctx, store.User{Email: in.Email, Role: in.Role, PasswordHash: hash, Created: now}, facs, &rec)
}

// CreateToken creates an API token for the user with the email, in one
// store transaction with its audit record (which names the token by its
// SHA-256 only). The token itself is returned once and never stored.
func (s *Service) CreateToken(ctx context.Context, email string) (token string, u store.User, err error) {
	if err := authorize(ctx, ActManageUsers, ""); err != nil {
		return "", store.User{}, err
	}
	acc, err := s.accounts()
	if err != nil {
		return "", store.User{}, err
	}
	u, err = acc.UserByEmail(ctx, email)
	if err != nil {
		return "", u, fmt.Errorf("user %s: %w", email, err)
	}
	tok, sum := auth.NewToken()
	now := s.now()
	a, _ := ActorFrom(ctx)
	rec := a.Record(OpCreateToken, now)
	rec.Resource = u.Email
	after, _ := json.Marshal(map[string]string{"user": u.Email, "token_sha256": sum})
	rec.After = after
	if err := acc.AddToken(ctx, u.ID, sum, now, &rec); err != nil {
		return "", u, err
	}
	return tok, u, nil
}
