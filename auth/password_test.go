package auth

import (
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
