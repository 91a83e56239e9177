package app

import (
	"context"
	"fmt"
	"strings"

	"revolver/auth"
	"revolver/store"
)

// PasswordChange is a user's change of their own password: the current
// one (required) and the new one (auth.CheckPassword's rules), and the
// session of the browser asking, kept signed in (every other session of
// the user ends; "" for none, as through an API token).
type PasswordChange struct {
	Current, New string
	KeepSession  string
}

// ChangePassword changes the password of the actor's own user: the
// current password must be given, and the new one follow the password
// rules and differ from it. Every other session of theirs ends (their API
// tokens stay), and a password an administrator set no longer needs
// changing, in one store transaction with its audit record (which holds
// neither password). It returns how many sessions ended.
func (s *Service) ChangePassword(ctx context.Context, in PasswordChange) (int, error) {
	ctx = named(ctx, OpChangePassword)
	if err := authorize(ctx, ActChangePassword, ""); err != nil {
		return 0, err
	}
	a, ok := ActorFrom(ctx)
	if !ok || a.UserID == 0 {
		return 0, store.Errorf(store.CodeForbidden, "change password: only a signed-in user changes their own password")
	}
	acc, err := s.accounts()
	if err != nil {
		return 0, err
	}
	u, err := acc.UserByID(ctx, a.UserID)
	if err != nil {
		return 0, err
	}
	if in.Current == "" {
		return 0, store.Errorf(store.CodeInvalid, "current password: required: the password you signed in with")
	}
	if !verifyBounded(ctx, u.PasswordHash, in.Current) {
		return 0, store.Errorf(store.CodeInvalid, "current password: not the password of %s", u.Email)
	}
	if err := checkNewPassword(in.New); err != nil {
		return 0, err
	}
	if auth.NormalizePassword(in.New) == auth.NormalizePassword(in.Current) {
		return 0, store.Errorf(store.CodeInvalid, "new password: the same as the current one: choose another")
	}
	hash, err := hashBounded(ctx, in.New)
	if err != nil {
		return 0, err
	}
	rec := s.accessRecord(ctx, OpChangePassword, u, map[string]any{"user": u.Email, "sessions": "other sessions ended"})
	n, err := acc.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: hash, At: s.now(), KeepSession: in.KeepSession}, &rec)
	if err != nil {
		return 0, err
	}
	ranAudited(ctx)
	return n, nil
}

// checkNewPassword applies the password rules to a new password, as a
// refusal of the field "new password".
func checkNewPassword(pw string) error {
	if err := auth.CheckPassword(pw); err != nil {
		return store.Errorf(store.CodeInvalid, "new %v", err)
	}
	return nil
}

// hashBounded is auth.HashPassword within hashSlots.
func hashBounded(ctx context.Context, pw string) (string, error) {
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-hashSlots }()
	h, err := auth.HashPassword(pw, auth.DefaultParams)
	if err != nil {
		return "", store.Errorf(store.CodeInvalid, "new %v", err)
	}
	return h, nil
}

// PasswordReset is the outcome of an administrator's reset: the user and,
// when the administrator gave none, the password generated (shown once,
// never stored).
type PasswordReset struct {
	User      store.User `json:"user"`
	Generated string     `json:"password,omitempty"`
	// Ended is how many sessions of the user ended.
	Ended int `json:"sessions_ended"`
}

// ResetPassword sets a user's password for an administrator: the one
// given (the password rules apply) or, with "", one generated and
// returned once. Every session of the user ends and they must change the
// password at their next sign-in (the web pages ask before anything
// else), in one store transaction with its audit record (which holds no
// password). An administrator changes their own with ChangePassword.
func (s *Service) ResetPassword(ctx context.Context, email, password string) (PasswordReset, error) {
	acc, u, err := s.managedUser(ctx, OpResetPassword, email)
	if err != nil {
		return PasswordReset{}, err
	}
	ctx = named(ctx, OpResetPassword)
	if a, _ := ActorFrom(ctx); a.UserID != 0 && a.UserID == u.ID {
		return PasswordReset{}, store.Errorf(store.CodeConflict, "user %s: you change your own password on the Change password page (with your current one), not by a reset", u.Email)
	}
	out := PasswordReset{User: u}
	if password == "" {
		password = auth.Random("", 15)
		out.Generated = password
	} else if err := checkNewPassword(password); err != nil {
		return PasswordReset{}, err
	}
	hash, err := hashBounded(ctx, password)
	if err != nil {
		return PasswordReset{}, err
	}
	rec := s.accessRecord(ctx, OpResetPassword, u, map[string]any{"user": u.Email, "generated": out.Generated != "", "must_change": true})
	n, err := acc.SetPassword(ctx, store.PasswordChange{UserID: u.ID, Hash: hash, MustChange: true, At: s.now()}, &rec)
	if err != nil {
		return PasswordReset{}, err
	}
	ranAudited(ctx)
	out.Ended = n
	out.User.MustChangePassword = true
	return out, nil
}

// Access is a user's role and the facilities granted (to a borrower).
type Access struct {
	Role       string   `json:"role"`
	Facilities []string `json:"facilities"`
}

// SetAccess changes a user's role and the facilities granted to them (a
// borrower sees the facilities granted, at least one; anyone else every
// facility, granted none), appended in one store transaction with its
// audit record (before and after). An administrator cannot change their
// own (another must).
func (s *Service) SetAccess(ctx context.Context, email string, in Access) (store.User, error) {
	acc, u, err := s.managedUser(ctx, OpSetAccess, email)
	if err != nil {
		return u, err
	}
	ctx = named(ctx, OpSetAccess)
	if a, _ := ActorFrom(ctx); a.UserID != 0 && a.UserID == u.ID {
		return u, store.Errorf(store.CodeConflict, "user %s: you cannot change your own role; another administrator can", u.Email)
	}
	facs, err := s.checkAccess(ctx, strings.TrimSpace(in.Role), in.Facilities)
	if err != nil {
		return u, err
	}
	rec := s.accessRecord(ctx, OpSetAccess, u, map[string]any{"user": u.Email, "role": in.Role, "facilities": facs})
	before := fmt.Sprintf(`{"role":%q,"facilities":%s}`, u.Role, jsonList(u.Facilities))
	rec.Before = []byte(before)
	rec.StatusBefore, rec.StatusAfter = u.Role, strings.TrimSpace(in.Role)
	out, err := acc.SetAccess(ctx, u.ID, strings.TrimSpace(in.Role), facs, s.now(), &rec)
	if err != nil {
		return u, err
	}
	ranAudited(ctx)
	return out, nil
}

func jsonList(xs []string) string {
	if len(xs) == 0 {
		return "[]"
	}
	q := make([]string, len(xs))
	for i, x := range xs {
		q[i] = fmt.Sprintf("%q", x)
	}
	return "[" + strings.Join(q, ",") + "]"
}

// PasswordChangeRequired refuses (forbidden) every action of a user whose
// password an administrator set (ResetPassword) until they change it
// (ChangePassword): the one rule the pages and the API apply, each leaving
// open only changing the password, seeing who one is and signing out.
func PasswordChangeRequired(u store.User) error {
	if !u.MustChangePassword {
		return nil
	}
	return store.Errorf(store.CodeForbidden, "%s: the password was set by an administrator: change it first (it is the only action open until then)", u.Email)
}
