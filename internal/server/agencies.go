package server

import (
	"net/http"
	"net/url"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/web"
)

// The platform admin's pages: agencies and their admins. s.allow guards the
// routes; the store checks the actor again.

func (s *Server) agencyList(w http.ResponseWriter, r *http.Request) {
	list, err := s.agencies.ListAgencies(r.Context(), actorFrom(r.Context()))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.AgencyListPage(s.page(r, "agencies.title"), list))
}

func (s *Server) agencyNew(w http.ResponseWriter, r *http.Request) {
	v := web.AgencyFormView{Form: web.Form{Values: url.Values{}}}
	s.render(w, r, http.StatusOK, web.AgencyFormPage(s.page(r, "agencies.new"), v))
}

func agencyInput(f url.Values) agencies.AgencyInput {
	return agencies.AgencyInput{
		Code:      f.Get("code"),
		Name:      f.Get("name"),
		NameLocal: f.Get("name_local"),
		ShortName: f.Get("short_name"),
		Kind:      access.Kind(f.Get("kind")),
		Country:   f.Get("country"),
	}
}

func (s *Server) agencyCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := s.agencies.CreateAgency(r.Context(), actorFrom(r.Context()), agencyInput(r.PostForm))
	if verrs, ok := fieldErrors(err); ok {
		v := web.AgencyFormView{Form: web.Form{Values: r.PostForm, Errors: verrs}}
		s.render(w, r, http.StatusUnprocessableEntity, web.AgencyFormPage(s.page(r, "agencies.new"), v))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/agencies/"+itoa(int64(id)), "flash.agency_created")
}

// agency loads the {id} agency of the route, answering 404 itself.
func (s *Server) agency(w http.ResponseWriter, r *http.Request) (agencies.Agency, bool) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return agencies.Agency{}, false
	}
	a, err := s.agencies.Agency(r.Context(), actorFrom(r.Context()), int32(id))
	if err != nil {
		s.storeFailed(w, r, err)
		return agencies.Agency{}, false
	}
	return a, true
}

func (s *Server) agencyShow(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agency(w, r)
	if !ok {
		return
	}
	s.renderAgency(w, r, http.StatusOK, a, web.Form{Values: url.Values{"language": {languageFor(a.Country)}}})
}

func (s *Server) renderAgency(w http.ResponseWriter, r *http.Request, status int, a agencies.Agency, adminForm web.Form) {
	admins, err := s.agencies.ListAgencyAdmins(r.Context(), actorFrom(r.Context()), a.ID)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	p := s.page(r, "agencies.title")
	p.Title = a.Name
	s.render(w, r, status, web.AgencyPage(p, web.AgencyView{Agency: a, Admins: admins, AdminForm: adminForm}))
}

// languageFor is the likely language of a new admin in country.
func languageFor(country string) string {
	switch country {
	case "TH":
		return "th"
	case "KH":
		return "km"
	}
	return "en"
}

func (s *Server) agencyEdit(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agency(w, r)
	if !ok {
		return
	}
	f := url.Values{"name": {a.Name}, "name_local": {a.NameLocal}, "short_name": {a.ShortName},
		"kind": {string(a.Kind)}, "country": {a.Country}}
	v := web.AgencyFormView{ID: a.ID, Form: web.Form{Values: f}}
	s.render(w, r, http.StatusOK, web.AgencyFormPage(s.page(r, "agencies.edit"), v))
}

func (s *Server) agencyUpdate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agency(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.agencies.UpdateAgency(r.Context(), actorFrom(r.Context()), a.ID, agencyInput(r.PostForm))
	if verrs, ok := fieldErrors(err); ok {
		v := web.AgencyFormView{ID: a.ID, Form: web.Form{Values: r.PostForm, Errors: verrs}}
		s.render(w, r, http.StatusUnprocessableEntity, web.AgencyFormPage(s.page(r, "agencies.edit"), v))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/agencies/"+itoa(int64(a.ID)), "flash.saved")
}

func (s *Server) agencyActive(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agency(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	active := r.PostForm.Get("active") == "true"
	if err := s.agencies.SetAgencyActive(r.Context(), actorFrom(r.Context()), a.ID, active); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	flash := "flash.agency_deactivated"
	if active {
		flash = "flash.agency_activated"
	}
	s.redirect(w, r, "/admin/agencies/"+itoa(int64(a.ID)), flash)
}

func (s *Server) agencyAdminCreate(w http.ResponseWriter, r *http.Request) {
	a, ok := s.agency(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	in := agencies.UserInput{Email: r.PostForm.Get("email"), DisplayName: r.PostForm.Get("display_name"),
		Language: r.PostForm.Get("language")}
	_, password, err := s.agencies.CreateUser(r.Context(), actorFrom(r.Context()), a.ID, in)
	if verrs, ok := fieldErrors(err); ok {
		s.renderAgency(w, r, http.StatusUnprocessableEntity, a, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.showTemporaryPassword(w, r, in.Email, password, "/admin/agencies/"+itoa(int64(a.ID)))
}

// agencyAdmin loads the {user} admin of the {id} agency.
func (s *Server) agencyAdmin(w http.ResponseWriter, r *http.Request) (agencies.Agency, agencies.User, bool) {
	a, ok := s.agency(w, r)
	if !ok {
		return a, agencies.User{}, false
	}
	id, ok := idParam(r, "user")
	if !ok {
		s.notFound(w, r)
		return a, agencies.User{}, false
	}
	u, err := s.agencies.ManagedUser(r.Context(), actorFrom(r.Context()), id)
	if err == nil && u.AgencyID != a.ID {
		err = agencies.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return a, u, false
	}
	return a, u, true
}

func (s *Server) agencyAdminShow(w http.ResponseWriter, r *http.Request) {
	a, u, ok := s.agencyAdmin(w, r)
	if !ok {
		return
	}
	p := s.page(r, "agencies.admins")
	p.Title = u.DisplayName
	s.render(w, r, http.StatusOK, web.AgencyAdminPage(p, web.AgencyAdminView{Agency: a, User: u}))
}

func (s *Server) agencyAdminActive(w http.ResponseWriter, r *http.Request) {
	a, u, ok := s.agencyAdmin(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	active := r.PostForm.Get("active") == "true"
	if err := s.agencies.SetActive(r.Context(), actorFrom(r.Context()), u.ID, active); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/agencies/"+itoa(int64(a.ID))+"/admins/"+itoa(u.ID), activeFlash(active))
}

func activeFlash(active bool) string {
	if active {
		return "flash.user_activated"
	}
	return "flash.user_deactivated"
}

// showTemporaryPassword shows a new password once, on the response to the
// POST that made it, and keeps it out of every cache.
func (s *Server) showTemporaryPassword(w http.ResponseWriter, r *http.Request, email, password, back string) {
	w.Header().Set("Cache-Control", "no-store")
	v := web.TemporaryPasswordView{Email: email, Password: password, Back: back}
	s.render(w, r, http.StatusOK, web.TemporaryPasswordPage(s.page(r, "temp_password.title"), v))
}
