package audit_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/handshake-mekong/handshake/internal/audit"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/migrations"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// actor makes an agency and a user for events to name.
func actor(t *testing.T, db *pgtest.DB) audit.Who {
	t.Helper()
	var who audit.Who
	err := db.Owner.QueryRow(t.Context(), `
		WITH a AS (INSERT INTO agencies (code, name, short_name, kind, country)
			VALUES ('kh-ahtjp', 'Anti-Human Trafficking and Juvenile Protection', 'AHTJP', 'police', 'KH') RETURNING id)
		INSERT INTO users (agency_id, email, display_name, password_hash, roles)
		SELECT id, 'investigator@kh-ahtjp.example', 'Sokha', 'x', '{investigator}' FROM a
		RETURNING id, agency_id`).Scan(&who.UserID, &who.AgencyID)
	if err != nil {
		t.Fatal(err)
	}
	who.ClientAddr = "2001:db8::7"
	return who
}

// record adds n events as the application role, each in its own
// transaction as the stores do, and returns their ids.
func record(t *testing.T, db *pgtest.DB, who audit.Who, n int) []int64 {
	t.Helper()
	ctx := audit.WithWho(t.Context(), who)
	var ids []int64
	for i := range n {
		err := pgx.BeginFunc(ctx, db.App, func(tx pgx.Tx) error {
			return audit.Record(ctx, tx, audit.Event{Action: "case.update", ObjectType: "case", ObjectID: fmt.Sprint(i + 1),
				Details: map[string]any{"title": "ករណី " + fmt.Sprint(i), "amount": 1.50, "note": `a "quoted", colon: and comma`,
					"nested": map[string]any{"z": []any{1, "ไทย", nil}, "a": true}}})
		})
		if err != nil {
			t.Fatalf("record: %v", err)
		}
	}
	rows, _ := db.Owner.Query(t.Context(), `SELECT id FROM audit_events ORDER BY id`)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

func verify(t *testing.T, db *pgtest.DB) audit.Report {
	t.Helper()
	r, err := audit.Verify(t.Context(), db.App)
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return r
}

func TestChainOfAppEventsVerifiesIntact(t *testing.T) {
	db := pgtest.New(t)
	if r := verify(t, db); !r.Intact() || r.Checked != 0 {
		t.Fatalf("an empty log: %+v, want intact with 0 events", r)
	}
	ids := record(t, db, actor(t, db), 5)
	// Events without an actor, as before sign-in, and more than one batch
	// of Verify's, in one statement.
	if _, err := db.App.Exec(t.Context(), `
		INSERT INTO audit_events (action, details) SELECT 'login.fail', jsonb_build_object('email', 'x' || g || '@aim.example')
		FROM generate_series(1, 1500) g`); err != nil {
		t.Fatal(err)
	}
	r := verify(t, db)
	if !r.Intact() || r.Checked != 1505 || r.LastID <= ids[len(ids)-1] || len(r.LastHash) != 32 {
		t.Fatalf("got %+v, want an intact chain of 1505 events", r)
	}
}

// TestMigrationChainsEventsRecordedBeforeIt: an installation upgraded with
// events in its log gets them chained, and the chain continues from them.
func TestMigrationChainsEventsRecordedBeforeIt(t *testing.T) {
	db := pgtest.New(t)
	m, err := postgres.NewMigrator(migrations.FS, db.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	for {
		v, _, err := m.Version()
		if err != nil {
			t.Fatal(err)
		}
		if v <= 1 {
			break
		}
		if err := m.Down(); err != nil {
			t.Fatalf("down from %d: %v", v, err)
		}
	}
	if _, err := db.Owner.Exec(t.Context(), `
		INSERT INTO audit_events (action, object_type, object_id, details)
		SELECT 'agency.update', 'agency', g::text, jsonb_build_object('n', g) FROM generate_series(1, 30) g;
		DELETE FROM audit_events WHERE id = 10`); err != nil {
		t.Fatal(err)
	}
	if err := m.Up(); err != nil {
		t.Fatalf("up again: %v", err)
	}
	record(t, db, audit.Who{}, 2)
	r := verify(t, db)
	if !r.Intact() || r.Checked != 31 {
		t.Fatalf("got %+v, want an intact chain of 31 events", r)
	}
	if r.LastID != 32 {
		t.Errorf("the newest event has id %d, want 32: ids continue after the old ones", r.LastID)
	}
}

// TestAppCannotForgeTheChain: whatever a caller supplies for the chain's
// columns, the trigger replaces.
func TestAppCannotForgeTheChain(t *testing.T) {
	db := pgtest.New(t)
	record(t, db, audit.Who{}, 2)
	_, err := db.App.Exec(t.Context(), `
		INSERT INTO audit_events (id, at, action, prev_hash, hash)
		VALUES (1, '2001-01-01', 'forged', decode(repeat('ab', 32), 'hex'), decode(repeat('cd', 32), 'hex'))`)
	if err != nil {
		t.Fatal(err)
	}
	if r := verify(t, db); !r.Intact() || r.Checked != 3 {
		t.Fatalf("got %+v, want an intact chain of 3 events", r)
	}
	var id int64
	var year int
	if err := db.Owner.QueryRow(t.Context(), `SELECT id, extract(year FROM at) FROM audit_events WHERE action = 'forged'`).Scan(&id, &year); err != nil {
		t.Fatal(err)
	}
	if id <= 2 || year == 2001 {
		t.Errorf("the caller chose the event's id (%d) or time (%d)", id, year)
	}
}

// TestConcurrentEventsChainWithoutFork: transactions recording at once,
// holding their events open a while, still make one line in id order.
func TestConcurrentEventsChainWithoutFork(t *testing.T) {
	db := pgtest.New(t)
	who := actor(t, db)
	ctx := audit.WithWho(t.Context(), who)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Go(func() {
			for i := range each {
				errs <- pgx.BeginFunc(ctx, db.App, func(tx pgx.Tx) error {
					// Work before and after the event, as a store's change does.
					if _, err := tx.Exec(ctx, `SELECT pg_sleep(0.001)`); err != nil {
						return err
					}
					if err := audit.Record(ctx, tx, audit.Event{Action: "user.update", ObjectType: "user", ObjectID: fmt.Sprint(w*each + i)}); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, `SELECT pg_sleep(0.001)`)
					return err
				})
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	var forks, total int
	err := db.Owner.QueryRow(t.Context(), `
		SELECT count(*) FILTER (WHERE prev_hash IS DISTINCT FROM coalesce(before, decode(repeat('00', 32), 'hex'))), count(*)
		FROM (SELECT prev_hash, lag(hash) OVER (ORDER BY id) AS before FROM audit_events) l`).Scan(&forks, &total)
	if err != nil {
		t.Fatal(err)
	}
	if forks != 0 || total != workers*each {
		t.Fatalf("%d of %d events do not follow the event before them", forks, total)
	}
	if r := verify(t, db); !r.Intact() || r.Checked != workers*each {
		t.Fatalf("got %+v, want an intact chain of %d events", r, workers*each)
	}
}

func TestVerifyFindsAChangedEvent(t *testing.T) {
	db := pgtest.New(t)
	ids := record(t, db, actor(t, db), 10)
	if _, err := db.Owner.Exec(t.Context(), `UPDATE audit_events SET details = details || '{"title": "nothing to see"}' WHERE id = $1`, ids[4]); err != nil {
		t.Fatal(err)
	}
	r := verify(t, db)
	if r.BrokenAt != ids[4] || r.Problem != audit.WrongHash || r.Checked != 5 || r.LastID != ids[3] {
		t.Fatalf("got %+v, want event %d reported as changed", r, ids[4])
	}
}

// TestVerifyFindsARewrittenHash: an owner who also recomputes the changed
// event's hash breaks the next link instead.
func TestVerifyFindsARewrittenHash(t *testing.T) {
	db := pgtest.New(t)
	ids := record(t, db, audit.Who{}, 4)
	_, err := db.Owner.Exec(t.Context(), `
		UPDATE audit_events SET action = 'case.view',
			hash = sha256(prev_hash || audit_event_canonical(id, at, actor_user_id, actor_agency_id, 'case.view', object_type, object_id, client_addr, details))
		WHERE id = $1`, ids[1])
	if err != nil {
		t.Fatal(err)
	}
	if r := verify(t, db); r.BrokenAt != ids[2] || r.Problem != audit.WrongPrevHash {
		t.Fatalf("got %+v, want event %d reported as not following its predecessor", r, ids[2])
	}
}

func TestVerifyFindsARemovedEvent(t *testing.T) {
	db := pgtest.New(t)
	ids := record(t, db, actor(t, db), 10)
	if _, err := db.Owner.Exec(t.Context(), `DELETE FROM audit_events WHERE id = $1`, ids[6]); err != nil {
		t.Fatal(err)
	}
	r := verify(t, db)
	if r.BrokenAt != ids[7] || r.Problem != audit.WrongPrevHash || r.LastID != ids[5] {
		t.Fatalf("got %+v, want event %d reported as not following its predecessor", r, ids[7])
	}

	// Removing the first event breaks the chain at the new first one.
	db = pgtest.New(t)
	ids = record(t, db, audit.Who{}, 3)
	if _, err := db.Owner.Exec(t.Context(), `DELETE FROM audit_events WHERE id = $1`, ids[0]); err != nil {
		t.Fatal(err)
	}
	if r := verify(t, db); r.BrokenAt != ids[1] || r.Problem != audit.WrongPrevHash || r.Checked != 1 {
		t.Fatalf("got %+v, want event %d reported", r, ids[1])
	}
}

func TestAppRoleStillCannotChangeOrRemoveEvents(t *testing.T) {
	db := pgtest.New(t)
	record(t, db, audit.Who{}, 2)
	for _, sql := range []string{
		`UPDATE audit_events SET details = '{}'`,
		`UPDATE audit_events SET hash = prev_hash`,
		`DELETE FROM audit_events`,
		`TRUNCATE audit_events`,
		`ALTER TABLE audit_events DISABLE TRIGGER audit_events_chain`,
		`SELECT setval('audit_events_id_seq', 1)`,
	} {
		_, err := db.App.Exec(t.Context(), sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" { // insufficient_privilege
			t.Errorf("%s: got %v, want permission denied", sql, err)
		}
	}
	if r := verify(t, db); !r.Intact() || r.Checked != 2 {
		t.Fatalf("got %+v, want the 2 events intact", r)
	}
}

// TestSnapshotTransactionsCannotRecord: a REPEATABLE READ snapshot may miss
// the newest event, so recording in one is refused instead of forking.
func TestSnapshotTransactionsCannotRecord(t *testing.T) {
	db := pgtest.New(t)
	ctx := context.Background()
	err := pgx.BeginTxFunc(ctx, db.App, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		return audit.Record(ctx, tx, audit.Event{Action: "case.update"})
	})
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Code != "0A000" {
		t.Fatalf("got %v, want feature_not_supported", err)
	}
}

// TestCanonicalFormIsTheDocumentedOne pins the database's canonical bytes
// to the form migration 0002 documents, which Verify recomputes in Go.
func TestCanonicalFormIsTheDocumentedOne(t *testing.T) {
	db := pgtest.New(t)
	var got string
	err := db.App.QueryRow(t.Context(), `
		SELECT convert_from(audit_event_canonical(7, '2026-03-02 21:05:09.12345+07', NULL, 3, 'login', 'user', '12', '',
			'{"note": "ä,1:x", "a": 1.50}'), 'UTF8')`).Scan(&got)
	if err != nil {
		t.Fatal(err)
	}
	want := `1:7,27:2026-03-02T14:05:09.123450Z,0:,1:3,5:login,4:user,2:12,0:,29:{"a": 1.50, "note": "ä,1:x"},`
	if got != want {
		t.Fatalf("canonical form\n got %s\nwant %s", got, want)
	}
}
