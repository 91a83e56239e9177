package app

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"

	"revolver/auth"
	"revolver/store"
)

// SignIn is a sign-in tried.
type SignIn struct {
	Email    string
	Password string
	// Address is the client's address, counted by the address limit.
	Address string
	// TTL is how long the session lasts.
	TTL time.Duration
}

// SignedIn is a session begun: Token is the session cookie's value (only
// its SHA-256 is stored).
type SignedIn struct {
	User    store.User
	Session store.Session
	Token   string
}

// SignInError is a refused sign-in: code unauthorized (the email or the
// password is wrong; which one is not said) or rate_limited (too many
// failures: Wait says for how long).
type SignInError struct {
	Code    string
	Message string
	Wait    time.Duration
	// Disabled: the password was right but the account is disabled.
	Disabled bool
}

func (e *SignInError) Error() string { return e.Message }

// ErrorCode is the stable code.
func (e *SignInError) ErrorCode() string { return e.Code }

// Sign-in refusal codes.
const (
	CodeUnauthorized = "unauthorized"
	CodeRateLimited  = "rate_limited"
)

// dummyHash is verified when the email is unknown, so that the answer
// takes as long as for a wrong password. It is computed on first use: an
// argon2id hash costs tens of milliseconds and megabytes, which every
// command of the binary would otherwise pay at start.
var dummyHash = sync.OnceValue(func() string {
	h, _ := auth.HashPassword("not a password of anyone", auth.DefaultParams)
	return h
})

func (s *Service) accounts() (store.Accounts, error) {
	a, ok := s.Store.(store.Accounts)
	if !ok {
		return nil, fmt.Errorf("the store %T does not keep accounts", s.Store)
	}
	return a, nil
}

func (s *Service) signInLimits() auth.SignInLimits {
	if s.SignInLimits == (auth.SignInLimits{}) {
		return auth.DefaultSignInLimits
	}
	return s.SignInLimits
}

// hashSlots bounds the password hashes computed at once in this process
// (each takes memory and a core): attempts beyond it wait their turn.
var hashSlots = make(chan struct{}, max(2, runtime.NumCPU()))

// verifyBounded is auth.VerifyPassword within hashSlots; a request that
// ends while waiting is a wrong password.
func verifyBounded(ctx context.Context, hash, password string) bool {
	select {
	case hashSlots <- struct{}{}:
	case <-ctx.Done():
		return false
	}
	defer func() { <-hashSlots }()
	return auth.VerifyPassword(hash, password)
}

// maxEmail is the longest email address (RFC 5321 allows 254 characters
// in a path).
const maxEmail = 254

// SignIn checks an email and a password under the sign-in limits and, if
// they are right, begins a session. Every attempt is audited: a success,
// a wrong email or password (unauthorized) and one refused by the limits
// (rate_limited). The limits count failures in the store, so every server
// process on one database shares them: failures of the account since its
// last success, and far more of them from the client address; another
// account's failures never count against an account. An unknown email
// takes as long as a wrong password and is counted like one.
func (s *Service) SignIn(ctx context.Context, in SignIn) (SignedIn, error) {
	acc, err := s.accounts()
	if err != nil {
		return SignedIn{}, err
	}
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if email == "" || in.Password == "" {
		return SignedIn{}, store.Errorf(store.CodeInvalid, "email and password are required")
	}
	if len(email) > maxEmail {
		// No account has such an email; it is not kept either.
		return SignedIn{}, store.Errorf(store.CodeInvalid, "email: %d characters, expected at most %d", len(email), maxEmail)
	}
	now := s.now()
	lim := s.signInLimits()
	// The context's actor names the request (no one is signed in yet).
	a, _ := ActorFrom(ctx)
	rec := a.Record(OpSignIn, now)
	rec.Actor, rec.Role = email, ""
	after, _ := json.Marshal(map[string]string{"address": in.Address})
	rec.After = after
	// The attempt is reserved, counted as a failure, before the password
	// is hashed: simultaneous attempts for one account are checked one
	// after the other, so no more than the limit are hashed.
	attempt := store.SignInAttempt{At: now, Email: email, Address: in.Address}
	var refusal *SignInError
	id, err := acc.ReserveSignIn(ctx, attempt, now.Add(-lim.Window), func(fails, fromAddr []time.Time) error {
		if ok, why := lim.Allow(now, fails, fromAddr); !ok {
			wait := why.Wait.Round(time.Second)
			msg := fmt.Sprintf("too many failed sign-ins for this account: try again in %s", wait)
			if why.By == "address" {
				msg = fmt.Sprintf("too many failed sign-ins from this address: try again in %s", wait)
			}
			refusal = &SignInError{Code: CodeRateLimited, Message: msg, Wait: why.Wait}
			return refusal
		}
		return nil
	})
	if refusal != nil {
		rec.Result, rec.Error = store.AuditRefused, CodeRateLimited
		s.signInFailed(CodeRateLimited)
		if _, err := acc.AppendAudit(ctx, rec); err != nil {
			return SignedIn{}, err
		}
		return SignedIn{}, refusal
	}
	if err != nil {
		return SignedIn{}, err
	}
	u, err := acc.UserByEmail(ctx, email)
	if err != nil && store.ErrorCode(err) != store.CodeNotFound {
		return SignedIn{}, err
	}
	known := err == nil
	hash := u.PasswordHash
	if !known {
		hash = dummyHash()
	}
	if !verifyBounded(ctx, hash, in.Password) || !known {
		rec.Role = u.Role
		rec.Result, rec.Error = store.AuditRefused, CodeUnauthorized
		s.signInFailed(CodeUnauthorized)
		if _, err := acc.AppendAudit(ctx, rec); err != nil {
			return SignedIn{}, err
		}
		return SignedIn{}, &SignInError{Code: CodeUnauthorized, Message: "the email or the password is wrong"}
	}
	if u.Disabled {
		// Said only to whoever knows the password.
		rec.Role = u.Role
		rec.Result, rec.Error = store.AuditRefused, "disabled"
		if _, err := acc.AppendAudit(ctx, rec); err != nil {
			return SignedIn{}, err
		}
		return SignedIn{}, &SignInError{Code: CodeUnauthorized, Message: "this account is disabled: ask an administrator", Disabled: true}
	}
	token, csrf := auth.Random("", 32), auth.Random("", 32)
	sess := store.Session{IDSHA256: auth.SHA256(token), UserID: u.ID, CSRF: csrf, Created: now, Expires: now.Add(in.TTL)}
	rec.Actor, rec.Role = u.Email, u.Role
	if err := acc.CompleteSignIn(ctx, id, sess, &rec); err != nil {
		return SignedIn{}, err
	}
	return SignedIn{User: u, Session: sess, Token: token}, nil
}

// SignOut ends a session of u and audits it (the context's actor names
// the request).
func (s *Service) SignOut(ctx context.Context, u store.User, sess store.Session) error {
	acc, err := s.accounts()
	if err != nil {
		return err
	}
	a, _ := ActorFrom(ctx)
	rec := a.Record(OpSignOut, s.now())
	rec.Actor, rec.Role = u.Email, u.Role
	return acc.EndSession(ctx, sess.IDSHA256, &rec)
}
