package harness

import (
	"context"
	"fmt"
	"io"

	"github.com/jackc/pgx/v5"
)

// Settle writes out what loading or an earlier size left in PostgreSQL's
// buffers, so that the checkpoint's writes do not fall inside the
// measured minutes.
func Settle(ctx context.Context, superuserURL string, log io.Writer) error {
	conn, err := pgx.Connect(ctx, superuserURL)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	fmt.Fprintln(log, "bench: CHECKPOINT")
	_, err = conn.Exec(ctx, `CHECKPOINT`)
	return err
}
