package server

import (
	"net/http"

	"github.com/handshake-mekong/handshake/web"
)

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, web.HomePage(s.page(r, "nav.home"), *accountFrom(r.Context())))
}
