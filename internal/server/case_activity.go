package server

import (
	"net/http"
	"strconv"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/web"
)

func (s *Server) entryCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	in := cases.EntryInput{Kind: f.Get("kind"), OccurredAt: f.Get("occurred_at"), Body: f.Get("body"),
		HandlingCode: access.HandlingCode(f.Get("handling_code"))}
	err := s.cases.AddEntry(r.Context(), actorFrom(r.Context()), id, in, web.Local)
	if verrs, ok := fieldErrors(err); ok {
		s.renderCase(w, r, id, http.StatusUnprocessableEntity, web.Form{Values: f, Errors: verrs}, web.Form{})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(id)+"#timeline", "flash.entry_added")
}

func (s *Server) shareCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	agency, _ := strconv.ParseInt(f.Get("agency"), 10, 32)
	in := cases.ShareInput{AgencyID: int32(agency), Level: access.ShareLevel(f.Get("level")), Basis: f.Get("basis"),
		Reason: f.Get("reason"), ExpiresOn: f.Get("expires_on")}
	err := s.cases.ShareCase(r.Context(), actorFrom(r.Context()), id, in)
	if verrs, ok := fieldErrors(err); ok {
		s.renderCase(w, r, id, http.StatusUnprocessableEntity, web.Form{}, web.Form{Values: f, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(id)+"#access", "flash.shared")
}

func (s *Server) shareRevoke(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	share, ok := idParam(r, "share")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.cases.Revoke(r.Context(), actorFrom(r.Context()), id, share); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(id)+"#access", "flash.revoked")
}
