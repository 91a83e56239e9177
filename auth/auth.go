// Package auth owns the secrets of signing in: argon2id password hashes
// (PHC string format), random API tokens and session ids (stored only as
// their SHA-256), CSRF tokens, and a limiter of failed sign-in attempts.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
}

// DefaultParams follow the OWASP recommendation for argon2id (19 MiB, two
// passes, one lane).
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1}

// HashPassword returns the argon2id hash of pw in PHC string format:
// $argon2id$v=19$m=…,t=…,p=…$salt$hash (unpadded base64).
func HashPassword(pw string, p Params) (string, error) {
	if len(pw) < 8 {
		return "", errors.New("password: at least 8 characters are required")
	}
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC-format hash (compared
// in constant time).
func VerifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return false
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil ||
		p.Threads == 0 || p.Time == 0 || p.Time > 16 || p.Memory < 8*uint32(p.Threads) || p.Memory > 1<<20 {
		return false // outside what argon2 accepts, or what this server would spend (1 GiB, 16 passes)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// Random returns n random bytes, unpadded base64url, with a prefix.
func Random(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// NewToken returns a new API token and the SHA-256 (hex) to store.
func NewToken() (token, sum string) {
	token = Random("rvk_", 32)
	return token, SHA256(token)
}

// SHA256 is the hex SHA-256 of s.
func SHA256(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// Equal compares secrets in constant time.
func Equal(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

// Limiter limits failed sign-in attempts per key (an email, a client
// address): after Max failures within Window further attempts are refused
// until the oldest failure leaves the window. A success clears the key.
type Limiter struct {
	Max    int
	Window time.Duration

	mu   sync.Mutex
	fail map[string][]time.Time
}

// NewLimiter returns a limiter of max failures per window.
func NewLimiter(max int, window time.Duration) *Limiter {
	return &Limiter{Max: max, Window: window, fail: map[string][]time.Time{}}
}

func (l *Limiter) prune(key string, now time.Time) []time.Time {
	f := l.fail[key]
	i := 0
	for i < len(f) && now.Sub(f[i]) >= l.Window {
		i++
	}
	f = f[i:]
	if len(f) == 0 {
		delete(l.fail, key)
	} else {
		l.fail[key] = f
	}
	return f
}

// Allow reports whether an attempt for every key may proceed now, and if
// not, when it may be retried.
func (l *Limiter) Allow(now time.Time, keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		if f := l.prune(k, now); len(f) >= l.Max {
			return false, l.Window - now.Sub(f[0])
		}
	}
	return true, 0
}

// Fail records a failed attempt for every key.
func (l *Limiter) Fail(now time.Time, keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, k := range keys {
		l.fail[k] = append(l.prune(k, now), now)
	}
}

// Succeed clears a key.
func (l *Limiter) Succeed(key string) {
	l.mu.Lock()
	delete(l.fail, key)
	l.mu.Unlock()
}
