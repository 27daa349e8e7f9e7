// Package audit records who did what to which object, from where. Events are
// append-only: the application role may insert them, never change them.
package audit

import (
	"context"
	"strconv"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handshake-mekong/handshake/internal/access"
)

// Event is one audited action. Actor and client address come from the
// context (see WithRequest), so stores need not thread them through.
type Event struct {
	Action     string // e.g. "user.create", "agency.update"
	ObjectType string // e.g. "user", "agency"
	ObjectID   string
	Details    map[string]any
}

// Who is the acting user and where the request came from.
type Who struct {
	UserID     int64 // 0 before login
	AgencyID   int32 // 0 before login
	ClientAddr string
}

type whoKey struct{}

// WithWho returns a context whose audit events carry who.
func WithWho(ctx context.Context, who Who) context.Context {
	return context.WithValue(ctx, whoKey{}, who)
}

// WhoFrom returns the actor and client address stored by WithWho.
func WhoFrom(ctx context.Context) Who {
	w, _ := ctx.Value(whoKey{}).(Who)
	return w
}

// Execer is a transaction or a pool.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Record inserts e. Given the transaction of a change, the event commits or
// rolls back with the change it describes.
func Record(ctx context.Context, tx Execer, e Event) error {
	who := WhoFrom(ctx)
	details := e.Details
	if details == nil {
		details = map[string]any{}
	}
	// Inside a transaction that set the acting user for row-level security
	// (postgres.AsActor), that user is the actor even when the context
	// carries none.
	_, err := tx.Exec(ctx, `
		INSERT INTO audit_events (actor_user_id, actor_agency_id, action, object_type, object_id, client_addr, details)
		VALUES (coalesce(nullif($1, 0), nullif(current_setting('app.user_id', true), '')::bigint),
			coalesce(nullif($2, 0), nullif(current_setting('app.agency_id', true), '')::integer), $3, $4, $5, $6, $7)`,
		who.UserID, who.AgencyID, e.Action, e.ObjectType, e.ObjectID, who.ClientAddr, details)
	return err
}

// Denied records an attempt by actor on something they may not reach, as
// action + ".denied", in its own statement: the transaction that found
// nothing it may act on has rolled back.
func Denied(ctx context.Context, db Execer, actor access.Actor, action, objectType string, id int64) {
	who := WhoFrom(ctx)
	who.UserID, who.AgencyID = actor.UserID, actor.AgencyID
	// The attempt was already refused; a failure to record it must not
	// turn the refusal into a server error.
	_ = Record(WithWho(ctx, who), db, Event{Action: action + ".denied", ObjectType: objectType, ObjectID: strconv.FormatInt(id, 10)})
}
