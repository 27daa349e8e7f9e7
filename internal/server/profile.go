package server

import (
	"net/http"
	"net/url"

	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/web"
)

func (s *Server) profileView(r *http.Request) web.ProfileView {
	a := accountFrom(r.Context())
	return web.ProfileView{
		Email:    a.Email,
		Profile:  web.Form{Values: url.Values{"display_name": {a.DisplayName}, "language": {a.Language}}},
		Password: web.Form{Values: url.Values{}},
	}
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.ProfilePage(s.page(r, "profile.title"), s.profileView(r)))
}

func (s *Server) profileUpdate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	in := agencies.ProfileInput{DisplayName: r.PostForm.Get("display_name"), Language: r.PostForm.Get("language")}
	err := s.agencies.UpdateProfile(r.Context(), actorFrom(r.Context()), in)
	if verrs, ok := fieldErrors(err); ok {
		v := s.profileView(r)
		v.Profile = web.Form{Values: r.PostForm, Errors: verrs}
		s.render(w, r, http.StatusUnprocessableEntity, web.ProfilePage(s.page(r, "profile.title"), v))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.sessions.Put(r.Context(), sessionLang, in.Language)
	s.redirect(w, r, "/profile", "flash.saved")
}

// passwordChange sets the user's own password. The session that changed it
// carries on under a new token; every other session of theirs ends.
func (s *Server) passwordChange(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	f := r.PostForm
	epoch, err := s.agencies.ChangePassword(ctx, actorFrom(ctx), f.Get("current"), f.Get("new"), f.Get("confirm"))
	if verrs, ok := fieldErrors(err); ok {
		v := s.profileView(r)
		v.Password = web.Form{Values: url.Values{}, Errors: verrs}
		s.render(w, r, http.StatusUnprocessableEntity, web.ProfilePage(s.page(r, "profile.title"), v))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessionSessionEpoch, int(epoch))
	s.redirect(w, r, "/", "flash.password_changed")
}
