package web

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestBreakableKeepsTextAndMarksWhole(t *testing.T) {
	for _, s := range []string{
		"",
		"investigator@th-ppr2.example",
		`{"email":"a.very.long.address.of.someone.unknown@partner-agency.example"}`,
		"2001:db8:85a3:1234:5678:8a2e:370:7334",
		strings.Repeat("ก่", 40),
		strings.Repeat("ស្រី", 30),
		strings.Repeat("x", 100),
	} {
		pieces := breakable(s)
		if strings.Join(pieces, "") != s {
			t.Errorf("%q: pieces %q do not make up the text", s, pieces)
		}
		for i, p := range pieces {
			r, _ := utf8.DecodeRuneInString(p)
			if i > 0 && unicode.In(r, unicode.M) {
				t.Errorf("%q: piece %q starts with a combining mark", s, p)
			}
			if p == "" && s != "" {
				t.Errorf("%q: an empty piece", s)
			}
			if n := utf8.RuneCountInString(p); n > 24 && utf8.RuneCountInString(s) > 32 {
				t.Errorf("%q: piece %q of %d characters is too long to wrap", s, p, n)
			}
		}
	}
}

func TestShortenCutsLongValuesOnly(t *testing.T) {
	for s, want := range map[string]string{
		"":          "",
		"abc":       "abc",
		"abcd":      "abc…",
		"ស្រីល័ក្ខ": "ស្រី…",
	} {
		if got := shorten(s, 3); got != want {
			t.Errorf("shorten(%q, 3) = %q, want %q", s, got, want)
		}
	}
}
