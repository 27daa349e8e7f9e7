// Package directory keeps the partner directory (DESIGN §2 Contact, DOMAIN
// §1): the people in each agency whom partners across the border may call
// or message, with their phones in E.164, their messaging handles, the
// languages they speak and the provinces they cover, and when the entry
// was last checked. Who may read and write an entry is asked of
// access.Actor here and held again by row-level security in PostgreSQL.
package directory

import (
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
)

// ErrNotFound means no such entry, or none the actor may see or manage. It
// is the cases package's own, so that pages answer it with the same 404.
var ErrNotFound = cases.ErrNotFound

// StaleAfter is how many days an entry may go unchecked before lists mark
// it stale and its agency is asked to check it.
const StaleAfter = 180

// PageSize is a page of a search or of the stale list. Pages go by keyset
// (Cursor), so a later page costs what the first does.
const PageSize = 50

// SearchLimit bounds a search's download as contacts (.vcf).
const SearchLimit = 200

// Languages are the codes of the languages a contact may speak, in the
// order pages show them; pages label them "directory.language.<code>".
var Languages = []string{"th", "km", "en", "lo", "my", "vi", "zh"}

// Contact is a directory entry as its readers see it.
type Contact struct {
	ID            int64                    `db:"id"`
	AgencyID      int32                    `db:"agency_id"`
	AgencyName    string                   `db:"agency_name"`
	AgencyShort   string                   `db:"agency_short"`
	AgencyCountry string                   `db:"agency_country"`
	Name          string                   `db:"name"`
	Position      string                   `db:"position"`
	Unit          string                   `db:"unit"`
	Phones        []string                 `db:"phones"` // E.164
	LineID        string                   `db:"line_id"`
	WhatsApp      string                   `db:"whatsapp"` // E.164
	Telegram      string                   `db:"telegram"` // without the @
	Signal        string                   `db:"signal"`   // E.164
	Email         string                   `db:"email"`
	Languages     []string                 `db:"languages"`
	Provinces     []string                 `db:"provinces"`
	FocalPoint    bool                     `db:"focal_point"` // reachable 24/7
	Visibility    access.ContactVisibility `db:"visibility"`
	Active        bool                     `db:"active"`
	VerifiedOn    time.Time                `db:"verified_on"`
	UpdatedAt     time.Time                `db:"updated_at"`
}

// IsStale reports whether the entry went unchecked for StaleAfter days by
// today, the region's date (geo.Today).
func (c Contact) IsStale(today time.Time) bool {
	return !c.VerifiedOn.After(today.AddDate(0, 0, -StaleAfter))
}

// Filter is a directory search. Zero fields do not filter.
type Filter struct {
	Name       string // part of a name, any script
	AgencyID   int32
	Country    string // the agency's, ISO 3166-1
	Province   string // ISO 3166-2, among those covered
	Language   string // a code of Languages
	FocalPoint bool   // only 24/7 focal points
}

// Agency is an agency a search may name.
type Agency struct {
	ID        int32  `db:"id"`
	Name      string `db:"name"`
	ShortName string `db:"short_name"`
	Country   string `db:"country"`
}

// Tap-to-call and tap-to-message links.

// TelURL calls an E.164 number.
func TelURL(e164 string) string { return "tel:" + e164 }

// LineURL opens a LINE id's profile.
func LineURL(id string) string { return "https://line.me/ti/p/~" + id }

// WhatsAppURL opens a chat with an E.164 number.
func WhatsAppURL(e164 string) string { return "https://wa.me/" + strings.TrimPrefix(e164, "+") }

// TelegramURL opens a chat with a username.
func TelegramURL(user string) string { return "https://t.me/" + user }

// SignalURL opens a chat with an E.164 number.
func SignalURL(e164 string) string { return "https://signal.me/#p/" + e164 }
