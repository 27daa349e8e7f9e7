// Package web holds the pages: templ components, the form helpers they share
// and the static assets, all embedded in the binary. Components take typed
// values and never query anything.
package web

import (
	"context"
	"embed"
	"net/url"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// Static holds the stylesheet and other assets, served under /static/.
//
//go:embed static
var Static embed.FS

// Page is what every page's shell needs.
type Page struct {
	Title string // already translated
	Path  string // the current path and query, where the language picker returns
	User  *User  // nil when signed out
	Flash string // a message ID to confirm the last action, or ""
}

// User is the signed-in user as the header shows them.
type User struct {
	Name          string
	Email         string
	AgencyName    string
	AgencyShort   string
	Roles         []access.Role
	PlatformAdmin bool
	ReadsCases    bool // the user's roles show case content
	ReadsHotspots bool // the user's roles read hotspots and the map
	UsesDesk      bool // a coordinator, or staff of a coordinating body
	Waiting       int  // referrals waiting for the agency's answer
	Overdue       int  // of which past their deadline
	Unread        int  // unread notifications
	// MustChangePassword hides the navigation until a temporary password is
	// replaced.
	MustChangePassword bool
}

// Form is a form's input as typed and what is wrong with it.
type Form struct {
	Values url.Values
	Errors validate.Errors
}

// Get returns the value typed into field name.
func (f Form) Get(name string) string { return f.Values.Get(name) }

// Checked reports whether the checkbox name with value was ticked.
func (f Form) Checked(name, value string) bool {
	for _, v := range f.Values[name] {
		if v == value {
			return true
		}
	}
	return false
}

// Error returns the translated complaint about field name, or "".
func (f Form) Error(ctx context.Context, name string) string {
	m, ok := f.Errors[name]
	if !ok {
		return ""
	}
	return i18n.Tf(ctx, m.ID, m.Data)
}

// Option is one choice in a select or checkbox group.
type Option struct {
	Value string
	Label string // already translated
}

// RoleOptions lists roles as options, with their translated names.
func RoleOptions(ctx context.Context, roles []access.Role) []Option {
	out := make([]Option, len(roles))
	for i, r := range roles {
		out[i] = Option{Value: string(r), Label: i18n.T(ctx, "role."+string(r))}
	}
	return out
}

// RoleNames joins the translated names of roles for display.
func RoleNames(ctx context.Context, roles []access.Role) string {
	s := ""
	for i, r := range roles {
		if i > 0 {
			s += ", "
		}
		s += i18n.T(ctx, "role."+string(r))
	}
	return s
}
