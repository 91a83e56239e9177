package auth

import (
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The password rule follows NIST SP 800-63B (revision 4, §3.1.1.2) for
// a password that is the only factor: counted in characters (Unicode code
// points after NFC normalisation, so "é" typed either way is one), at
// least MinPasswordChars and at most MaxPasswordChars, every character
// allowed (spaces too, but not only spaces), no composition rule (no
// "one digit, one capital"), and no password of a list of common ones.
const (
	MinPasswordChars = 15
	MaxPasswordChars = 256
)

// commonList is the commonest passwords of breach corpora, one a line in
// lower case (the first entries of SecLists' 10k-most-common list, MIT
// licence, and a few words of this system).
//
//go:embed common-passwords.txt
var commonList string

var common = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[l] = true
		}
	}
	return m
})

// NormalizePassword is the form of a password that is hashed and
// checked: NFC.
func NormalizePassword(pw string) string { return norm.NFC.String(pw) }

// CheckPassword applies the password rule, saying what is wrong (never
// repeating the password).
func CheckPassword(pw string) error {
	if !utf8.ValidString(pw) {
		return fmt.Errorf("password: not valid UTF-8 text")
	}
	pw = NormalizePassword(pw)
	n := utf8.RuneCountInString(pw)
	switch {
	case strings.TrimSpace(pw) == "":
		return fmt.Errorf("password: only spaces: expected at least %d characters that are not all spaces", MinPasswordChars)
	case n < MinPasswordChars:
		return fmt.Errorf("password: %d characters, expected at least %d (a few words make a good one)", n, MinPasswordChars)
	case n > MaxPasswordChars:
		return fmt.Errorf("password: %d characters, expected at most %d", n, MaxPasswordChars)
	case strings.IndexFunc(pw, unicode.IsControl) >= 0:
		return fmt.Errorf("password: a control character, expected printable characters")
	}
	if common()[strings.ToLower(pw)] || commonCore(pw) {
		return fmt.Errorf("password: one of the commonest passwords, or one with digits or signs added: choose another")
	}
	distinct := map[rune]bool{}
	for _, r := range pw {
		distinct[r] = true
	}
	if len(distinct) < 4 {
		return fmt.Errorf("password: %d different characters, expected at least 4 (no repeated or sequential patterns)", len(distinct))
	}
	return nil
}

// commonCore: the letters of pw (in lower case) are a common password,
// or one repeated ("password2024!!!!", "monkeymonkeymonkey").
func commonCore(pw string) bool {
	var b strings.Builder
	for _, r := range strings.ToLower(pw) {
		if unicode.IsLetter(r) {
			b.WriteRune(r)
		}
	}
	core := b.String()
	if core == "" {
		return false
	}
	if common()[core] {
		return true
	}
	for k := 1; k <= len(core)/2; k++ {
		if len(core)%k == 0 && strings.Repeat(core[:k], len(core)/k) == core && (k < 4 || common()[core[:k]]) {
			return true
		}
	}
	return false
}
