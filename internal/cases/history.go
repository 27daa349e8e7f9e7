package cases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
)

// HistoryEvent is one access to or change of a case, from the audit log.
type HistoryEvent struct {
	At          time.Time `db:"at"`
	Action      string    `db:"action"`
	Actor       *string   `db:"actor"`
	AgencyShort *string   `db:"agency_short"`
	Code        *string   `db:"code"` // the person concerned, for identity events
}

// HistoryLimit is how many events the case page shows.
const HistoryLimit = 50

// History returns the newest audit events of a case, for its owning
// agency's coordinators: who viewed identity, who changed access, who
// exported.
func (s *Store) History(ctx context.Context, actor access.Actor, caseID int64) ([]HistoryEvent, error) {
	var out []HistoryEvent
	err := s.onCase(ctx, actor, caseID, "case.history", actor.CanManageShares, func(tx pgx.Tx, _ Case) (err error) {
		id := fmt.Sprint(caseID)
		rows, _ := tx.Query(ctx, `
			SELECT e.at, e.action, u.display_name AS actor, a.short_name AS agency_short, e.details->>'code' AS code
			FROM (
				(SELECT * FROM audit_events WHERE object_type = 'case' AND object_id = $1 ORDER BY id DESC LIMIT $2)
				UNION ALL
				(SELECT * FROM audit_events WHERE details ? 'case_id' AND details->>'case_id' = $1 ORDER BY id DESC LIMIT $2)
			) e
			LEFT JOIN users u ON u.id = e.actor_user_id LEFT JOIN agencies a ON a.id = e.actor_agency_id
			ORDER BY e.id DESC LIMIT $2`, id, HistoryLimit)
		out, err = pgx.CollectRows(rows, pgx.RowToStructByName[HistoryEvent])
		return err
	})
	return out, err
}

// historyActions are the audit actions a case's history names.
var historyActions = []string{
	"case.create", "case.update", "case.entry", "case.share", "case.revoke",
	"case.view.denied", "case.edit.denied", "case.entry.denied", "case.share.denied",
	"person.add", "person.update", "person.consent", "identity.reveal", "identity.override", "identity.reveal.denied",
}

// HistoryKey is the message key of an audit action in a case's history:
// history.action.<action with _ for .>, or history.action.unknown.
func HistoryKey(action string) string {
	if slices.Contains(historyActions, action) {
		return "history.action." + strings.ReplaceAll(action, ".", "_")
	}
	return "history.action.unknown"
}

// HistoryKeys lists every key HistoryKey may return, for the catalog test.
func HistoryKeys() []string {
	out := []string{"history.action.unknown"}
	for _, a := range historyActions {
		out = append(out, HistoryKey(a))
	}
	return out
}
