package server

import (
	"net/http"
	"net/url"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/web"
)

// The agency admin's pages: the users of their own agency. The store scopes
// every query to the admin's agency, so another agency's user is a 404.

func (s *Server) userList(w http.ResponseWriter, r *http.Request) {
	users, err := s.agencies.ListUsers(r.Context(), actorFrom(r.Context()))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.UserListPage(s.page(r, "users.title"), users))
}

func (s *Server) roleOptions(r *http.Request) []web.Option {
	return web.RoleOptions(r.Context(), access.RolesFor(actorFrom(r.Context()).AgencyKind))
}

func (s *Server) userNew(w http.ResponseWriter, r *http.Request) {
	lang := accountFrom(r.Context()).Language
	v := web.UserNewView{Form: web.Form{Values: url.Values{"language": {lang}}}, Roles: s.roleOptions(r)}
	s.render(w, r, http.StatusOK, web.UserNewPage(s.page(r, "users.new"), v))
}

func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	actor := actorFrom(r.Context())
	in := agencies.UserInput{Email: r.PostForm.Get("email"), DisplayName: r.PostForm.Get("display_name"),
		Language: r.PostForm.Get("language"), Roles: roles(r)}
	_, password, err := s.agencies.CreateUser(r.Context(), actor, actor.AgencyID, in)
	if verrs, ok := fieldErrors(err); ok {
		v := web.UserNewView{Form: web.Form{Values: r.PostForm, Errors: verrs}, Roles: s.roleOptions(r)}
		s.render(w, r, http.StatusUnprocessableEntity, web.UserNewPage(s.page(r, "users.new"), v))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.showTemporaryPassword(w, r, in.Email, password, "/agency/users")
}

// managedUser loads the {user} of the route if the actor may manage them.
func (s *Server) managedUser(w http.ResponseWriter, r *http.Request) (agencies.User, bool) {
	id, ok := idParam(r, "user")
	if !ok {
		s.notFound(w, r)
		return agencies.User{}, false
	}
	u, err := s.agencies.ManagedUser(r.Context(), actorFrom(r.Context()), id)
	if err != nil {
		s.storeFailed(w, r, err)
		return agencies.User{}, false
	}
	return u, true
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) {
	u, ok := s.managedUser(w, r)
	if !ok {
		return
	}
	f := url.Values{}
	for _, role := range u.Roles {
		f.Add("roles", string(role))
	}
	s.renderUser(w, r, http.StatusOK, u, web.Form{Values: f})
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, u agencies.User, f web.Form) {
	p := s.page(r, "users.title")
	p.Title = u.DisplayName
	v := web.UserView{User: u, Form: f, Roles: s.roleOptions(r), Self: u.ID == actorFrom(r.Context()).UserID}
	s.render(w, r, status, web.UserPage(p, v))
}

func (s *Server) userRoles(w http.ResponseWriter, r *http.Request) {
	u, ok := s.managedUser(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.agencies.SetRoles(r.Context(), actorFrom(r.Context()), u.ID, roles(r))
	if verrs, ok := fieldErrors(err); ok {
		s.renderUser(w, r, http.StatusUnprocessableEntity, u, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/agency/users/"+itoa(u.ID), "flash.roles_saved")
}

func (s *Server) userActive(w http.ResponseWriter, r *http.Request) {
	u, ok := s.managedUser(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	active := r.PostForm.Get("active") == "true"
	if err := s.agencies.SetActive(r.Context(), actorFrom(r.Context()), u.ID, active); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/agency/users/"+itoa(u.ID), activeFlash(active))
}

func (s *Server) userPasswordReset(w http.ResponseWriter, r *http.Request) {
	u, ok := s.managedUser(w, r)
	if !ok {
		return
	}
	password, err := s.agencies.ResetPassword(r.Context(), actorFrom(r.Context()), u.ID)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.showTemporaryPassword(w, r, u.Email, password, "/agency/users/"+itoa(u.ID))
}
