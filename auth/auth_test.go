package auth

import (
	"strings"
	"testing"
	"time"
)

var fast = Params{Memory: 1024, Time: 1, Threads: 1}

func TestPassword(t *testing.T) {
	h, err := HashPassword("correct horse", fast)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q", h)
	}
	for _, tc := range []struct {
		hash, pw string
		want     bool
	}{
		{h, "correct horse", true},
		{h, "correct horsE", false},
		{h, "", false},
		{strings.Replace(h, "argon2id", "argon2i", 1), "correct horse", false},
		{"$argon2id$v=19$m=1024,t=1,p=0$AAAA$AAAA", "x", false},
		{"garbage", "correct horse", false},
	} {
		if got := VerifyPassword(tc.hash, tc.pw); got != tc.want {
			t.Errorf("VerifyPassword(%q, %q) = %v, want %v", tc.hash, tc.pw, got, tc.want)
		}
	}
	if _, err := HashPassword("", fast); err == nil {
		t.Fatal("empty password hashed")
	}
	h2, _ := HashPassword("correct horse", fast)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestSignInLimits(t *testing.T) {
	l := SignInLimits{PerAccount: 3, PerAddress: 10, Window: time.Minute}
	t0 := time.Unix(1000, 0)
	secs := func(from, n int) []time.Time {
		var out []time.Time
		for i := 0; i < n; i++ {
			out = append(out, t0.Add(time.Duration(from+i)*time.Second))
		}
		return out
	}
	for _, tc := range []struct {
		name             string
		now              time.Time
		account, address []time.Time
		ok               bool
		by               string
		wait             time.Duration
	}{
		{"no failures", t0, nil, nil, true, "", 0},
		{"two of three", t0.Add(2 * time.Second), secs(0, 2), secs(0, 2), true, "", 0},
		// Failures at 0, 1, 2 s: the attempt at 3 s waits until the one
		// at 0 s leaves the window (60 s).
		{"account limit", t0.Add(3 * time.Second), secs(0, 3), secs(0, 3), false, "account", 57 * time.Second},
		{"account limit, more failures", t0.Add(5 * time.Second), secs(0, 5), secs(0, 5), false, "account", 57 * time.Second},
		{"after the window", t0.Add(61 * time.Second), secs(0, 3), secs(0, 3), true, "", 0},
		{"partly out of the window", t0.Add(60 * time.Second), secs(0, 3), secs(0, 3), true, "", 0},
		// Nine failures of other accounts from the address do not stop
		// an account without failures; the tenth does.
		{"address below its limit", t0.Add(9 * time.Second), nil, secs(0, 9), true, "", 0},
		{"address limit", t0.Add(10 * time.Second), nil, secs(0, 10), false, "address", 50 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, why := l.Allow(tc.now, tc.account, tc.address)
			if ok != tc.ok || why.By != tc.by || why.Wait != tc.wait {
				t.Errorf("Allow = %v %+v, want %v {By:%s Wait:%v}", ok, why, tc.ok, tc.by, tc.wait)
			}
		})
	}
	if d := DefaultSignInLimits; d.PerAddress < 10*d.PerAccount {
		t.Errorf("default limits %+v: the address limit should be far higher than the account's", d)
	}
}

func TestToken(t *testing.T) {
	a, ha := NewToken()
	b, _ := NewToken()
	if a == b || !strings.HasPrefix(a, "rvk_") || len(ha) != 64 || SHA256(a) != ha {
		t.Fatalf("tokens %q %q %q", a, b, ha)
	}
}

// FuzzVerifyPassword: any stored string and password give an answer, never
// a panic, and only the right password verifies.
func FuzzVerifyPassword(f *testing.F) {
	h, _ := HashPassword("correct horse", fast)
	f.Add(h, "correct horse")
	f.Add("$argon2id$v=19$m=1,t=1,p=1$$", "")
	f.Add("$argon2id$v=19$m=99999999999,t=1,p=1$AAAA$AAAA", "x")
	f.Add("$$$$$", "x")
	f.Fuzz(func(t *testing.T, hash, pw string) {
		if len(hash) > 200 || strings.Contains(hash, "m=") && !strings.Contains(hash, "m=1024,") && !strings.Contains(hash, "m=1,") {
			return // keep memory parameters small
		}
		if VerifyPassword(hash, pw) && hash == h && pw != "correct horse" {
			t.Fatalf("wrong password %q verified", pw)
		}
	})
}
