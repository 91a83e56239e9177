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
	ctx = named(ctx, OpAddUser)
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
	facs, err := s.checkAccess(ctx, in.Role, in.Facilities)
	if err != nil {
		return store.User{}, err
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
	u, err := acc.AddUser(ctx, store.User{Email: email, Role: in.Role, PasswordHash: hash, Created: now}, facs, &rec)
	if err != nil {
		return u, err
	}
	ranAudited(ctx)
	return u, nil
}

// checkAccess checks a role and the facilities granted with it: a
// borrower sees the facilities granted (at least one, each existing);
// anyone else sees every facility and is granted none. It returns the
// facilities sorted, each once.
func (s *Service) checkAccess(ctx context.Context, role string, facilities []string) ([]string, error) {
	if !store.ValidRole(role) {
		return nil, store.Errorf(store.CodeInvalid, "role %q: expected one of %s", role, strings.Join(store.Roles, ", "))
	}
	facs := make([]string, 0, len(facilities))
	for _, f := range facilities {
		if f = strings.TrimSpace(f); f != "" {
			facs = append(facs, f)
		}
	}
	if role == store.RoleBorrower && len(facs) == 0 {
		return nil, store.Errorf(store.CodeInvalid, "facilities: none: a borrower user needs the facilities they see")
	}
	if role != store.RoleBorrower && len(facs) > 0 {
		return nil, store.Errorf(store.CodeInvalid, "facilities: facilities are granted to borrower users; a %s sees every facility", role)
	}
	slices.Sort(facs)
	facs = slices.Compact(facs)
	for _, f := range facs {
		if _, err := s.Store.Facility(ctx, f); err != nil {
			return nil, fmt.Errorf("facilities: facility %s: %w", f, err)
		}
	}
	return facs, nil
}

// CreateToken creates an API token for the user with the email, valid
// for ttl (0: DefaultTokenTTL; at most MaxTokenTTL), in one store
// transaction with its audit record (which names the token by its SHA-256
// only). The token itself is returned once and never stored. A disabled
// user gets none.
func (s *Service) CreateToken(ctx context.Context, email string, ttl time.Duration) (token string, u store.User, err error) {
	ctx = named(ctx, OpCreateToken)
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
	ranAudited(ctx)
	return tok, u, nil
}
