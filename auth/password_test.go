package auth

import (
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
)

// TestCheckPassword pins the sweep's finding: passwords were counted in
// bytes, so five "é" (ten bytes) or eight spaces passed.
func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw   string
		want string // "" accepted, else a part of the message
	}{
		{"ééééé", "5 characters"},
		{strings.Repeat("é", 14), "14 characters"},
		{strings.Repeat("e\u0301", 7) + "abcdefgh", ""}, // 7 é (decomposed: 14 code points) + 8 = 15 after NFC
		{strings.Repeat("e\u0301", 7) + "abcdefg", "14 characters"},
		{"        ", "only spaces"},
		{strings.Repeat(" ", 20), "only spaces"},
		{"\t \n" + strings.Repeat(" ", 20), "only spaces"},
		{"password1234567", "commonest"},
		{"Password!!2024!!", "commonest"},
		{"monkeymonkeymonkey", "commonest"},
		{"qwertyuiopasdfghjkl", "commonest"},
		{"abababababababab", "commonest"},
		{"111111111111111111", "different characters"},
		{"1212121212121212", "different characters"},
		{"correct horse battery", ""},
		{"admin-demo-pass", ""},
		{"officer-demo-pass", ""},
		{"a-long-password", ""},
		{"s3cret-password", ""},
		{"ma phrase de passe très longue", ""},
		{"пароль-из-слов-дл", ""},
		{strings.Repeat("abcd", 65), "260 characters"},
		{"a perfectly\x00long password", "control character"},
		{"\xff\xfe long enough password", "UTF-8"},
	} {
		err := CheckPassword(tc.pw)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckPassword(%q) = %v, want accepted", tc.pw, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("CheckPassword(%q) = %v, want an error saying %q", tc.pw, err, tc.want)
		}
		if err != nil && len(tc.pw) > 3 && strings.Contains(err.Error(), tc.pw) {
			t.Errorf("the message repeats the password: %v", err)
		}
	}
	if n := len(common()); n < 1000 {
		t.Fatalf("common passwords: %d, want at least 1000", n)
	}
}

// TestPasswordNormalised: a password hashed in one Unicode form verifies
// typed in the other.
func TestPasswordNormalised(t *testing.T) {
	composed, decomposed := "café au lait chaud", "cafe\u0301 au lait chaud"
	h, err := HashPassword(decomposed, fast)
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyPassword(h, composed) || !VerifyPassword(h, decomposed) {
		t.Fatal("a password does not verify in both Unicode forms")
	}
	if VerifyPassword(h, "cafe au lait chaud") {
		t.Fatal("a different password verified")
	}
}

// TestClientAddress: X-Forwarded-For is believed only from trusted
// proxies, read from its end, so that a client cannot choose the address
// the sign-in limits count.
func TestClientAddress(t *testing.T) {
	trusted, err := ParseTrustedProxies([]string{"10.0.0.0/8, 192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseTrustedProxies([]string{"not-an-address"}); err == nil {
		t.Fatal("a bad proxy accepted")
	}
	for _, tc := range []struct {
		remote, xff string
		trusted     bool
		want        string
	}{
		{"203.0.113.9:4000", "198.51.100.1", false, "203.0.113.9"},
		{"10.0.0.5:4000", "198.51.100.1", false, "10.0.0.5"},
		{"10.0.0.5:4000", "198.51.100.1", true, "198.51.100.1"},
		{"10.0.0.5:4000", "1.2.3.4, 198.51.100.1", true, "198.51.100.1"},  // the client's own prefix is not believed
		{"10.0.0.5:4000", "198.51.100.1, 10.0.0.7", true, "198.51.100.1"}, // through two proxies
		{"203.0.113.9:4000", "198.51.100.1", true, "203.0.113.9"},         // not from a proxy
		{"192.0.2.1:4000", "", true, "192.0.2.1"},
		{"10.0.0.5:4000", "garbage", true, "10.0.0.5"},
		{"[::ffff:10.0.0.5]:4000", "198.51.100.1", true, "198.51.100.1"},
	} {
		r := httptest.NewRequest("POST", "/sign-in", nil)
		r.RemoteAddr = tc.remote
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		var tr []netip.Prefix
		if tc.trusted {
			tr = trusted
		}
		if got := ClientAddress(r, tr); got != tc.want {
			t.Errorf("ClientAddress(%s, XFF %q, trusted %v) = %s, want %s", tc.remote, tc.xff, tc.trusted, got, tc.want)
		}
	}
}
