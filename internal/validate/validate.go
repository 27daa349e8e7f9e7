// Package validate collects what is wrong with a form's input, field by
// field, as message IDs that pages translate and show beside each field.
package validate

import (
	"net/mail"
	"strings"
	"unicode/utf8"
)

// Message is a translatable complaint about one field.
type Message struct {
	ID   string         // a message ID in the catalogs, e.g. "error.required"
	Data map[string]any // values the message template needs, e.g. {"Max": 120}
}

// Errors maps a form field's name to what is wrong with it. It is an error
// when it is not empty.
type Errors map[string]Message

func (e Errors) Error() string {
	var b strings.Builder
	for field, m := range e {
		if b.Len() > 0 {
			b.WriteString("; ")
		}
		b.WriteString(field + ": " + m.ID)
	}
	return b.String()
}

// Add notes the first problem with field; later ones wait for the next try.
func (e Errors) Add(field, id string, data map[string]any) {
	if _, ok := e[field]; !ok {
		e[field] = Message{ID: id, Data: data}
	}
}

// Err returns e as an error, or nil when nothing is wrong.
func (e Errors) Err() error {
	if len(e) == 0 {
		return nil
	}
	return e
}

// Text checks a required or optional text field's length in characters.
func (e Errors) Text(field, value string, required bool, minLen, maxLen int) {
	n := utf8.RuneCountInString(value)
	switch {
	case !utf8.ValidString(value) || strings.ContainsRune(value, 0):
		e.Add(field, "error.invalid_text", nil)
	case n == 0 && required:
		e.Add(field, "error.required", nil)
	case n > 0 && n < minLen:
		e.Add(field, "error.too_short", map[string]any{"Min": minLen})
	case n > maxLen:
		e.Add(field, "error.too_long", map[string]any{"Max": maxLen})
	}
}

// Email checks that value is one plain address, such as name@agency.org.
func (e Errors) Email(field, value string) {
	if value == "" {
		e.Add(field, "error.required", nil)
		return
	}
	a, err := mail.ParseAddress(value)
	if err != nil || !utf8.ValidString(value) || strings.ContainsRune(value, 0) || a.Address != value || len(value) > 254 || !strings.Contains(value[strings.LastIndex(value, "@"):], ".") {
		e.Add(field, "error.email", nil)
	}
}

// OneOf checks that value is one of the allowed choices.
func OneOf[T comparable](e Errors, field string, value T, allowed []T) {
	for _, a := range allowed {
		if a == value {
			return
		}
	}
	var zero T
	if value == zero {
		e.Add(field, "error.required", nil)
		return
	}
	e.Add(field, "error.choice", nil)
}

// Clean makes text safe to look up: valid UTF-8 without NUL bytes, which
// PostgreSQL refuses. For fields that are matched, not stored, such as a
// login email.
func Clean(s string) string {
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}
