package server

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
)

// Live is the header's counts, sent to the browser as they change.
type Live struct {
	Waiting int `json:"waiting"` // referrals waiting for the agency's answer
	Overdue int `json:"overdue"` // of which past their deadline
	Unread  int `json:"unread"`  // the user's unread notifications
}

func (s *Server) live(ctx context.Context, actor access.Actor) (Live, error) {
	c, err := s.referrals.Waiting(ctx, actor)
	if err != nil {
		return Live{}, err
	}
	unread, err := s.notifications.UnreadCount(ctx, actor)
	return Live{Waiting: c.Waiting, Overdue: c.Overdue, Unread: unread}, err
}

// Listen feeds this process's live updates from every process's changes,
// until ctx ends.
func (s *Server) Listen(ctx context.Context) { s.hub.Run(ctx) }

// heartbeat keeps proxies from closing a quiet event stream.
const heartbeat = 25 * time.Second

// events streams the header's counts as server-sent events: once at
// connection, then whenever a change anywhere concerns the user or their
// agency. Without JavaScript nobody connects, and the counts come with
// each page instead.
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := accountFrom(ctx)
	actor := a.Actor()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)

	changed, stop := s.hub.Subscribe(a.ID, a.AgencyID)
	defer stop()
	send := func(msg string) bool {
		// The server's write timeout is for pages; a stream extends it per
		// message.
		rc.SetWriteDeadline(time.Now().Add(heartbeat + 10*time.Second))
		if _, err := fmt.Fprint(w, msg); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	counts := func() bool {
		live, err := s.live(ctx, actor)
		if err != nil {
			return ctx.Err() != nil || send(": counts unavailable\n\n")
		}
		b, _ := json.Marshal(live)
		return send("event: counts\ndata: " + string(b) + "\n\n")
	}
	if !send("retry: 5000\n\n") || !counts() {
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-changed:
			if !counts() {
				return
			}
		case <-tick.C:
			if !send(": ping\n\n") {
				return
			}
		}
	}
}
