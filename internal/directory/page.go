package directory

import (
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/handshake-mekong/handshake/internal/keyset"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// The orders a list pages in: a search's, by name, and the stale list's,
// the longest unchecked first. A cursor names its order, so that one
// list's page link does not page the other.
const (
	byName     = "name"
	byVerified = "verified"
)

// Cursor is where a page ends: its last entry's place in the list's order,
// which the next page starts after.
type Cursor struct {
	order    string
	name     string
	verified time.Time
	id       int64
}

// Result is a page of entries, and the cursor of the next page; "" on the
// last.
type Result struct {
	Contacts []Contact
	Next     string
}

// cursorOf is the cursor after c in order.
func cursorOf(order string, c Contact) string {
	key := c.Name
	if order == byVerified {
		key = c.VerifiedOn.Format(time.DateOnly)
	}
	return keyset.Encode(order, key, strconv.FormatInt(c.ID, 10))
}

// ParseCursor reads a search's cursor from a page link; "" is the first
// page. A cursor that does not parse, or is the stale list's, is a field
// error on "after".
func ParseCursor(s string) (*Cursor, validate.Errors) { return parseCursor(byName, s) }

// ParseStaleCursor reads the stale list's cursor from a page link, as
// ParseCursor does a search's.
func ParseStaleCursor(s string) (*Cursor, validate.Errors) { return parseCursor(byVerified, s) }

func parseCursor(order, s string) (*Cursor, validate.Errors) {
	e := validate.Errors{}
	if s == "" {
		return nil, e
	}
	parts, ok := keyset.Decode(s)
	c := &Cursor{order: order}
	ok = ok && len(parts) == 3 && parts[0] == order
	var err error
	if ok && order == byName {
		c.name = parts[1]
		ok = utf8.ValidString(c.name) && c.name != ""
	} else if ok {
		c.verified, err = time.Parse(time.DateOnly, parts[1])
		ok = err == nil
	}
	if ok {
		c.id, err = strconv.ParseInt(parts[2], 10, 64)
		ok = err == nil && c.id > 0
	}
	if !ok {
		e.Add("after", "error.cursor", nil)
		return nil, e
	}
	return c, e
}

// page cuts a list read with one row past PageSize into a page and the
// cursor of the next.
func page(order string, list []Contact) Result {
	res := Result{Contacts: list}
	if len(list) > PageSize {
		res.Contacts = list[:PageSize]
		res.Next = cursorOf(order, list[PageSize-1])
	}
	return res
}
