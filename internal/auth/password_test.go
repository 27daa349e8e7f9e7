package auth

import (
	"errors"
	"strings"
	"testing"
)

func TestHashAndVerify(t *testing.T) {
	h, err := HashPassword("ព្រះអាទិត្យរះ ម៉ោង ៦")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q is not argon2id with the chosen parameters", h)
	}
	if !VerifyPassword(h, "ព្រះអាទិត្យរះ ម៉ោង ៦") {
		t.Error("the right password does not verify")
	}
	if VerifyPassword(h, "ព្រះអាទិត្យរះ ម៉ោង ៧") {
		t.Error("a wrong password verifies")
	}
	h2, _ := HashPassword("ព្រះអាទិត្យរះ ម៉ោង ៦")
	if h == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, bad := range []string{"", "$argon2id$", "$bcrypt$x$y$z$w", h[:len(h)-4] + "!!!!"} {
		if VerifyPassword(bad, "anything") {
			t.Errorf("malformed hash %q verified", bad)
		}
	}
}

func TestPasswordRules(t *testing.T) {
	for pw, want := range map[string]error{
		"short":                  ErrPasswordTooShort,
		"elevenchars":            ErrPasswordTooShort,
		"qwertyuiopasdfgh":       ErrPasswordCommon,
		"QwertyUiopAsdfgh":       ErrPasswordCommon, // case does not help
		"123456789012":           ErrPasswordCommon,
		strings.Repeat("x", 257): ErrPasswordTooLong,
		"บ้านริมน้ำสามหลัง":     nil, // 17 Thai characters, more than 12 bytes is not the rule
		"correct horse battery": nil,
		"ពាក្យសម្ងាត់វែង":       nil,
	} {
		if got := CheckPassword(pw); !errors.Is(got, want) {
			t.Errorf("CheckPassword(%.20q) = %v, want %v", pw, got, want)
		}
	}
	if len(common()) < 9000 {
		t.Fatalf("the common-password list has %d entries; it did not load", len(common()))
	}
}

func TestTemporaryPasswordPassesTheRules(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		p := TemporaryPassword()
		if err := CheckPassword(p); err != nil {
			t.Fatalf("%q: %v", p, err)
		}
		if seen[p] {
			t.Fatalf("%q came twice", p)
		}
		seen[p] = true
	}
}
