package server

import (
	"errors"
	"math"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/validate"
	"github.com/handshake-mekong/handshake/web"
)

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	if accountFrom(r.Context()) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	v := web.LoginView{Form: web.Form{Values: url.Values{}}, Next: localPath(r.URL.Query().Get("next"))}
	s.render(w, r, http.StatusOK, web.LoginPage(s.page(r, "login.title"), v))
}

// login checks the throttle first, then the password. Every failure gives
// the same message, whether the email is unknown, the password wrong or the
// account deactivated.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	email := strings.ToLower(strings.TrimSpace(validate.Clean(r.PostForm.Get("email"))))
	password := r.PostForm.Get("password")
	addr := stateFrom(ctx).clientAddr
	v := web.LoginView{Form: web.Form{Values: url.Values{"email": {email}}}, Next: localPath(r.PostForm.Get("next"))}

	wait, err := s.throttle.Wait(ctx, email, addr)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if wait > 0 {
		minutes := int(math.Ceil(wait.Minutes()))
		v.Message = i18n.From(ctx).N("login.throttled", minutes, map[string]any{"Count": minutes})
		w.Header().Set("Retry-After", itoa(int64(wait.Seconds())))
		s.render(w, r, http.StatusTooManyRequests, web.LoginPage(s.page(r, "login.title"), v))
		return
	}

	a, err := s.agencies.Authenticate(ctx, email, password)
	if errors.Is(err, agencies.ErrBadCredentials) {
		if err := s.throttle.Fail(ctx, email, addr); err != nil {
			s.serverError(w, r, err)
			return
		}
		s.log.InfoContext(ctx, "login failed", "email_len", len(email), "client", addr)
		v.Message = i18n.T(ctx, "login.failed")
		s.render(w, r, http.StatusUnauthorized, web.LoginPage(s.page(r, "login.title"), v))
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.throttle.Succeed(ctx, email); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.startSession(ctx, a); err != nil {
		s.serverError(w, r, err)
		return
	}
	to := v.Next
	if a.MustChangePassword {
		to = "/profile/password"
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.endSession(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, "/login", "")
}

// setLanguage switches the interface language, for this session and, when
// signed in, as the user's preference; then returns to the page.
func (s *Server) setLanguage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	lang := r.PostForm.Get("lang")
	if _, ok := i18n.LanguageNames[lang]; !ok {
		s.errorPage(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	s.sessions.Put(r.Context(), sessionLang, lang)
	if a := accountFrom(r.Context()); a != nil {
		if err := s.agencies.SetLanguage(r.Context(), a.Actor(), lang); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}
