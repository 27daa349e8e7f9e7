// Package server is Handshake's HTTP side: the router, the middleware every
// request passes through, and one handler per page or action. Handlers read
// the request, ask a feature package, and render a web component.
package server

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/a-h/templ"
	"github.com/alexedwards/scs/pgxstore"
	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/aftercare"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/auth"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/config"
	"github.com/handshake-mekong/handshake/internal/desk"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/events"
	"github.com/handshake-mekong/handshake/internal/hotspots"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/notifications"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/web"
)

// Server holds what the handlers need.
type Server struct {
	cfg        config.Config
	log        *slog.Logger
	db         *pgxpool.Pool
	migrations fs.FS
	sessions   *scs.SessionManager
	agencies   *agencies.Store
	cases      *cases.Store
	aftercare  *aftercare.Store
	desk       *desk.Store
	directory  *directory.Store
	hotspots   *hotspots.Store
	referrals  *referrals.Store
	hub        *events.Hub
	throttle   *auth.Throttle

	notifications *notifications.Store
}

// New wires a Server onto the application's pool. migrations is what
// /readyz compares the database with.
func New(cfg config.Config, log *slog.Logger, db *pgxpool.Pool, migrations fs.FS) *Server {
	sm := scs.New()
	sm.Store = pgxstore.New(db)
	sm.IdleTimeout = cfg.SessionIdleTimeout
	sm.Lifetime = cfg.SessionLifetime
	sm.Cookie.Name = "handshake_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = cfg.CookieSecure
	sm.Cookie.Persist = false
	s := &Server{
		cfg:        cfg,
		log:        log,
		db:         db,
		migrations: migrations,
		sessions:   sm,
		agencies:   agencies.NewStore(db),
		cases:      cases.NewStore(db),
		aftercare:  aftercare.NewStore(db),
		desk:       desk.NewStore(db),
		directory:  directory.NewStore(db),
		hotspots:   hotspots.NewStore(db),
		referrals:  referrals.NewStore(db),
		hub:        events.NewHub(db, log),
		throttle:   auth.NewThrottle(db),

		notifications: notifications.NewStore(db),
	}
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) { s.serverError(w, r, err) }
	return s
}

// Handler returns the whole application: middleware around the routes.
func (s *Server) Handler() http.Handler {
	r := chi.NewRouter()
	// compress comes first, on net/http's own writer: its Flush reaches
	// that writer directly, so the event stream still flushes.
	r.Use(compress, s.requestContext, s.logRequests, s.recoverPanics, s.securityHeaders, s.limitBody, s.crossOrigin,
		s.sessions.LoadAndSave, s.loadActor, s.requireSignIn)

	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.notFound)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Handle("/static/*", staticFiles())

	r.Get("/login", s.loginForm)
	r.Post("/login", s.login)
	r.Post("/logout", s.logout)
	r.Post("/language", s.setLanguage)

	r.Get("/", s.home)
	r.Get("/profile", s.profile)
	r.Post("/profile", s.profileUpdate)
	r.Get("/profile/password", s.profile)
	r.Post("/profile/password", s.passwordChange)

	r.Route("/admin/agencies", func(r chi.Router) {
		r.Use(s.allow(access.Actor.CanManageAgencies))
		r.Get("/", s.agencyList)
		r.Get("/new", s.agencyNew)
		r.Post("/new", s.agencyCreate)
		r.Get("/{id}", s.agencyShow)
		r.Get("/{id}/edit", s.agencyEdit)
		r.Post("/{id}/edit", s.agencyUpdate)
		r.Post("/{id}/active", s.agencyActive)
		r.Post("/{id}/admins", s.agencyAdminCreate)
		r.Get("/{id}/admins/{user}", s.agencyAdminShow)
		r.Post("/{id}/admins/{user}/active", s.agencyAdminActive)
	})
	r.Route("/admin/audit", s.auditRoutes)

	r.Route("/cases", s.caseRoutes)
	r.Route("/aftercare", s.aftercareRoutes)
	r.Route("/desk", s.deskRoutes)
	r.Route("/directory", s.directoryRoutes)
	r.Route("/hotspots", s.hotspotRoutes)
	r.Route("/notifications", s.notificationRoutes)
	r.Route("/referrals", s.referralRoutes)
	r.Get("/events", s.events)
	if s.cfg.BenchBaseline {
		// For make bench only; it needs a session, like every page.
		r.Get("/bench/baseline", s.benchBaseline)
	}

	r.Route("/agency/users", func(r chi.Router) {
		r.Use(s.allow(isAgencyAdmin))
		r.Get("/", s.userList)
		r.Get("/new", s.userNew)
		r.Post("/", s.userCreate)
		r.Get("/{user}", s.userShow)
		r.Post("/{user}/roles", s.userRoles)
		r.Post("/{user}/active", s.userActive)
		r.Post("/{user}/password", s.userPasswordReset)
	})
	return r
}

// staticFiles serves the embedded assets. Under its content-hashed name
// (web.Asset) a file is cached for a year and never asked for again; under
// its plain name, for an hour. Each goes out gzipped at the best level,
// compressed once at start, to a browser that accepts it.
func staticFiles() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a, hashed, ok := web.LookupAsset(strings.TrimPrefix(r.URL.Path, "/static/"))
		if !ok {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		h.Set("Content-Type", a.ContentType)
		h.Set("ETag", `"`+a.Hashed+`"`)
		h.Set("Vary", "Accept-Encoding")
		if hashed {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "public, max-age=3600")
		}
		if r.Header.Get("If-None-Match") == `"`+a.Hashed+`"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		body := a.Body
		if a.Gzip != nil && acceptsGzip(r) {
			body = a.Gzip
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method != http.MethodHead {
			w.Write(body)
		}
	})
}

// acceptsGzip reads Accept-Encoding, which browsers always send with gzip.
func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.TrimSpace(enc) == "gzip" && strings.ReplaceAll(strings.TrimSpace(q), " ", "") != "q=0" {
			return true
		}
	}
	return false
}

// page returns the shell data every page shares.
func (s *Server) page(r *http.Request, titleID string) web.Page {
	p := web.Page{Title: i18n.T(r.Context(), titleID), Path: r.URL.RequestURI()}
	if a := accountFrom(r.Context()); a != nil {
		p.User = &web.User{
			Name:               a.DisplayName,
			Email:              a.Email,
			AgencyName:         a.Agency.Name,
			AgencyShort:        a.Agency.ShortName,
			Roles:              a.Roles,
			PlatformAdmin:      a.PlatformAdmin,
			ReadsCases:         a.Actor().ReadsCases(),
			ReadsHotspots:      a.Actor().ReadsHotspots(),
			UsesDesk:           a.Actor().CanUseDesk(),
			MustChangePassword: a.MustChangePassword,
		}
		p.Flash = s.sessions.PopString(r.Context(), sessionFlash)
		// Counts shown with the page, for browsers without JavaScript; the
		// event stream keeps them current for the others.
		if live, err := s.live(r.Context(), a.Actor()); err == nil {
			p.User.Waiting, p.User.Overdue, p.User.Unread = live.Waiting, live.Overdue, live.Unread
		} else {
			s.log.WarnContext(r.Context(), "header counts", "err", err)
		}
	}
	return p
}

// render writes a component with status, rendering into a buffer first so
// that a failed render never sends half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	buf.WriteTo(w)
}

// redirect answers a form with 303 See Other, optionally with a flash.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flashID string) {
	if flashID != "" {
		s.sessions.Put(r.Context(), sessionFlash, flashID)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, key string) {
	s.render(w, r, status, web.ErrorPage(s.page(r, "error."+key+".title"), key))
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.errorPage(w, r, http.StatusNotFound, "not_found")
}

// serverError logs what went wrong and shows the user a page that reveals
// nothing of it.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "request failed", "err", err, "request_id", requestID(r.Context()))
	var buf bytes.Buffer
	if rerr := web.ErrorPage(web.Page{Title: i18n.T(r.Context(), "error.server.title"), Path: "/"}, "server").Render(r.Context(), &buf); rerr != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	buf.WriteTo(w)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write([]byte("ok\n"))
}

// readyz answers 200 only when the database answers and its schema is the
// one this binary expects, so a load balancer holds traffic from a replica
// that is not ready.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := postgres.CheckCurrent(ctx, s.db, s.migrations); err != nil {
		s.log.WarnContext(ctx, "not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte("not ready\n"))
		return
	}
	w.Write([]byte("ready\n"))
}
