// Package auth owns the secrets of signing in: argon2id password hashes
// (PHC string format), random API tokens and session ids (stored only as
// their SHA-256), CSRF tokens, and the rule limiting failed sign-ins (SignInLimits).
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

// HashPassword returns the argon2id hash of pw (NFC, NormalizePassword)
// in PHC string format: $argon2id$v=19$m=…,t=…,p=…$salt$hash (unpadded
// base64). The rule of what a password may be is CheckPassword's.
func HashPassword(pw string, p Params) (string, error) {
	if pw == "" {
		return "", errors.New("password: empty")
	}
	pw = NormalizePassword(pw)
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(pw), salt, p.Time, p.Memory, p.Threads, 32)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether pw matches the PHC-format hash (compared
// in constant time). pw is normalised (NFC) as HashPassword does; a hash
// of a password stored before normalisation is matched as typed too.
func VerifyPassword(hash, pw string) bool {
	n := NormalizePassword(pw)
	if verify(hash, n) {
		return true
	}
	return n != pw && verify(hash, pw)
}

func verify(hash, pw string) bool {
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

// SignInLimits is the rule of failed sign-ins. Failures are counted per
// account (the email typed, known or not, so that the answer does not tell
// which accounts exist) since the account's last successful sign-in, and
// separately per client address with a far higher limit, each over the
// last Window. Another account's failures never count against an account;
// the address limit only stops one address trying many accounts.
type SignInLimits struct {
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// DefaultSignInLimits: five failures per account and a hundred per client
// address within fifteen minutes.
var DefaultSignInLimits = SignInLimits{PerAccount: 5, PerAddress: 100, Window: 15 * time.Minute}

// SignInRefusal says why a sign-in may not be tried now and when it may.
type SignInRefusal struct {
	// By is "account" or "address": the limit reached.
	By   string
	Wait time.Duration
}

// Allow decides whether a sign-in may be tried at now, given the times of
// the failures that count (oldest first): those of the account and those
// from the address, within the window. Refused attempts are not failures:
// waiting ends a refusal, retrying does not prolong it.
func (l SignInLimits) Allow(now time.Time, account, address []time.Time) (bool, SignInRefusal) {
	if ok, wait := l.check(now, l.PerAccount, account); !ok {
		return false, SignInRefusal{By: "account", Wait: wait}
	}
	if ok, wait := l.check(now, l.PerAddress, address); !ok {
		return false, SignInRefusal{By: "address", Wait: wait}
	}
	return true, SignInRefusal{}
}

// check: with max or more failures inside the window, an attempt waits
// until enough of them leave it that fewer than max remain.
func (l SignInLimits) check(now time.Time, max int, fails []time.Time) (bool, time.Duration) {
	var in []time.Time
	for _, t := range fails {
		if now.Sub(t) < l.Window {
			in = append(in, t)
		}
	}
	if max <= 0 || len(in) < max {
		return true, 0
	}
	return false, l.Window - now.Sub(in[len(in)-max])
}
