package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// fieldErrors returns the field errors in err, if that is what it is.
func fieldErrors(err error) (validate.Errors, bool) {
	return errors.AsType[validate.Errors](err)
}

// storeFailed answers a store error: 404 for what the actor may not see or
// that does not exist, 500 for the rest.
func (s *Server) storeFailed(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, agencies.ErrNotFound) || errors.Is(err, cases.ErrNotFound) || errors.Is(err, referrals.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	s.serverError(w, r, err)
}

// idParam reads a numeric route parameter; ok is false for anything else,
// which the caller answers with 404.
func idParam(r *http.Request, name string) (int64, bool) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	return id, err == nil && id > 0
}

// roles reads the ticked role checkboxes.
func roles(r *http.Request) []access.Role {
	var out []access.Role
	for _, v := range r.PostForm["roles"] {
		out = append(out, access.Role(v))
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
