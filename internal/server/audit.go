package server

import (
	"errors"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/web"
)

// The platform admin's audit log. s.allow guards the routes;
// audit.List checks the actor again.

func (s *Server) auditRoutes(r chi.Router) {
	r.Use(s.allow(access.Actor.CanManageAgencies))
	r.Get("/", s.auditLog)
}

// auditLog shows one page of events, newest first. The filters are a GET
// form, so a filtered page is a link that can be kept or shared.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	q := r.URL.Query()
	list, err := s.agencies.ListAgencies(ctx, actor)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	v := web.AuditLogView{Form: web.Form{Values: q}, Agencies: list}
	f, verrs := audit.FilterInput{
		Action:     q.Get("action"),
		ActorEmail: q.Get("actor"),
		Agency:     q.Get("agency"),
		ObjectType: q.Get("object_type"),
		ObjectID:   q.Get("object_id"),
		From:       q.Get("from"),
		To:         q.Get("to"),
		Before:     q.Get("before"),
	}.Parse()
	if len(verrs) > 0 {
		v.Form.Errors = verrs
		s.render(w, r, http.StatusUnprocessableEntity, web.AuditLogPage(s.page(r, "audit.title"), v))
		return
	}
	// One more than a page tells whether there is an older one.
	f.Limit = audit.PageSize + 1
	v.Entries, err = audit.List(ctx, s.db, actor, f)
	if errors.Is(err, audit.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if len(v.Entries) > audit.PageSize {
		v.Entries = v.Entries[:audit.PageSize]
		v.Older = auditPage(q, v.Entries[len(v.Entries)-1].ID)
	}
	if f.Before != 0 {
		v.Newest = auditPage(q, 0)
	}
	s.render(w, r, http.StatusOK, web.AuditLogPage(s.page(r, "audit.title"), v))
}

// auditPage links to the events before id (the newest when 0) under the
// same filters.
func auditPage(q url.Values, before int64) string {
	next := url.Values{}
	for k, vs := range q {
		if k != "before" {
			next[k] = vs
		}
	}
	if before != 0 {
		next.Set("before", itoa(before))
	}
	if len(next) == 0 {
		return "/admin/audit"
	}
	return "/admin/audit?" + next.Encode()
}
