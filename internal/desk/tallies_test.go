package desk_test

import (
	"context"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/migrations"
)

// installReference creates reference_desk_*: the desk's functions as
// migration 0006 wrote them, which compute every figure straight from
// the referrals. The desk's own read the tallies (0015); both must agree.
func (f *fixture) installReference() {
	f.t.Helper()
	src, err := fs.ReadFile(migrations.FS, "0006_desk.up.sql")
	if err != nil {
		f.t.Fatal(err)
	}
	text := string(src)
	start, end := strings.Index(text, "-- Referrals by direction"), strings.Index(text, "REVOKE EXECUTE")
	if start < 0 || end < start {
		f.t.Fatal("0006_desk.up.sql no longer has the functions where this test looks")
	}
	body := strings.ReplaceAll(text[start:end], "FUNCTION coordination_desk_", "FUNCTION reference_desk_")
	if _, err := f.db.Owner.Exec(context.Background(), body+`
		GRANT EXECUTE ON FUNCTION reference_desk_directions(timestamptz), reference_desk_responses(),
			reference_desk_overdue(timestamptz, integer), reference_desk_weeks(timestamptz, interval, integer, text[]) TO handshake_app`); err != nil {
		f.t.Fatal(err)
	}
}

// agreement is each desk function next to its reference: as the actor,
// the rows one gives and the other does not, either way, must be none.
var agreement = map[string][2]string{
	"directions": {`coordination_desk_directions($1)`, `reference_desk_directions($1)`},
	"responses":  {`coordination_desk_responses()`, `reference_desk_responses()`},
	// Counted to a cap no test reaches, the total is the whole count.
	"overdue": {`coordination_desk_overdue($1, 100, 1000000)`, `reference_desk_overdue($1, 100)`},
	"weeks": {`coordination_desk_weeks($1, 12, '{pending,accepted,declined,withdrawn,completed}')`,
		`reference_desk_weeks($1, interval '7 hours', 12, '{pending,accepted,declined,withdrawn,completed}')`},
}

// deskViewers are the desks the figures are compared on: coordinating
// bodies (with and without a party of their own), and agencies'.
var deskViewers = []string{"coordinator@kh-moi.example", "analyst@kh-moi.example", "coordinator@th-ppr2.example", "coordinator@kh-ahtjp.example", "coordinator@th-ticac.example", "coordinator@aim.example"}

// agree fails the test where a desk's figures, read from the tallies,
// differ from those computed from the referrals, or where the tallies
// differ from a count made afresh.
func (f *fixture) agree(when string, now time.Time) {
	f.t.Helper()
	ctx := context.Background()
	for _, email := range deskViewers {
		err := postgres.AsActor(ctx, f.db.App, f.actor(email), func(tx pgx.Tx) error {
			for what, calls := range agreement {
				var n, rows int
				sql := fmt.Sprintf(`SELECT (SELECT count(*) FROM ((SELECT * FROM %[1]s EXCEPT ALL SELECT * FROM %[2]s)
					UNION ALL (SELECT * FROM %[2]s EXCEPT ALL SELECT * FROM %[1]s)) AS d), (SELECT count(*) FROM %[2]s)`, calls[0], calls[1])
				if strings.Contains(calls[0], "$1") {
					err := tx.QueryRow(ctx, sql, now).Scan(&n, &rows)
					if err != nil {
						return fmt.Errorf("%s: %w", what, err)
					}
				} else if err := tx.QueryRow(ctx, sql).Scan(&n, &rows); err != nil {
					return fmt.Errorf("%s: %w", what, err)
				}
				if n != 0 {
					f.t.Errorf("%s: %s's %s differ from the referrals' in %d rows (of %d)", when, email, what, n, rows)
				}
			}
			return nil
		})
		if err != nil {
			f.t.Fatalf("%s: %s: %v", when, email, err)
		}
	}
	const tallies = `SELECT coalesce(string_agg(x, E'\n' ORDER BY x), '') FROM (
		SELECT concat_ws(' ', 'counts', part, to_agency_id, from_country, cross_border, state, n, answered) FROM desk_counts WHERE n <> 0 OR answered <> 0
		UNION ALL SELECT concat_ws(' ', 'weeks', part, week, cross_border, state, n) FROM desk_weeks WHERE n <> 0
		UNION ALL SELECT concat_ws(' ', 'open', part, from_country, to_country, state, cross_border, month, n) FROM desk_open_months WHERE n <> 0
		UNION ALL SELECT concat_ws(' ', 'open day', part, from_country, to_country, state, cross_border, day, n) FROM desk_open_days WHERE n <> 0
		UNION ALL SELECT concat_ws(' ', 'answers', part, to_agency_id, cross_border, bucket, n) FROM desk_answer_times WHERE n <> 0
	) AS t (x)`
	var kept, afresh string
	err := pgx.BeginFunc(ctx, f.db.Owner, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, tallies).Scan(&kept); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `SELECT desk_tallies_refill()`); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, tallies).Scan(&afresh); err != nil {
			return err
		}
		return errRollback
	})
	if err != errRollback {
		f.t.Fatal(err)
	}
	if kept != afresh {
		f.t.Errorf("%s: the tallies the triggers kept differ from a fresh count:\nkept:\n%s\nafresh:\n%s", when, kept, afresh)
	}
}

var errRollback = fmt.Errorf("rolled back")

// TestDeskTalliesFollowTheReferrals: the figures the desk reads from its
// tallies stay those of the referrals through every step a referral
// takes, a backdating, an agency moving country, and a deletion.
func TestDeskTalliesFollowTheReferrals(t *testing.T) {
	f := newFixture(t)
	f.installReference()
	ctx := context.Background()
	now := time.Now()
	f.agree("with no referral", now)
	f.scenario(now)
	f.agree("after the scenario", now)

	// Every step, in more referrals: to a coordinating body too, at home,
	// so that its coordinator's desk is the border's and its own.
	ppr2 := f.newCase("investigator@th-ppr2.example", "TH", "TH-27")
	ahtjp := f.newCase("investigator@kh-ahtjp.example", "KH", "KH-1")
	send := func(from, to string, caseID int64) int64 {
		t.Helper()
		id, err := f.referrals.Send(ctx, f.actor("investigator@"+from+".example"), caseID, referrals.SendInput{
			ToAgency: f.agency(to), Purpose: "aftercare", Urgency: "normal", Message: secret + "message"})
		if err != nil {
			t.Fatalf("send %s → %s: %v", from, to, err)
		}
		return id
	}
	var sent []int64
	for i := range 24 {
		from, to, caseID := "th-ppr2", "kh-ahtjp", ppr2
		switch i % 4 {
		case 1:
			from, to, caseID = "kh-ahtjp", "th-ppr2", ahtjp
		case 2:
			from, to, caseID = "kh-ahtjp", "kh-moi", ahtjp
		case 3:
			to = "th-ticac"
		}
		id := send(from, to, caseID)
		sent = append(sent, id)
		coord := f.actor("coordinator@" + to + ".example")
		var err error
		switch i % 6 {
		case 0:
			err = f.referrals.Accept(ctx, coord, id)
		case 1:
			err = f.referrals.Decline(ctx, coord, id, secret+"reason")
		case 2:
			err = f.referrals.Withdraw(ctx, f.actor("coordinator@"+from+".example"), id)
		case 3:
			if err = f.referrals.Accept(ctx, coord, id); err == nil {
				err = f.referrals.Complete(ctx, coord, id)
			}
		}
		if err != nil {
			t.Fatalf("step %d of referral %d: %v", i%6, id, err)
		}
	}
	f.agree("after sending, accepting, declining, withdrawing and completing", now)

	// Spread them over weeks and answer times, so that the medians fall
	// inside buckets of many, at odd and even counts.
	if _, err := f.db.Owner.Exec(ctx, `
		UPDATE referrals SET sent_at = $2::timestamptz - (id % 7) * interval '9 days' - (id % 5) * interval '7 hours',
			respond_by = $2::timestamptz - (id % 7) * interval '9 days' + interval '2 days',
			responded_at = CASE WHEN responded_at IS NOT NULL
				THEN $2::timestamptz - (id % 7) * interval '9 days' - (id % 5) * interval '7 hours' + (id % 11) * interval '83 minutes' END
		WHERE id = ANY ($1)`, sent, now); err != nil {
		t.Fatal(err)
	}
	f.agree("after backdating", now)
	for _, later := range []time.Duration{time.Hour, 30 * 24 * time.Hour} {
		f.agree(fmt.Sprintf("seen %v later", later), now.Add(later))
	}

	// An agency moves across the border: what crossed it now stays home.
	if _, err := f.db.Owner.Exec(ctx, `UPDATE agencies SET country = 'TH' WHERE code = 'kh-ahtjp'`); err != nil {
		t.Fatal(err)
	}
	f.agree("after AHTJP moved to Thailand", now)
	if _, err := f.db.Owner.Exec(ctx, `UPDATE agencies SET country = 'KH' WHERE code = 'kh-ahtjp'`); err != nil {
		t.Fatal(err)
	}

	if _, err := f.db.Owner.Exec(ctx, `DELETE FROM referrals WHERE id = ANY ($1)`, sent[:5]); err != nil {
		t.Fatal(err)
	}
	f.agree("after deleting five", now)
}

// TestOverdueCountStopsAtItsCap: past desk.MaxOverdueCount the desk
// says "more" rather than count on.
func TestOverdueCountStopsAtItsCap(t *testing.T) {
	f := newFixture(t)
	f.scenario(time.Now())
	ctx := context.Background()
	var total int
	err := postgres.AsActor(ctx, f.db.App, f.actor("coordinator@kh-moi.example"), func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, `SELECT max(total) FROM coordination_desk_overdue(now(), 1, 1)`).Scan(&total)
	})
	if err != nil || total != 2 {
		t.Errorf("counting 2 overdue up to 1 gave %d (%v), want 2: one past the cap", total, err)
	}
	// Under the cap, the store gives the count as it is.
	d := f.summary("coordinator@kh-moi.example")
	if d.OverdueTotal != 2 || d.OverdueMore {
		t.Errorf("OverdueTotal %d, OverdueMore %v; want 2 and false", d.OverdueTotal, d.OverdueMore)
	}
}

// TestDeskTalliesAreTheOwnersAlone: the application reads the tallies
// and the walks only through the desk's functions, which decide the
// scope; no one reads them directly.
func TestDeskTalliesAreTheOwnersAlone(t *testing.T) {
	f := newFixture(t)
	f.scenario(time.Now())
	ctx := context.Background()
	for _, sql := range []string{
		`SELECT count(*) FROM desk_counts`, `SELECT count(*) FROM desk_weeks`, `SELECT count(*) FROM desk_open_months`,
		`SELECT count(*) FROM desk_answer_times`, `SELECT count(*) FROM desk_open_days`,
		`SELECT count(*) FROM desk_open_walk(true, NULL, 'pending', '{1,2,3,4,5,6,7,8}', '{1,2,3,4,5,6,7,8}', '-infinity', 100)`,
		`SELECT count(*) FROM desk_answer_walk(true, NULL, NULL, '0', 100)`,
		`SELECT count(*) FROM desk_overdue_walk(true, NULL, now(), '-infinity', 0, 100)`,
		`SELECT count(*) FROM desk_overdue_count(true, NULL, now(), 100)`,
		`SELECT desk_tallies_refill()`,
	} {
		err := postgres.AsActor(ctx, f.db.App, f.actor("coordinator@kh-moi.example"), func(tx pgx.Tx) error {
			var n any
			return tx.QueryRow(ctx, sql).Scan(&n)
		})
		if err == nil || !strings.Contains(err.Error(), "permission denied") {
			t.Errorf("the application role runs %s: %v", sql, err)
		}
	}
}

// TestDeskWeeksAreTheRegions: desk_region_week (migration 0015) counts
// the weekly chart's weeks at UTC+7, which must stay the region's zone.
func TestDeskWeeksAreTheRegions(t *testing.T) {
	for _, at := range []time.Time{time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC), time.Date(2026, 7, 15, 0, 0, 0, 0, time.UTC)} {
		if _, offset := at.In(geo.Zone).Zone(); offset != 7*60*60 {
			t.Errorf("geo.Zone is UTC%+d on %s; desk_region_week counts weeks at UTC+7", offset/3600, at.Format(time.DateOnly))
		}
	}
}

// TestDeskMediansOfBusyMonths: where a month holds more than 64 open
// referrals of one direction and state, the median wait is found by the
// day (migration 0024) rather than by walking the month; the figures stay
// the referrals' own, at odd and even counts.
func TestDeskMediansOfBusyMonths(t *testing.T) {
	f := newFixture(t)
	f.installReference()
	ctx := context.Background()
	now := time.Now()
	f.scenario(now)
	// 150 copies each of th-kh-3 (pending, TH → KH) and kh-th-2 (accepted,
	// KH → TH), spread over three weeks, several on a day.
	if _, err := f.db.Owner.Exec(ctx, `
		INSERT INTO referrals (case_id, case_reference, from_agency_id, to_agency_id, purpose, urgency, message, respond_by,
			cross_border, state, sent_by, sent_at, responded_by, responded_at)
		SELECT r.case_id, r.case_reference, r.from_agency_id, r.to_agency_id, r.purpose, r.urgency, r.message,
			x.sent + interval '1 day', r.cross_border, r.state, r.sent_by, x.sent, r.responded_by,
			CASE WHEN r.responded_at IS NOT NULL THEN x.sent + (n % 13) * interval '47 minutes' + interval '1 hour' END
		FROM referrals r, generate_series(1, 150) AS n,
			LATERAL (SELECT $2::timestamptz - interval '40 days' - (n % 23) * interval '1 day' - (n % 5) * interval '3 hours' AS sent) AS x
		WHERE r.id = ANY ($1)`, []int64{f.ids["th-kh-3"], f.ids["kh-th-2"]}, now); err != nil {
		t.Fatal(err)
	}
	var busiest int
	if err := f.db.Owner.QueryRow(ctx, `SELECT max(n) FROM desk_open_months WHERE part = 0`).Scan(&busiest); err != nil {
		t.Fatal(err)
	}
	if busiest <= 64 {
		t.Fatalf("the busiest month holds %d open referrals; the test needs more than 64 to find a median by the day", busiest)
	}
	f.agree("with busy months", now)
	// One fewer of each: the counts change parity.
	if _, err := f.db.Owner.Exec(ctx, `DELETE FROM referrals WHERE id IN (
		SELECT max(id) FROM referrals WHERE state IN ('pending', 'accepted') GROUP BY from_agency_id, to_agency_id, state)`); err != nil {
		t.Fatal(err)
	}
	f.agree("with busy months, one fewer", now)
	// A third of the pending ones are accepted, days after they were sent.
	if _, err := f.db.Owner.Exec(ctx, `UPDATE referrals SET state = 'accepted', responded_at = sent_at + interval '2 days 5 hours'
		WHERE state = 'pending' AND id % 3 = 0 AND sent_at < $1::timestamptz - interval '30 days'`, now); err != nil {
		t.Fatal(err)
	}
	f.agree("with busy months, some accepted", now)
	f.agree("with busy months, seen a week later", now.Add(7*24*time.Hour))
}
