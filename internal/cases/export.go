package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/audit"
)

// ExportLimit caps one export: a spreadsheet of more cases than this is a
// data dump, not case work.
const ExportLimit = 5000

// ExportRow is a case with its people, names only where the viewer may see
// them.
type ExportRow struct {
	Case   Case
	People []ExportPerson
}

// ExportPerson is a person in an export: the code always, the names only
// where DESIGN §3.4 allows.
type ExportPerson struct {
	Code  string
	Role  access.PersonRole
	Names []string // nil when hidden
}

// Export returns the filtered list for a CSV file, under every rule that
// applies on the pages, and records the export, with the identities it
// revealed, as an audit event.
func (s *Store) Export(ctx context.Context, actor access.Actor, f Filter) ([]ExportRow, error) {
	f.After = ""
	res, err := s.list(ctx, actor, f, ExportLimit)
	if err != nil || len(res.Cases) == 0 {
		return nil, err
	}
	rows := make([]ExportRow, len(res.Cases))
	index := map[int64]int{}
	ids := make([]int64, len(res.Cases))
	for i, c := range res.Cases {
		rows[i].Case = c
		index[c.ID] = i
		ids[i] = c.ID
	}
	var revealed []string
	err = s.asActor(ctx, actor, func(tx pgx.Tx) error {
		// Identity rows come through row-level security; the rule is asked
		// again per person below.
		dbRows, _ := tx.Query(ctx, `
			SELECT p.case_id, p.role, p.code, p.consent, p.override_reason IS NOT NULL, p.added_by_agency_id, i.names
			FROM case_people p LEFT JOIN person_identities i ON i.person_id = p.id
			WHERE p.case_id = ANY($1) ORDER BY p.case_id, p.role, p.id`, ids)
		defer dbRows.Close()
		for dbRows.Next() {
			var caseID int64
			var p ExportPerson
			var facts access.PersonFacts
			var names []string
			if err := dbRows.Scan(&caseID, &p.Role, &p.Code, &facts.Consent, &facts.Override, &facts.AddedBy, &names); err != nil {
				return err
			}
			facts.Role = p.Role
			row := &rows[index[caseID]]
			if names != nil && actor.CanSeeIdentity(row.Case.Facts(), facts) {
				p.Names = names
				revealed = append(revealed, p.Code)
			}
			row.People = append(row.People, p)
		}
		if err := dbRows.Err(); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "case.export", ObjectType: "case", Details: map[string]any{
			"cases": len(rows), "filter": fmt.Sprintf("%+v", f), "identities": strings.Join(revealed, " ")}})
	})
	return rows, err
}
