// Package auth checks who someone is: password hashing and rules, and
// throttling of failed logins.
package auth

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// MinPasswordLength is counted in characters, so a Thai or Khmer passphrase
// is held to the same rule as a Latin one.
const MinPasswordLength = 12

// Password rule violations; pages translate them.
var (
	ErrPasswordTooShort = errors.New("password shorter than 12 characters")
	ErrPasswordTooLong  = errors.New("password longer than 256 characters")
	ErrPasswordCommon   = errors.New("password on the list of common passwords")
)

// CheckPassword applies the password rules.
func CheckPassword(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLength:
		return ErrPasswordTooShort
	case n > 256:
		return ErrPasswordTooLong
	case isCommon(password):
		return ErrPasswordCommon
	}
	return nil
}

// common-passwords.txt is a list of widely used passwords of 12 characters
// or more, one a line, lower-cased: the ones the length rule lets through.
//
//go:embed common-passwords.txt
var commonList []byte

var common = sync.OnceValue(func() map[string]struct{} {
	m := make(map[string]struct{})
	sc := bufio.NewScanner(bytes.NewReader(commonList))
	for sc.Scan() {
		if w := strings.TrimSpace(sc.Text()); w != "" && !strings.HasPrefix(w, "#") {
			m[w] = struct{}{}
		}
	}
	return m
})

func isCommon(password string) bool {
	_, ok := common()[strings.ToLower(password)]
	return ok
}

// argon2id parameters: OWASP's recommended 19 MiB, 2 passes, 1 lane, which
// keeps a login near 30 ms on the 2-core servers Handshake targets.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches hash, in constant time.
func VerifyPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, iter uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &iter, &threads); err != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, iter, mem, threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when the email is unknown, so that an
// unknown account costs the same time as a wrong password.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("handshake-timing-equaliser")
	return h
})

// BurnVerify spends the time of one password check.
func BurnVerify(password string) { VerifyPassword(dummyHash(), password) }

// TemporaryPassword returns a random password for a reset: 16 characters
// (80 bits) in groups of four, easy to read aloud over a phone.
func TemporaryPassword() string {
	t := strings.ToLower(rand.Text()[:16])
	return t[0:4] + "-" + t[4:8] + "-" + t[8:12] + "-" + t[12:16]
}
