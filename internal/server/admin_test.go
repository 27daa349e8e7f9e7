package server_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/seed"
)

func TestAgencyAdminCannotTouchAnotherAgencysUsers(t *testing.T) {
	a := newApp(t)
	admin := a.signedIn("agency_admin@th-ppr2.example")
	other := userID(t, a, "investigator@kh-ahtjp.example")
	for _, req := range []struct {
		method, path string
		form         url.Values
	}{
		{"GET", "/agency/users/" + other, nil},
		{"POST", "/agency/users/" + other + "/roles", url.Values{"roles": {"coordinator"}}},
		{"POST", "/agency/users/" + other + "/active", url.Values{"active": {"false"}}},
		{"POST", "/agency/users/" + other + "/password", nil},
	} {
		var res response
		if req.method == "GET" {
			res = admin.get(req.path)
		} else {
			res = admin.post(req.path, req.form)
		}
		wantStatus(t, req.method+" "+req.path, res, http.StatusNotFound)
	}
	var active bool
	var roles []string
	a.db.Owner.QueryRow(context.Background(), `SELECT active, roles FROM users WHERE id = $1`, other).Scan(&active, &roles)
	if !active || len(roles) != 1 || roles[0] != "investigator" {
		t.Fatalf("the other agency's user changed: active=%v roles=%v", active, roles)
	}
	list := admin.get("/agency/users")
	wantStatus(t, "list", list, http.StatusOK)
	if strings.Contains(list.body, "kh-ahtjp.example") {
		t.Error("the user list shows another agency's users")
	}
	list.mustContain(t, "investigator@th-ppr2.example")
}

func TestRoleGatedPagesAnswerNotFound(t *testing.T) {
	a := newApp(t)
	platform := a.signedIn(seed.PlatformAdminEmail)
	investigator := a.signedIn("investigator@th-ppr2.example")
	for _, c := range []struct {
		who  string
		c    *client
		path string
	}{
		{"platform admin", platform, "/agency/users"},
		{"platform admin", platform, "/agency/users/new"},
		{"investigator", investigator, "/agency/users"},
		{"investigator", investigator, "/admin/agencies"},
		{"investigator", investigator, "/admin/agencies/1"},
	} {
		res := c.c.get(c.path)
		wantStatus(t, c.who+" GET "+c.path, res, http.StatusNotFound)
		res.mustContain(t, "Page not found")
	}
	wantStatus(t, "platform admin agencies", platform.get("/admin/agencies"), http.StatusOK)
}

func TestAgencyAdminCreatesUserWhoMustChangePassword(t *testing.T) {
	a := newApp(t)
	admin := a.signedIn("agency_admin@aim.example")

	bad := admin.post("/agency/users", url.Values{"email": {"not-an-email"}, "display_name": {""}, "language": {"km"}, "roles": {"analyst", "investigator"}})
	wantStatus(t, "invalid user", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "Enter an email address", "This field is required.", `value="not-an-email"`)

	wrongRole := admin.post("/agency/users", url.Values{"email": {"x@aim.example"}, "display_name": {"X"}, "language": {"km"}, "roles": {"agency_admin", "bogus"}})
	wantStatus(t, "unknown role", wrongRole, http.StatusUnprocessableEntity)
	wrongRole.mustContain(t, "does not exist in this kind of agency")

	res := admin.post("/agency/users", url.Values{"email": {"Sreyleak@AIM.example"}, "display_name": {"Sreyleak Chan"}, "language": {"en"}, "roles": {"caseworker"}})
	wantStatus(t, "create", res, http.StatusOK)
	password := regexp.MustCompile(`id="temporary-password">([a-z2-7-]+)<`).FindStringSubmatch(res.body)
	if password == nil {
		t.Fatalf("no temporary password shown:\n%s", res.body)
	}
	if res.header.Get("Cache-Control") != "no-store" {
		t.Error("the temporary password page may be cached")
	}

	dup := admin.post("/agency/users", url.Values{"email": {"sreyleak@aim.example"}, "display_name": {"Again"}, "language": {"km"}, "roles": {"caseworker"}})
	wantStatus(t, "duplicate", dup, http.StatusUnprocessableEntity)
	dup.mustContain(t, "already exists")

	user := a.client()
	login := user.login("sreyleak@aim.example", password[1])
	wantStatus(t, "first login", login, http.StatusSeeOther)
	if loc := login.header.Get("Location"); loc != "/profile/password" {
		t.Fatalf("first login goes to %q, want /profile/password", loc)
	}
	// Until the password is changed, every page leads back to the form.
	res = user.get("/")
	if res.status != http.StatusSeeOther || res.header.Get("Location") != "/profile/password" {
		t.Fatalf("home before the change: %d %q", res.status, res.header.Get("Location"))
	}
	weak := user.post("/profile/password", url.Values{"current": {password[1]}, "new": {"qwertyuiopasdfgh"}, "confirm": {"qwertyuiopasdfgh"}})
	wantStatus(t, "common password", weak, http.StatusUnprocessableEntity)
	weak.mustContain(t, "common passwords")
	short := user.post("/profile/password", url.Values{"current": {password[1]}, "new": {"short"}, "confirm": {"short"}})
	wantStatus(t, "short password", short, http.StatusUnprocessableEntity)
	short.mustContain(t, "at least 12 characters")
	ok := user.post("/profile/password", url.Values{"current": {password[1]}, "new": {"ស្រីល័ក្ខ rescue 2026"}, "confirm": {"ស្រីល័ក្ខ rescue 2026"}})
	wantStatus(t, "change", ok, http.StatusSeeOther)
	wantStatus(t, "home after the change", user.get("/"), http.StatusOK)
	wantStatus(t, "login with the new password", a.client().login("sreyleak@aim.example", "ស្រីល័ក្ខ rescue 2026"), http.StatusSeeOther)
}

func TestPasswordResetEndsSessionsAndShowsPasswordOnce(t *testing.T) {
	a := newApp(t)
	user := a.signedIn("caseworker@clec.example")
	admin := a.signedIn("agency_admin@clec.example")
	id := userID(t, a, "caseworker@clec.example")
	res := admin.post("/agency/users/"+id+"/password", nil)
	wantStatus(t, "reset", res, http.StatusOK)
	password := regexp.MustCompile(`id="temporary-password">([a-z2-7-]+)<`).FindStringSubmatch(res.body)
	if password == nil {
		t.Fatal("no temporary password shown")
	}
	wantStatus(t, "old session after reset", user.get("/"), http.StatusSeeOther)
	wantStatus(t, "old password", a.client().login("caseworker@clec.example", seed.DemoPassword), http.StatusUnauthorized)
	again := admin.get("/agency/users/" + id)
	if strings.Contains(again.body, password[1]) {
		t.Error("the temporary password is shown again")
	}
}

func TestRoleChangeRenewsTheUsersToken(t *testing.T) {
	a := newApp(t)
	user := a.signedIn("analyst@our.example")
	before := user.sessionCookie()
	admin := a.signedIn("agency_admin@our.example")
	id := userID(t, a, "analyst@our.example")
	wantStatus(t, "set roles", admin.post("/agency/users/"+id+"/roles", url.Values{"roles": {"caseworker", "analyst"}}), http.StatusSeeOther)

	home := user.get("/")
	wantStatus(t, "home after role change", home, http.StatusOK)
	home.mustContain(t, "Caseworker")
	if user.sessionCookie() == before {
		t.Fatal("the session token was not renewed after the role change")
	}
	none := admin.post("/agency/users/"+id+"/roles", nil)
	wantStatus(t, "no roles", none, http.StatusUnprocessableEntity)
	none.mustContain(t, "Choose at least one role.")

	self := admin.post("/agency/users/"+userID(t, a, "agency_admin@our.example")+"/roles", url.Values{"roles": {"analyst"}})
	wantStatus(t, "drop own admin role", self, http.StatusUnprocessableEntity)
	self.mustContain(t, "cannot remove your own admin role")
}

func TestPlatformAdminManagesAgenciesAndTheirAdmins(t *testing.T) {
	a := newApp(t)
	p := a.signedIn(seed.PlatformAdminEmail)

	bad := p.post("/admin/agencies/new", url.Values{"code": {"Bad Code"}, "name": {"X"}, "short_name": {"x"}, "kind": {"cartel"}, "country": {"US"}})
	wantStatus(t, "invalid agency", bad, http.StatusUnprocessableEntity)
	bad.mustContain(t, "lower-case letters", "Use at least 2 characters.", "capital letters", "Choose one of the options.", `value="Bad Code"`)

	res := p.post("/admin/agencies/new", url.Values{"code": {"th-dsdw"}, "name": {"Department of Social Development and Welfare"},
		"name_local": {"กรมพัฒนาสังคมและสวัสดิการ"}, "short_name": {"DSDW"}, "kind": {"government"}, "country": {"TH"}})
	wantStatus(t, "create agency", res, http.StatusSeeOther)
	page := p.get(res.header.Get("Location"))
	wantStatus(t, "agency page", page, http.StatusOK)
	page.mustContain(t, "Agency created.", "กรมพัฒนาสังคมและสวัสดิการ", "no admin yet")

	dup := p.post("/admin/agencies/new", url.Values{"code": {"th-dsdw"}, "name": {"Again"}, "short_name": {"DSDW"}, "kind": {"government"}, "country": {"TH"}})
	wantStatus(t, "duplicate code", dup, http.StatusUnprocessableEntity)
	dup.mustContain(t, "already has this code")

	admin := p.post(res.header.Get("Location")+"/admins", url.Values{"email": {"admin@dsdw.example"}, "display_name": {"Suda"}, "language": {"th"}})
	wantStatus(t, "create admin", admin, http.StatusOK)
	password := regexp.MustCompile(`id="temporary-password">([a-z2-7-]+)<`).FindStringSubmatch(admin.body)
	if password == nil {
		t.Fatal("no temporary password shown")
	}
	newAdmin := a.client()
	wantStatus(t, "new admin signs in", newAdmin.login("admin@dsdw.example", password[1]), http.StatusSeeOther)

	// Deactivating the agency signs its users out.
	wantStatus(t, "deactivate", p.post(res.header.Get("Location")+"/active", url.Values{"active": {"false"}}), http.StatusSeeOther)
	wantStatus(t, "agency's user after deactivation", newAdmin.get("/profile/password"), http.StatusSeeOther)

	// The platform admin manages agency admins, and no one else.
	investigator := userID(t, a, "investigator@th-ppr2.example")
	wantStatus(t, "an investigator via the admin pages", p.get("/admin/agencies/1/admins/"+investigator), http.StatusNotFound)
}
