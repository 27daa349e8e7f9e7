package seed

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// loadedTables are the tables Scale copies into.
var loadedTables = []string{"hotspots", "cases", "case_shares", "referrals", "case_people", "person_identities",
	"timeline_entries", "aftercare_notes", "aftercare_note_bodies", "survivor_services", "survivor_service_notes",
	"hotspot_cases", "contacts", "case_search", "search_words"}

func tablesList() string {
	quoted := make([]string, len(loadedTables))
	for i, t := range loadedTables {
		quoted[i] = pgx.Identifier{t}.Sanitize()
	}
	return strings.Join(quoted, ", ")
}

// takenDown is what takeDown removed, to be put back as it was.
type takenDown struct {
	indexes  []namedSQL // CREATE INDEX statements
	built    int        // how many of them buildIndexes built
	keys     []namedSQL // ALTER TABLE … ADD CONSTRAINT … UNIQUE, PRIMARY KEY or FOREIGN KEY
	triggers []string   // ALTER TABLE … ENABLE TRIGGER, for each trigger disabled
}

type namedSQL struct{ table, name, sql string }

// takeDown makes tables quick to fill, inside the load's transaction.
// Measured at a million cases, indexes kept up row by row (the trigram
// ones above all) made the cases alone take over two minutes, and a
// foreign key checked row by row cost ten seconds a million rows; built
// once at the end they take a fraction of that. The keys a foreign key
// rests on stay, with their indexes (cases', people's and a few more). User
// triggers are disabled: the load fills what they would (visible_to,
// search_text), and the rest would only notify listeners of rows nobody
// is waiting for. Everything is read from the catalogue, so a migration
// that adds an index or a key needs no change here, and the transaction
// puts it all back if the load fails.
func takeDown(ctx context.Context, tx pgx.Tx, tables []string) (*takenDown, error) {
	d := &takenDown{}
	rows, _ := tx.Query(ctx, `
		SELECT i.indrelid::regclass::text, i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
		FROM pg_index i
		WHERE i.indrelid IN (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
		  AND NOT EXISTS (SELECT FROM pg_constraint c WHERE c.conindid = i.indexrelid)
		ORDER BY i.indrelid::regclass::text, 1`, tables)
	var table, name, def string
	if _, err := pgx.ForEachRow(rows, []any{&table, &name, &def}, func() error {
		d.indexes = append(d.indexes, namedSQL{table, name, def})
		return nil
	}); err != nil {
		return nil, err
	}
	// Unique constraints and primary keys too, unless a foreign key rests
	// on them (an index kept up row by row cost case_search 4 s of its 5
	// at a million cases, and even one filled in order costs more than a
	// build at the end); then the foreign keys, which go back after them.
	rows, _ = tx.Query(ctx, `
		SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid)
		FROM pg_constraint c
		WHERE c.conrelid IN (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
		  AND (c.contype = 'f' OR (c.contype IN ('u', 'p')
		       AND NOT EXISTS (SELECT FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)))
		ORDER BY c.contype = 'f', 1, 2`, tables)
	var drops []string
	if _, err := pgx.ForEachRow(rows, []any{&table, &name, &def}, func() error {
		constraint := pgx.Identifier{name}.Sanitize()
		d.keys = append(d.keys, namedSQL{table, table + "." + name, fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", table, constraint, def)})
		drops = append(drops, fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", table, constraint))
		return nil
	}); err != nil {
		return nil, err
	}
	for _, ix := range d.indexes {
		drops = append(drops, "DROP INDEX "+ix.name)
	}
	// Only triggers enabled as usual ('O'), which ENABLE TRIGGER restores
	// exactly.
	rows, _ = tx.Query(ctx, `
		SELECT tgrelid::regclass::text, tgname FROM pg_trigger
		WHERE NOT tgisinternal AND tgenabled = 'O' AND tgrelid IN (SELECT to_regclass(t) FROM unnest($1::text[]) AS t)
		ORDER BY 1, 2`, tables)
	if _, err := pgx.ForEachRow(rows, []any{&table, &name}, func() error {
		on := fmt.Sprintf("ALTER TABLE %s %%s TRIGGER %s", table, pgx.Identifier{name}.Sanitize())
		d.triggers = append(d.triggers, fmt.Sprintf(on, "ENABLE"))
		drops = append(drops, fmt.Sprintf(on, "DISABLE"))
		return nil
	}); err != nil {
		return nil, err
	}
	for _, sql := range drops {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return nil, err
		}
	}
	return d, nil
}

// buildIndexes builds the indexes taken down, but for those of the tables
// named in later, which a later call or restore builds. The tables whose
// indexes it builds must be filled by then.
func (d *takenDown) buildIndexes(ctx context.Context, tx pgx.Tx, logf func(string, ...any), later ...string) error {
	var now, rest []namedSQL
	for _, ix := range d.indexes[d.built:] {
		if slices.Contains(later, ix.table) {
			rest = append(rest, ix)
		} else {
			now = append(now, ix)
		}
	}
	d.indexes = append(append(d.indexes[:d.built], now...), rest...)
	d.built += len(now)
	return run(ctx, tx, logf, "indexes", now)
}

// restore builds the indexes left, checks the foreign keys and enables
// the triggers again.
func (d *takenDown) restore(ctx context.Context, tx pgx.Tx, logf func(string, ...any)) error {
	if err := d.buildIndexes(ctx, tx, logf); err != nil {
		return err
	}
	if err := run(ctx, tx, logf, "constraints", d.keys); err != nil {
		return err
	}
	for _, sql := range d.triggers {
		if _, err := tx.Exec(ctx, sql); err != nil {
			return err
		}
	}
	return nil
}

// run executes a step's statements, with the time of each that took a
// second or more.
func run(ctx context.Context, tx pgx.Tx, logf func(string, ...any), what string, items []namedSQL) error {
	all := time.Now()
	for _, it := range items {
		t := time.Now()
		if _, err := tx.Exec(ctx, it.sql); err != nil {
			return fmt.Errorf("%s: %w", it.name, err)
		}
		if took := time.Since(t); took >= time.Second {
			logf("    %-48s %12.1fs", it.name, took.Seconds())
		}
	}
	logf("  %-50s %12.1fs", fmt.Sprintf("%d %s", len(items), what), time.Since(all).Seconds())
	return nil
}
