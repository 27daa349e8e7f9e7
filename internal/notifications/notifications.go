// Package notifications is each user's inbox of what others did on their
// referrals, and the email that tells them of it. A notification holds a
// kind, a case reference and a link, never a name or other case detail.
package notifications

import (
	"errors"
	"slices"
	"strings"
	"time"
)

// ErrNotFound answers for a notification that does not exist or is
// another user's: the two look the same.
var ErrNotFound = errors.New("notification not found")

// Kinds are the notifications the application writes (see
// internal/referrals). Each has a message in every language under
// MessageID.
var Kinds = []string{
	"referral.sent",
	"referral.accepted",
	"referral.declined",
	"referral.withdrawn",
	"referral.completed",
	"referral.assigned",
}

// MessageID is the catalog message that names kind, e.g.
// "notification_kind.referral_sent" for "referral.sent".
func MessageID(kind string) string {
	return "notification_kind." + strings.ReplaceAll(kind, ".", "_")
}

// unknownKind names a kind this binary does not know, which an older
// replica may meet after a newer one wrote it: better a plain word than a
// message ID on the page.
const unknownKind = "notifications.kind_unknown"

// KindMessageID is MessageID for a known kind, else a generic message.
func KindMessageID(kind string) string {
	if slices.Contains(Kinds, kind) {
		return MessageID(kind)
	}
	return unknownKind
}

// Notification is one line of a user's inbox.
type Notification struct {
	ID        int64
	Kind      string
	Reference string // the case reference, or ""
	Link      string // a path on this site, e.g. /referrals/12
	CreatedAt time.Time
	ReadAt    *time.Time
}

// Unread reports whether the user has not opened it yet.
func (n Notification) Unread() bool { return n.ReadAt == nil }

// KindMessageID is the message that names the notification's kind.
func (n Notification) KindMessageID() string { return KindMessageID(n.Kind) }
