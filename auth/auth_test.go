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
	if _, err := HashPassword("short", fast); err == nil {
		t.Fatal("short password accepted")
	}
	h2, _ := HashPassword("correct horse", fast)
	if h2 == h {
		t.Fatal("two hashes of one password are equal: no salt")
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(3, time.Minute)
	t0 := time.Unix(1000, 0)
	for i := 0; i < 3; i++ {
		if ok, _ := l.Allow(t0, "a"); !ok {
			t.Fatalf("attempt %d refused", i)
		}
		l.Fail(t0.Add(time.Duration(i)*time.Second), "a")
	}
	if ok, wait := l.Allow(t0.Add(3*time.Second), "a"); ok || wait != 57*time.Second {
		t.Fatalf("4th attempt: ok %v wait %v", ok, wait)
	}
	if ok, _ := l.Allow(t0.Add(3*time.Second), "b"); !ok {
		t.Fatal("other key refused")
	}
	if ok, _ := l.Allow(t0.Add(61*time.Second), "a"); !ok {
		t.Fatal("attempt after the window refused")
	}
	l.Succeed("a")
	if ok, _ := l.Allow(t0.Add(3*time.Second), "a"); !ok {
		t.Fatal("refused after success")
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
