package notifications

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// PageSize is how many notifications one page of the inbox shows.
const PageSize = 50

// Store reads and marks a user's notifications, always as that user, so
// that row-level security hides everyone else's. Every query also names
// the user itself: the scope does not rest on the policy alone.
type Store struct {
	db *pgxpool.Pool
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store {
	return &Store{db: db}
}

// Page picks one page of the inbox: the newest, or those before a
// notification.
type Page struct {
	Before int64 // 0 for the newest
	Size   int   // 0 for PageSize
}

// List is one page of the inbox, newest first.
type List struct {
	Notifications []Notification
	// Next is the Before of the following page, 0 on the last.
	Next int64
}

// List returns a page of the actor's notifications, newest first. It pages
// by id, not by offset, so a notification arriving meanwhile neither
// repeats a line nor skips one.
func (s *Store) List(ctx context.Context, actor access.Actor, p Page) (List, error) {
	size := p.Size
	if size <= 0 || size > PageSize {
		size = PageSize
	}
	var out List
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		// One more than a page tells whether there is another.
		rows, _ := tx.Query(ctx, `
			SELECT id, kind, reference, link, created_at, read_at FROM notifications
			WHERE user_id = app_user() AND ($1 = 0 OR id < $1)
			ORDER BY id DESC LIMIT $2`, p.Before, size+1)
		list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Notification])
		if err != nil {
			return err
		}
		if len(list) > size {
			list = list[:size]
			out.Next = list[size-1].ID
		}
		out.Notifications = list
		return nil
	})
	return out, err
}

// UnreadCount is how many of the actor's notifications are unread, for the
// header of every page.
func (s *Store) UnreadCount(ctx context.Context, actor access.Actor) (int, error) {
	var n int
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE user_id = app_user() AND read_at IS NULL`).Scan(&n)
	})
	return n, err
}

// MarkRead marks one of the actor's notifications read and returns it, so
// that the page can follow its link. Another user's answers ErrNotFound, as
// one that does not exist, and leaves an audit event.
func (s *Store) MarkRead(ctx context.Context, actor access.Actor, id int64) (Notification, error) {
	var n Notification
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `
			UPDATE notifications SET read_at = coalesce(read_at, now())
			WHERE id = $1 AND user_id = app_user()
			RETURNING id, kind, reference, link, created_at, read_at`, id)
		var err error
		n, err = pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Notification])
		return err
	})
	if errors.Is(err, pgx.ErrNoRows) {
		audit.Denied(ctx, s.db, actor, "notification.read", "notification", id)
		return Notification{}, ErrNotFound
	}
	return n, err
}

// MarkAllRead marks every unread notification of the actor read and says
// how many there were.
func (s *Store) MarkAllRead(ctx context.Context, actor access.Actor) (int64, error) {
	var n int64
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE user_id = app_user() AND read_at IS NULL`)
		n = tag.RowsAffected()
		return err
	})
	return n, err
}
