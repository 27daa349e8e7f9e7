package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/handshake-mekong/handshake/internal/audit"
)

// reqState is what the middleware learns about a request as it goes, kept in
// the context so the access log can report the user a later layer found.
type reqState struct {
	id         string
	clientAddr string
	userID     int64
}

type reqStateKey struct{}

func stateFrom(ctx context.Context) *reqState {
	if st, ok := ctx.Value(reqStateKey{}).(*reqState); ok {
		return st
	}
	return &reqState{}
}

func requestID(ctx context.Context) string { return stateFrom(ctx).id }

// requestContext gives the request an id and settles its client address.
func (s *Server) requestContext(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st := &reqState{id: rand.Text()[:12], clientAddr: s.clientAddr(r)}
		w.Header().Set("X-Request-Id", st.id)
		ctx := context.WithValue(r.Context(), reqStateKey{}, st)
		ctx = audit.WithWho(ctx, audit.Who{ClientAddr: st.clientAddr})
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// clientAddr is the peer's address, or with TRUST_PROXY the address the
// reverse proxy saw: the last one it appended to X-Forwarded-For.
func (s *Server) clientAddr(r *http.Request) string {
	if s.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests writes one structured line per request.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		st := stateFrom(r.Context())
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", st.id),
			slog.String("method", r.Method),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Duration("latency", time.Since(start)),
			slog.Int64("user_id", st.userID),
			slog.String("client", st.clientAddr),
		)
	})
}

// recoverPanics turns a panic into the 500 page and a log line.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.serverError(w, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// contentSecurityPolicy allows only the application's own scripts, styles
// and images, and the map tile server's images when one is set (tiles is
// its origin, or ""): no inline script, no framing.
func contentSecurityPolicy(tiles string) string {
	img := "'self' data:"
	if tiles != "" {
		img += " " + tiles
	}
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + img + "; " +
		"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

func (s *Server) securityHeaders(next http.Handler) http.Handler {
	csp := contentSecurityPolicy(s.cfg.Tiles.Origin())
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
		next.ServeHTTP(w, r)
	})
}

// maxBody is the largest request body Handshake reads.
const maxBody = 1 << 20

// limitBody answers 413 to a body over 1 MiB: at once when the client says
// so in Content-Length, and when reading passes the limit otherwise (see
// parseForm).
func (s *Server) limitBody(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > maxBody {
			w.Header().Set("Connection", "close")
			s.errorPage(w, r, http.StatusRequestEntityTooLarge, "too_large")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		next.ServeHTTP(w, r)
	})
}

// parseForm reads a form body, answering 413 or 400 itself when it cannot;
// it reports whether the handler may go on.
func (s *Server) parseForm(w http.ResponseWriter, r *http.Request) bool {
	err := r.ParseForm()
	if err == nil {
		return true
	}
	if _, ok := errors.AsType[*http.MaxBytesError](err); ok {
		w.Header().Set("Connection", "close")
		s.errorPage(w, r, http.StatusRequestEntityTooLarge, "too_large")
		return false
	}
	s.errorPage(w, r, http.StatusBadRequest, "bad_request")
	return false
}

// crossOrigin refuses unsafe methods sent from another site (Go's
// CrossOriginProtection reads Sec-Fetch-Site and Origin), with a page that
// says why.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, http.StatusForbidden, "cross_origin")
	}))
	return cop.Handler(next)
}

// compress gzips text responses for browsers that accept it: pages, styles,
// scripts and the map's GeoJSON, a quarter of their size or less on a weak
// border connection (DESIGN §6). The event stream is not compressed.
var compress = middleware.Compress(5, "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
	"application/json", "application/geo+json", "image/svg+xml", "text/csv", "text/vcard")
