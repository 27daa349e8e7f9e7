package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/audit"
)

// ShareCase opens a case to another agency, replacing any live share it
// has. It is a timeline entry, so partners see when and why access changed.
func (s *Store) ShareCase(ctx context.Context, actor access.Actor, caseID int64, in ShareInput) error {
	now := s.now()
	return s.onCase(ctx, actor, caseID, "case.share", actor.CanShareCase, func(tx pgx.Tx, c Case) error {
		expires, verrs := in.Validate(now)
		var name string
		var active bool
		err := tx.QueryRow(ctx, `SELECT short_name, active FROM agencies WHERE id = $1`, in.AgencyID).Scan(&name, &active)
		switch {
		case errors.Is(err, pgx.ErrNoRows) || (err == nil && !active) || in.AgencyID == c.OwnerAgencyID:
			verrs.Add("agency", "error.choice", nil)
		case err != nil:
			return err
		}
		if err := verrs.Err(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE case_shares SET revoked_at = now(), revoked_by = app_user()
			WHERE case_id = $1 AND agency_id = $2 AND revoked_at IS NULL`, caseID, in.AgencyID); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRow(ctx, `
			INSERT INTO case_shares (case_id, agency_id, level, basis, reason, expires_at, granted_by)
			VALUES ($1, $2, $3, $4, $5, $6, app_user()) RETURNING id`,
			caseID, in.AgencyID, in.Level, in.Basis, in.Reason, expires).Scan(&id); err != nil {
			return err
		}
		if err := addEntry(ctx, tx, actor, caseID, "share", now, fmt.Sprintf("%s %s", name, in.Level), access.Partners); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.share", ObjectType: "case", ObjectID: fmt.Sprint(caseID),
			Details: map[string]any{"share_id": id, "agency_id": in.AgencyID, "level": in.Level, "basis": in.Basis, "expires": expires}})
	})
}

// Revoke ends a share at once.
func (s *Store) Revoke(ctx context.Context, actor access.Actor, caseID, shareID int64) error {
	return s.onCase(ctx, actor, caseID, "case.revoke", actor.CanManageShares, func(tx pgx.Tx, _ Case) error {
		var name string
		err := tx.QueryRow(ctx, `
			UPDATE case_shares s SET revoked_at = now(), revoked_by = app_user() FROM agencies a
			WHERE s.id = $1 AND s.case_id = $2 AND s.revoked_at IS NULL AND a.id = s.agency_id
			RETURNING a.short_name`, shareID, caseID).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if err := addEntry(ctx, tx, actor, caseID, "share", s.now(), name+" revoked", access.Partners); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.revoke", ObjectType: "case", ObjectID: fmt.Sprint(caseID),
			Details: map[string]any{"share_id": shareID}})
	})
}

// Agencies lists the active agencies that hold cases: every one but the
// platform operator.
func (s *Store) Agencies(ctx context.Context) ([]Agency, error) {
	rows, _ := s.db.Query(ctx, `SELECT id, name, short_name, kind, country FROM agencies
		WHERE active AND code <> $1 ORDER BY country, name`, agencies.OperatorCode)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Agency])
}

// Agency is a partner as the share form lists it.
type Agency struct {
	ID        int32       `db:"id"`
	Name      string      `db:"name"`
	ShortName string      `db:"short_name"`
	Kind      access.Kind `db:"kind"`
	Country   string      `db:"country"`
}

// ExpireShares drops agencies whose shares have expired from the cases'
// visible_to, and reports how many cases changed. Single-case reads check
// expiry themselves; this bounds how long an expired case still shows in
// lists. Every replica may run it: it is idempotent.
func (s *Store) ExpireShares(ctx context.Context) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT expire_case_shares()`).Scan(&n)
	return n, err
}

// ExpireSharesEvery runs ExpireShares every interval until ctx ends,
// logging what it changed or why it failed.
func (s *Store) ExpireSharesEvery(ctx context.Context, interval time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			n, err := s.ExpireShares(ctx)
			switch {
			case err != nil && ctx.Err() == nil:
				log.Error("expire case shares", "err", err)
			case n > 0:
				log.Info("expired case shares", "cases", n)
			}
		}
	}
}
