package app

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/handshake-mekong/handshake/internal/audit"
)

// ErrAuditBroken means audit verify found an event changed or removed.
var ErrAuditBroken = errors.New("the audit chain is broken")

// auditCmd checks the audit log's hash chain. It reads as the application
// role, which may read every event but change none, so an operator can run
// it with the server's own configuration.
func auditCmd(ctx context.Context, c *command, args []string) error {
	if len(args) != 1 || args[0] != "verify" {
		return ErrUsage
	}
	pool, err := c.openCurrent(ctx)
	if err != nil {
		return err
	}
	defer pool.Close()
	r, err := audit.Verify(ctx, pool)
	if err != nil {
		return fmt.Errorf("audit verify: %w", err)
	}
	if !r.Intact() {
		fmt.Fprintf(c.env.Stdout, "audit chain broken at event %d: %s\n", r.BrokenAt, r.Problem)
		if r.LastID != 0 {
			fmt.Fprintf(c.env.Stdout, "the %d events up to event %d are intact\n", r.Checked-1, r.LastID)
		}
		return ErrAuditBroken
	}
	fmt.Fprintf(c.env.Stdout, "audit chain intact: %d events\n", r.Checked)
	if r.LastID != 0 {
		// Noted down elsewhere, this shows later whether the newest events
		// were removed, which the chain alone cannot.
		fmt.Fprintf(c.env.Stdout, "newest event %d, hash %s\n", r.LastID, hex.EncodeToString(r.LastHash))
	}
	return nil
}
