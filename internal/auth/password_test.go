package auth

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
)

func TestHashAndVerify(t *testing.T) {
	h, err := HashPassword("ព្រះអាទិត្យរះ ម៉ោង ៦")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=7168,t=5,p=1$") {
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

// A hash made with the earlier parameters still verifies, and is marked
// for replacing; a current one is not.
func TestNeedsRehash(t *testing.T) {
	const password = "ព្រះអាទិត្យរះ ម៉ោង ៦"
	salt := []byte("0123456789abcdef")
	b64 := base64.RawStdEncoding
	old := "$argon2id$v=19$m=19456,t=2,p=1$" + b64.EncodeToString(salt) + "$" +
		b64.EncodeToString(argon2.IDKey([]byte(password), salt, 2, 19456, 1, 32))
	if !VerifyPassword(old, password) {
		t.Error("a hash with the earlier parameters does not verify")
	}
	if !NeedsRehash(old) {
		t.Error("a hash with the earlier parameters is not marked for rehashing")
	}
	h, _ := HashPassword(password)
	if NeedsRehash(h) {
		t.Errorf("a current hash %q is marked for rehashing", h)
	}
	if !NeedsRehash("$bcrypt$x$y$z$w") {
		t.Error("a malformed hash is not marked for rehashing")
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
