package server

import (
	"errors"
	"net/http"
	"net/url"

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
	r.Get("/overdue", s.deskOverdue)
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

// deskOverdue is the desk's whole overdue list, a page at a time; the
// desk shows its first few.
func (s *Server) deskOverdue(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	v := web.DeskOverdueView{Agency: actor.AgencyID, WholeBorder: actor.SeesWholeBorder()}
	status := http.StatusOK
	after, err := desk.ParseCursor(r.URL.Query().Get("after"))
	if err != nil {
		status, v.Broken = http.StatusUnprocessableEntity, true
	} else {
		p, err := s.desk.Overdue(ctx, actor, after)
		if errors.Is(err, desk.ErrNotFound) {
			s.notFound(w, r)
			return
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		v.P = p
		v.FirstURL, v.NextURL = pageURLs("/desk/overdue", url.Values{}, after != nil, p.Next)
	}
	s.render(w, r, status, web.DeskOverduePage(s.page(r, "desk.overdue_title"), v))
}
