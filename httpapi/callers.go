package httpapi

import (
	"errors"
	"slices"
	"sync"
	"time"

	"revolver/store"
)

// callers keeps the callers of the API tokens this process has looked up,
// each with the accounts' version it was read at (store.Caller). A read
// request (GET or HEAD, not mutating) whose token is kept is served as its
// caller, provisionally: the request's own read of the read state notes
// its snapshot's accounts' version (store.AccessCheck), and the answer is
// sent only when that version is the one the caller was read at, so that
// nothing about the token or its user changed before the answer's
// snapshot. Otherwise the caller is looked up again before anything is
// sent (confirm): a token revoked or expired, or of a user disabled, is
// refused as on a first request, and a caller whose role, grants or
// password changed has the request served again as the caller found.
// Every process decides from the database's version, so a change made
// through one is seen by the next request to any other, as without the
// cache. A mutating request always looks its caller up first.
type callers struct {
	mu sync.Mutex
	m  map[string]store.Caller
}

// maxCallers bounds the tokens kept; beyond it the map starts again.
const maxCallers = 10_000

// get is the caller kept for a token's SHA-256, if its token is not
// expired at now.
func (k *callers) get(sha string, now time.Time) (store.Caller, bool) {
	k.mu.Lock()
	defer k.mu.Unlock()
	c, ok := k.m[sha]
	if ok && !now.Before(c.Expires) {
		delete(k.m, sha)
		return store.Caller{}, false
	}
	return c, ok
}

func (k *callers) put(sha string, c store.Caller) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil || len(k.m) >= maxCallers {
		k.m = map[string]store.Caller{}
	}
	k.m[sha] = c
}

func (k *callers) forget(sha string) {
	k.mu.Lock()
	defer k.mu.Unlock()
	delete(k.m, sha)
}

// errStaleCaller: the kept caller of a provisional request is no longer
// its token's caller; the request is served again as the one found.
var errStaleCaller = errors.New("the token's caller changed")

// provisional reports whether the request may be served as a kept caller.
func (c *call) provisional() bool {
	return !c.fresh && !c.rt.Mutating && (c.r.Method == "GET" || c.r.Method == "HEAD")
}

// confirm confirms, before anything of the answer is sent, the caller a
// provisional request was served as: by the accounts' version its read
// state was read at, else by looking the token up again. It answers 401
// for a token no longer valid and errStaleCaller for a caller changed.
func (s *Server) confirm(c *call) error {
	check := c.check
	if check == nil {
		return nil
	}
	c.check = nil
	if check.Confirmed() {
		return nil
	}
	k, err := s.acc.TokenCaller(c.r.Context(), c.tokenSHA, s.now())
	if store.ErrorCode(err) == store.CodeNotFound {
		s.callers.forget(c.tokenSHA)
		return errInvalidToken()
	}
	if err != nil {
		return err
	}
	s.callers.put(c.tokenSHA, k)
	if !sameUser(k.User, c.user) {
		return errStaleCaller
	}
	return nil
}

func errInvalidToken() error {
	return errf(401, "unauthorized", "the API token is not valid (unknown, revoked, expired, or of a disabled user)")
}

// sameUser reports whether two reads of a user agree on everything a
// request's authorisation depends on.
func sameUser(a, b store.User) bool {
	return a.ID == b.ID && a.Email == b.Email && a.Role == b.Role && a.PasswordHash == b.PasswordHash &&
		a.Disabled == b.Disabled && a.MustChangePassword == b.MustChangePassword && slices.Equal(a.Facilities, b.Facilities)
}
