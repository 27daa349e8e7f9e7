package postgres

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
)

// AsActor runs f in a transaction that first tells PostgreSQL who acts, so
// that row-level security applies the same rules as the store. The settings
// are local to the transaction: a pooled connection forgets them at commit.
func AsActor(ctx context.Context, db *pgxpool.Pool, actor access.Actor, f func(pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		roles := make([]string, len(actor.Roles))
		for i, r := range actor.Roles {
			roles[i] = string(r)
		}
		_, err := tx.Exec(ctx, `SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true),
			set_config('app.agency_kind', $3, true), set_config('app.roles', $4, true)`,
			strconv.FormatInt(actor.UserID, 10), strconv.FormatInt(int64(actor.AgencyID), 10),
			string(actor.AgencyKind), strings.Join(roles, ","))
		if err != nil {
			return err
		}
		return f(tx)
	})
}
