package server

import (
	"errors"
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/desk"
	"github.com/handshake-mekong/handshake/web"
)

// The coordinators' desk (issue 4): figures on referrals for coordinators,
// and for coordinating bodies across the whole border. Everyone else gets
// the 404 of a page that does not exist; desk.Store asks the rule again.

func (s *Server) deskRoutes(r chi.Router) {
	r.Use(s.allow(access.Actor.CanUseDesk))
	r.Get("/", s.deskShow)
}

func (s *Server) deskShow(w http.ResponseWriter, r *http.Request) {
	actor := actorFrom(r.Context())
	d, err := s.desk.Summary(r.Context(), actor)
	if errors.Is(err, desk.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.DeskPage(s.page(r, "desk.title"), web.DeskView{D: d, Agency: actor.AgencyID}))
}
