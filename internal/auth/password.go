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
	"runtime"
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

// argon2id parameters: 7 MiB, 5 passes, 1 lane, one of the settings OWASP's
// Password Storage Cheat Sheet lists as equal in strength to its 19 MiB and
// 2 passes. On the 2-core servers Handshake targets, 7 MiB stays in the
// processor's cache, so two sign-ins hash at once without waiting on
// memory: both cores together make a hash every 10 ms, where at 19 MiB
// they made one every 16 ms (docs/performance.md, "Login"). Hashes made
// with other parameters still verify, and NeedsRehash tells when to
// replace them.
const (
	argonTime    = 5
	argonMemory  = 7 * 1024
	argonThreads = 1
	argonKeyLen  = 32
	saltLen      = 16
)

// hashing holds a slot for each argon2 computation running: one a core.
// More at once would only share the cores, and finish each other late; the
// rest wait their turn, in order, without holding their memory.
var hashing = make(chan struct{}, runtime.GOMAXPROCS(0))

func argonKey(password, salt []byte, time, memory uint32, threads uint8, keyLen uint32) []byte {
	hashing <- struct{}{}
	defer func() { <-hashing }()
	return argon2.IDKey(password, salt, time, memory, threads, keyLen)
}

// HashPassword returns an argon2id hash in the PHC string format.
func HashPassword(password string) (string, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argonKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// phc is a parsed argon2id hash.
type phc struct {
	mem, iter  uint32
	threads    uint8
	salt, want []byte
}

func parse(hash string) (phc, bool) {
	var h phc
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return h, false
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return h, false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &h.mem, &h.iter, &h.threads); err != nil {
		return h, false
	}
	b64 := base64.RawStdEncoding
	var err1, err2 error
	h.salt, err1 = b64.DecodeString(parts[4])
	h.want, err2 = b64.DecodeString(parts[5])
	return h, err1 == nil && err2 == nil && len(h.want) > 0
}

// VerifyPassword reports whether password matches hash, in constant time.
func VerifyPassword(hash, password string) bool {
	h, ok := parse(hash)
	if !ok {
		return false
	}
	got := argonKey([]byte(password), h.salt, h.iter, h.mem, h.threads, uint32(len(h.want)))
	return subtle.ConstantTimeCompare(got, h.want) == 1
}

// NeedsRehash reports whether hash was made with other parameters than
// HashPassword uses now: after a sign-in verifies it, it should be
// replaced.
func NeedsRehash(hash string) bool {
	h, ok := parse(hash)
	return !ok || h.mem != argonMemory || h.iter != argonTime || h.threads != argonThreads || len(h.want) != argonKeyLen
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
