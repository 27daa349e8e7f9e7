package server

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/notifications"
	"github.com/handshake-mekong/handshake/web"
)

// The signed-in user's notifications. Every signed-in user has an inbox;
// the store reads and marks only the actor's own rows.

func (s *Server) notificationRoutes(r chi.Router) {
	r.Get("/", s.notificationList)
	r.Post("/read-all", s.notificationReadAll)
	r.Post("/{id}/read", s.notificationRead)
}

// notificationList shows one page of notifications, newest first; ?before
// pages back.
func (s *Server) notificationList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	var before int64
	if b := r.URL.Query().Get("before"); b != "" {
		var err error
		if before, err = strconv.ParseInt(b, 10, 64); err != nil || before <= 0 {
			s.errorPage(w, r, http.StatusBadRequest, "bad_request")
			return
		}
	}
	list, err := s.notifications.List(ctx, actor, notifications.Page{Before: before})
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	v := web.NotificationListView{Notifications: list.Notifications}
	if v.Unread, err = s.notifications.UnreadCount(ctx, actor); err != nil {
		s.serverError(w, r, err)
		return
	}
	if list.Next != 0 {
		v.Older = "/notifications?before=" + itoa(list.Next)
	}
	if before != 0 {
		v.Newest = "/notifications"
	}
	s.render(w, r, http.StatusOK, web.NotificationListPage(s.page(r, "notifications.title"), v))
}

// notificationRead marks a notification read and follows its link.
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	n, err := s.notifications.MarkRead(r.Context(), actorFrom(r.Context()), id)
	if errors.Is(err, notifications.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, localPath(n.Link), "")
}

// notificationReadAll marks every notification of the user read.
func (s *Server) notificationReadAll(w http.ResponseWriter, r *http.Request) {
	if _, err := s.notifications.MarkAllRead(r.Context(), actorFrom(r.Context())); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.redirect(w, r, "/notifications", "notifications.all_marked_read")
}
