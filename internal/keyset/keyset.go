// Package keyset writes and reads the cursors of lists paged by keyset: the
// last row's place in the list's order, as a few parts of text that a
// page link carries. Each list decides its parts and checks them on the
// way back; a cursor is a place in a list, never a permission.
package keyset

import (
	"encoding/base64"
	"strings"
)

// The parts are joined by NUL, which PostgreSQL's text cannot hold.
const sep = "\x00"

// Encode joins parts into a cursor fit for a URL.
func Encode(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, sep)))
}

// Decode splits a cursor back into its parts; ok is false when s is not a
// cursor at all.
func Decode(s string) (parts []string, ok bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return nil, false
	}
	return strings.Split(string(b), sep), true
}
