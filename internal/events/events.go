// Package events tells the browsers connected to this server process when
// something that concerns them changed in any process: PostgreSQL
// LISTEN/NOTIFY carries the news between replicas, and a Hub fans it out to
// the subscribers here.
package events

import (
	"context"
	"encoding/json"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Channel is the PostgreSQL notification channel (migration 0008).
const Channel = "handshake_events"

// Event names whom a change concerns.
type Event struct {
	Agencies []int32 `json:"agencies"`
	Users    []int64 `json:"users"`
}

// Concerns reports whether the event is for a user of agency.
func (e Event) Concerns(user int64, agency int32) bool {
	return slices.Contains(e.Users, user) || slices.Contains(e.Agencies, agency)
}

type subscriber struct {
	user   int64
	agency int32
	ch     chan struct{}
}

// Hub fans events out to this process's subscribers.
type Hub struct {
	db  *pgxpool.Pool
	log *slog.Logger

	mu   sync.Mutex
	subs map[*subscriber]struct{}
}

// NewHub returns a Hub on the application's pool; Run starts it.
func NewHub(db *pgxpool.Pool, log *slog.Logger) *Hub {
	return &Hub{db: db, log: log, subs: map[*subscriber]struct{}{}}
}

// Subscribe returns a channel that receives a signal whenever an event
// concerns the user or their agency, and a function to stop. Signals
// coalesce: a slow reader gets one, not a backlog.
func (h *Hub) Subscribe(user int64, agency int32) (<-chan struct{}, func()) {
	s := &subscriber{user: user, agency: agency, ch: make(chan struct{}, 1)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s.ch, func() {
		h.mu.Lock()
		delete(h.subs, s)
		h.mu.Unlock()
	}
}

func (h *Hub) publish(e Event) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		if e.Concerns(s.user, s.agency) {
			select {
			case s.ch <- struct{}{}:
			default: // one pending signal is enough
			}
		}
	}
}

// Run listens until ctx ends, reconnecting after a lost connection. One
// pooled connection stays with it.
func (h *Hub) Run(ctx context.Context) {
	for ctx.Err() == nil {
		err := h.listen(ctx)
		if ctx.Err() != nil {
			return
		}
		h.log.Warn("event listener lost its connection; retrying", "err", err)
		select {
		case <-ctx.Done():
		case <-time.After(time.Second):
		}
	}
}

func (h *Hub) listen(ctx context.Context) error {
	pooled, err := h.db.Acquire(ctx)
	if err != nil {
		return err
	}
	// A connection that heard LISTEN must not go back to the pool.
	conn := pooled.Hijack()
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			h.log.Warn("unreadable event", "payload", n.Payload, "err", err)
			continue
		}
		h.publish(e)
	}
}
