package auth

import (
	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Throttle slows password guessing: after PerAccount failures for one email,
// or PerAddress failures from one client address, within Window, further
// attempts wait until the oldest of those failures leaves the window. The
// failures live in PostgreSQL, so every replica counts the same ones.
type Throttle struct {
	DB         *pgxpool.Pool
	PerAccount int
	PerAddress int
	Window     time.Duration
}

// NewThrottle returns the production limits: 5 failures per account and 30
// per address in 15 minutes. An office behind one address gets room for its
// staff's typos; a guesser of one account gets five tries.
func NewThrottle(db *pgxpool.Pool) *Throttle {
	return &Throttle{DB: db, PerAccount: 5, PerAddress: 30, Window: 15 * time.Minute}
}

// Wait returns how long the client must wait before trying email again; zero
// when it may try now.
func (t *Throttle) Wait(ctx context.Context, email, addr string) (time.Duration, error) {
	var secs float64
	err := t.DB.QueryRow(ctx, `
		SELECT greatest(
			coalesce((SELECT extract(epoch FROM at + $5::interval - now()) FROM login_failures
				WHERE email = $1 AND at > now() - $5::interval ORDER BY at DESC OFFSET $3 - 1 LIMIT 1), 0),
			coalesce((SELECT extract(epoch FROM at + $5::interval - now()) FROM login_failures
				WHERE client_addr = $2 AND at > now() - $5::interval ORDER BY at DESC OFFSET $4 - 1 LIMIT 1), 0))`,
		email, addr, t.PerAccount, t.PerAddress, t.Window).Scan(&secs)
	if err != nil {
		return 0, err
	}
	return time.Duration(math.Ceil(secs)) * time.Second, nil
}

// Fail records a failed attempt, and forgets failures older than a day.
func (t *Throttle) Fail(ctx context.Context, email, addr string) error {
	return pgx.BeginFunc(ctx, t.DB, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO login_failures (email, client_addr) VALUES ($1, $2)`, email, addr); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM login_failures WHERE at < now() - interval '1 day' AND email = $1`, email)
		return err
	})
}

// Succeed clears the account's failures after a correct password.
func (t *Throttle) Succeed(ctx context.Context, email string) error {
	_, err := t.DB.Exec(ctx, `DELETE FROM login_failures WHERE email = $1`, email)
	return err
}
