package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/i18n"
)

// Session keys.
const (
	sessionUserID       = "user_id"
	sessionAuthVersion  = "auth_version"
	sessionSessionEpoch = "session_epoch"
	sessionLang         = "lang"
	sessionFlash        = "flash"
)

type accountKey struct{}

// accountFrom returns the signed-in account, or nil.
func accountFrom(ctx context.Context) *agencies.Account {
	a, _ := ctx.Value(accountKey{}).(*agencies.Account)
	return a
}

// actorFrom returns the acting user; the zero Actor, who may do nothing,
// when no one is signed in.
func actorFrom(ctx context.Context) access.Actor {
	if a := accountFrom(ctx); a != nil {
		return a.Actor()
	}
	return access.Actor{}
}

// loadActor finds who the session belongs to, every request, so that a
// deactivation or a password reset ends the user's sessions at once and a
// role change takes effect on their next page, under a new token. It also
// settles the language: the user's own, else the session's choice, else
// the browser's Accept-Language.
func (s *Server) loadActor(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		lang := s.sessions.GetString(ctx, sessionLang)
		if id := s.sessions.GetInt64(ctx, sessionUserID); id != 0 {
			a, err := s.agencies.Account(ctx, id)
			switch {
			case err != nil && !errors.Is(err, agencies.ErrNotFound):
				s.serverError(w, r, err)
				return
			case err != nil || !a.CanSignIn() || int32(s.sessions.GetInt(ctx, sessionSessionEpoch)) != a.SessionEpoch:
				if err := s.endSession(ctx); err != nil {
					s.serverError(w, r, err)
					return
				}
			default:
				if int32(s.sessions.GetInt(ctx, sessionAuthVersion)) != a.AuthVersion {
					// New roles, new token: a session id from before the
					// change is worth nothing after it.
					if err := s.sessions.RenewToken(ctx); err != nil {
						s.serverError(w, r, err)
						return
					}
					s.sessions.Put(ctx, sessionAuthVersion, int(a.AuthVersion))
				}
				ctx = context.WithValue(ctx, accountKey{}, &a)
				ctx = audit.WithWho(ctx, audit.Who{UserID: a.ID, AgencyID: a.AgencyID, ClientAddr: stateFrom(ctx).clientAddr})
				stateFrom(ctx).userID = a.ID
				lang = a.Language
			}
		}
		if lang == "" {
			lang = i18n.Negotiate(r.Header.Get("Accept-Language"))
		}
		ctx = i18n.WithLocalizer(ctx, i18n.For(lang))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// startSession signs a in under a fresh token.
func (s *Server) startSession(ctx context.Context, a agencies.Account) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserID, a.ID)
	s.sessions.Put(ctx, sessionAuthVersion, int(a.AuthVersion))
	s.sessions.Put(ctx, sessionSessionEpoch, int(a.SessionEpoch))
	s.sessions.Put(ctx, sessionLang, a.Language)
	return nil
}

// endSession signs out under a fresh token, keeping the language.
func (s *Server) endSession(ctx context.Context) error {
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	for _, k := range []string{sessionUserID, sessionAuthVersion, sessionSessionEpoch} {
		s.sessions.Remove(ctx, k)
	}
	return nil
}

// publicRoutes are the only ones a visitor may reach without signing in:
// everything else is denied by default.
var publicRoutes = map[string]bool{
	"/login":    true,
	"/language": true,
	"/healthz":  true,
	"/readyz":   true,
}

func isPublic(path string) bool {
	return publicRoutes[path] || strings.HasPrefix(path, "/static/")
}

// requireSignIn sends visitors to the login page, and users with a
// temporary password to the form that replaces it.
func (s *Server) requireSignIn(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := accountFrom(r.Context())
		switch {
		case isPublic(r.URL.Path):
		case a == nil:
			to := "/login"
			if r.Method == http.MethodGet && r.URL.Path != "/" {
				to += "?next=" + url.QueryEscape(r.URL.RequestURI())
			}
			http.Redirect(w, r, to, http.StatusSeeOther)
			return
		case a.MustChangePassword && r.URL.Path != "/profile/password" && r.URL.Path != "/logout":
			http.Redirect(w, r, "/profile/password", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// allow is middleware that lets through only the actors rule allows, e.g.
// r.Use(s.allow(access.Actor.ReadsCases)). Everyone else gets the same 404
// as for a page that does not exist; the stores ask their rules again.
func (s *Server) allow(rule func(access.Actor) bool) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !rule(actorFrom(r.Context())) {
				s.notFound(w, r)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// isAgencyAdmin: the user management pages are for agency admins; the
// store scopes every query to their own agency.
func isAgencyAdmin(a access.Actor) bool { return a.Has(access.AgencyAdmin) }

// localPath returns next when it is a path on this site, else "/": a login
// link must never send a user elsewhere.
func localPath(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}
