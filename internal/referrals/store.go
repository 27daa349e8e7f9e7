package referrals

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// Store reads and writes referrals, always as an actor.
type Store struct {
	db    *pgxpool.Pool
	cases *cases.Store
	now   func() time.Time
}

// NewStore returns a Store on the application's pool.
func NewStore(db *pgxpool.Pool) *Store {
	return &Store{db: db, cases: cases.NewStore(db), now: time.Now}
}

const referralSelect = `
	SELECT r.id, r.case_id, r.case_reference AS reference, r.from_agency_id, fa.short_name AS from_short, fa.country AS from_country,
		r.to_agency_id, ta.short_name AS to_short, ta.country AS to_country, r.purpose, r.urgency, r.message,
		r.respond_by, r.include_identity, r.cross_border, r.state, r.sent_by, su.display_name AS sent_by_name, r.sent_at,
		r.assigned_to, au.display_name AS assigned_name, r.responded_at, r.decline_reason, r.closed_at
	FROM referrals r
	JOIN agencies fa ON fa.id = r.from_agency_id JOIN agencies ta ON ta.id = r.to_agency_id
	JOIN users su ON su.id = r.sent_by LEFT JOIN users au ON au.id = r.assigned_to`

// Send refers a case to another agency and returns the referral's id.
func (s *Store) Send(ctx context.Context, actor access.Actor, caseID int64, in SendInput) (int64, error) {
	c, err := s.cases.Get(ctx, actor, caseID)
	if err != nil {
		return 0, ErrNotFound
	}
	now := s.now()
	respondBy, verrs := in.Validate(now)
	var id int64
	err = postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		var toKind access.Kind
		var toCountry, fromCountry string
		var active bool
		err := tx.QueryRow(ctx, `SELECT t.kind, t.country, t.active, f.country FROM agencies t, agencies f
			WHERE t.id = $1 AND f.id = $2`, in.ToAgency, actor.AgencyID).Scan(&toKind, &toCountry, &active, &fromCountry)
		switch {
		case errors.Is(err, pgx.ErrNoRows) || (err == nil && (!active || in.ToAgency == actor.AgencyID)):
			verrs.Add("to_agency", "error.choice", nil)
		case err != nil:
			return err
		}
		if len(verrs) == 0 && !actor.CanSendReferral(c.Facts(), in.Purpose, toKind) {
			// The case may be seen but not sent this way: say why beside the
			// field rather than pretend the case does not exist.
			verrs.Add("to_agency", "error.referral_not_allowed", nil)
		}
		if in.IncludeIdentity && in.IdentityReason == "" {
			var unconsented int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM case_people WHERE case_id = $1 AND role <> 'suspect'
				AND NOT consent AND override_reason IS NULL`, caseID).Scan(&unconsented); err != nil {
				return err
			}
			if unconsented > 0 {
				verrs.Add("identity_reason", "error.identity_reason", nil)
			}
		}
		if err := verrs.Err(); err != nil {
			return err
		}
		var reason *string
		if in.IncludeIdentity && in.IdentityReason != "" {
			reason = &in.IdentityReason
		}
		if err := tx.QueryRow(ctx, `
			INSERT INTO referrals (case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by,
				include_identity, identity_reason, cross_border, sent_by)
			VALUES ($1, $11, $2, $3, $4, $5, $6, $7, $8, $9, $10, app_user()) RETURNING id`,
			caseID, actor.AgencyID, in.ToAgency, in.Purpose, in.Urgency, in.Message, respondBy,
			in.IncludeIdentity, reason, toCountry != fromCountry, c.Reference).Scan(&id); err != nil {
			return err
		}
		if reason != nil {
			if err := audit.Record(ctx, tx, audit.Event{Action: "identity.referral_override", ObjectType: "referral",
				ObjectID: fmt.Sprint(id), Details: map[string]any{"case_id": caseID, "reason": *reason}}); err != nil {
				return err
			}
		}
		return s.step(ctx, tx, id, "sent", c.Reference, notifyCoordinators(in.ToAgency))
	})
	return id, err
}

// recipients picks who is told of a step, inside its transaction.
type recipients func(ctx context.Context, tx pgx.Tx, r Referral) ([]int64, error)

// notifyCoordinators tells the active coordinators of an agency.
func notifyCoordinators(agency int32) recipients {
	return func(ctx context.Context, tx pgx.Tx, _ Referral) ([]int64, error) {
		rows, _ := tx.Query(ctx, `SELECT id FROM users WHERE agency_id = $1 AND active AND 'coordinator' = ANY (roles)`, agency)
		return pgx.CollectRows(rows, pgx.RowTo[int64])
	}
}

// notifySender tells whoever sent the referral, and its agency's
// coordinators.
func notifySender(ctx context.Context, tx pgx.Tx, r Referral) ([]int64, error) {
	ids, err := notifyCoordinators(r.FromAgencyID)(ctx, tx, r)
	return append(ids, r.SentBy), err
}

// notifyReceiver tells the receiving agency's coordinators and the
// assignee.
func notifyReceiver(ctx context.Context, tx pgx.Tx, r Referral) ([]int64, error) {
	ids, err := notifyCoordinators(r.ToAgencyID)(ctx, tx, r)
	if r.AssignedTo != nil {
		ids = append(ids, *r.AssignedTo)
	}
	return ids, err
}

// step records a referral's step: a timeline entry on the case, a
// notification to each recipient (but the actor) and an audit event.
func (s *Store) step(ctx context.Context, tx pgx.Tx, id int64, what, reference string, to recipients) error {
	r, err := get(ctx, tx, id)
	if err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, `SELECT add_referral_entry($1, $2)`, id, fmt.Sprintf("%s %s %s→%s", what, r.Purpose, r.FromShort, r.ToShort)); err != nil {
		return err
	}
	users, err := to(ctx, tx, r)
	if err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, u := range users {
		if seen[u] {
			continue
		}
		seen[u] = true
		if _, err := tx.Exec(ctx, `INSERT INTO notifications (user_id, kind, reference, link)
			SELECT $1, $2, $3, $4 WHERE $1 <> app_user()`, u, "referral."+what, reference, fmt.Sprintf("/referrals/%d", id)); err != nil {
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Event{Action: "referral." + what, ObjectType: "referral", ObjectID: fmt.Sprint(id),
		Details: map[string]any{"case_id": r.CaseID, "from": r.FromAgencyID, "to": r.ToAgencyID, "state": r.State}})
}

func get(ctx context.Context, tx pgx.Tx, id int64) (Referral, error) {
	rows, _ := tx.Query(ctx, referralSelect+` WHERE r.id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByName[Referral])
	if errors.Is(err, pgx.ErrNoRows) {
		return Referral{}, ErrNotFound
	}
	return r, err
}

// Get returns a referral the actor's agency is a party to.
func (s *Store) Get(ctx context.Context, actor access.Actor, id int64) (Referral, error) {
	var r Referral
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) (err error) {
		r, err = get(ctx, tx, id)
		if err == nil && !actor.CanSeeReferral(r.Facts()) {
			err = ErrNotFound
		}
		return err
	})
	return r, err
}

// transition moves a referral from one of from to the state set assigns,
// if the rule allows the actor, in one statement, so that of two
// coordinators accepting at once exactly one succeeds.
func (s *Store) transition(ctx context.Context, actor access.Actor, id int64, what string,
	allowed func(access.ReferralFacts) bool, from []string, set string, args []any, to recipients, then func(pgx.Tx, Referral) error) error {
	err := postgres.AsActor(ctx, s.db, actor, func(tx pgx.Tx) error {
		r, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if !actor.CanSeeReferral(r.Facts()) || !allowed(r.Facts()) {
			return ErrNotFound
		}
		tag, err := tx.Exec(ctx, `UPDATE referrals SET `+set+`, updated_at = now() WHERE id = $1 AND state = ANY ($2)`,
			append([]any{id, from}, args...)...)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrTransition
		}
		if then != nil {
			if err := then(tx, r); err != nil {
				return err
			}
		}
		return s.step(ctx, tx, id, what, r.Reference, to)
	})
	if errors.Is(err, ErrNotFound) {
		audit.Denied(ctx, s.db, actor, "referral."+what, "referral", id)
	}
	return err
}

// Accept takes the referral on and grants the receiving agency a
// contribute share of the case; it does not move ownership.
func (s *Store) Accept(ctx context.Context, actor access.Actor, id int64) error {
	return s.transition(ctx, actor, id, "accepted", actor.CanRespondToReferral, []string{"pending"},
		`state = 'accepted', responded_by = app_user(), responded_at = now()`, nil, notifySender,
		func(tx pgx.Tx, _ Referral) error {
			_, err := tx.Exec(ctx, `SELECT grant_referral_share($1)`, id)
			return err
		})
}

// Decline refuses the referral, for a reason the sender reads.
func (s *Store) Decline(ctx context.Context, actor access.Actor, id int64, reason string) error {
	if err := declineReason(reason); err != nil {
		return err
	}
	return s.transition(ctx, actor, id, "declined", actor.CanRespondToReferral, []string{"pending"},
		`state = 'declined', decline_reason = $3, responded_by = app_user(), responded_at = now()`, []any{strings.TrimSpace(reason)}, notifySender, nil)
}

// Withdraw takes back a referral that has not been answered.
func (s *Store) Withdraw(ctx context.Context, actor access.Actor, id int64) error {
	return s.transition(ctx, actor, id, "withdrawn", actor.CanWithdrawReferral, []string{"pending"},
		`state = 'withdrawn', closed_by = app_user(), closed_at = now()`, nil, notifyReceiver, nil)
}

// Complete closes an accepted referral whose work is done.
func (s *Store) Complete(ctx context.Context, actor access.Actor, id int64) error {
	return s.transition(ctx, actor, id, "completed", actor.CanCompleteReferral, []string{"accepted"},
		`state = 'completed', closed_by = app_user(), closed_at = now()`, nil, notifySender, nil)
}

// Assign gives a pending or accepted referral to one of the receiving
// agency's users.
func (s *Store) Assign(ctx context.Context, actor access.Actor, id, userID int64) error {
	var ok bool
	err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT FROM users WHERE id = $1 AND agency_id = $2 AND active
		AND roles && ARRAY['investigator', 'caseworker', 'coordinator'])`, userID, actor.AgencyID).Scan(&ok)
	if err != nil {
		return err
	}
	if !ok {
		return assigneeError()
	}
	return s.transition(ctx, actor, id, "assigned", actor.CanRespondToReferral, []string{"pending", "accepted"},
		`assigned_to = $3`, []any{userID}, func(context.Context, pgx.Tx, Referral) ([]int64, error) { return []int64{userID}, nil }, nil)
}
