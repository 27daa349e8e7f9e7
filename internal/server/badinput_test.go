package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/seed"
)

// junk is input no form should ever answer with a 500.
var junk = []string{
	"",
	"\xff\xfe invalid UTF-8 \xc3\x28",
	strings.Repeat("ก", 10_000),
	`'; DROP TABLE users; --`,
	`%_\\"<script>alert(1)</script>`,
	"\x00nul",
	"   ",
}

// TestFormsNeverAnswer500 sends junk in every field of every form, as the
// user who may post it, and wants a clear answer: a redirect, the form
// again with its errors, or 4xx.
func TestFormsNeverAnswer500(t *testing.T) {
	a := newApp(t)
	admin := a.signedIn("agency_admin@th-ticac.example")
	platform := a.signedIn(seed.PlatformAdminEmail)
	user := userID(t, a, "analyst@th-ticac.example")
	forms := []struct {
		c      *client
		path   string
		fields []string
	}{
		{a.client(), "/login", []string{"email", "password", "next"}},
		{a.client(), "/language", []string{"lang", "next"}},
		{admin, "/profile", []string{"display_name", "language"}},
		{admin, "/profile/password", []string{"current", "new", "confirm"}},
		{admin, "/agency/users", []string{"email", "display_name", "language", "roles"}},
		{admin, "/agency/users/" + user + "/roles", []string{"roles"}},
		{admin, "/agency/users/" + user + "/active", []string{"active"}},
		{platform, "/admin/agencies/new", []string{"code", "name", "name_local", "short_name", "kind", "country"}},
		{platform, "/admin/agencies/2/edit", []string{"name", "name_local", "short_name", "kind", "country"}},
		{platform, "/admin/agencies/2/admins", []string{"email", "display_name", "language"}},
	}
	for _, f := range forms {
		for _, value := range junk {
			form := url.Values{}
			for _, field := range f.fields {
				form.Set(field, value)
			}
			res := f.c.post(f.path, form)
			if res.status >= 500 {
				t.Errorf("POST %s with %.30q: status %d", f.path, value, res.status)
			}
			if strings.Contains(res.body, "<script>alert") {
				t.Errorf("POST %s echoes markup unescaped", f.path)
			}
		}
	}
	// The forms still work afterwards: nothing junk did stuck.
	wantStatus(t, "login after junk", a.client().login("investigator@th-ticac.example", seed.DemoPassword), http.StatusSeeOther)
}
