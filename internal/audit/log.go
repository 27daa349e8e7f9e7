package audit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// ErrNotFound means the actor may not read the audit log.
var ErrNotFound = errors.New("not found")

// PageSize is how many events the audit log page shows at once.
const PageSize = 50

// Filter picks events from the log. Zero fields pick everything.
type Filter struct {
	Action     string // exact, or every action that starts with it when it ends in "."
	ActorEmail string
	AgencyID   int32 // the acting user's agency
	ObjectType string
	ObjectID   string
	From, To   time.Time // days in UTC, both included
	Before     int64     // only events older than this one: the next page
	Limit      int       // at most this many; PageSize when 0
}

// FilterInput is a filter as typed into the audit log page's form.
type FilterInput struct {
	Action, ActorEmail, Agency, ObjectType, ObjectID, From, To, Before string
}

// Parse reads the input into a Filter, with what is wrong field by field.
// A malformed Before only restarts the list at the newest events: it comes
// from a link, not from anything typed.
func (in FilterInput) Parse() (Filter, validate.Errors) {
	e := validate.Errors{}
	f := Filter{
		Action:     strings.TrimSpace(in.Action),
		ActorEmail: strings.TrimSpace(in.ActorEmail),
		ObjectType: strings.TrimSpace(in.ObjectType),
		ObjectID:   strings.TrimSpace(in.ObjectID),
	}
	e.Text("action", f.Action, false, 0, 64)
	e.Text("object_type", f.ObjectType, false, 0, 32)
	e.Text("object_id", f.ObjectID, false, 0, 64)
	if f.ActorEmail != "" {
		e.Email("actor", f.ActorEmail)
	}
	if s := strings.TrimSpace(in.Agency); s != "" {
		id, err := strconv.ParseInt(s, 10, 32)
		if err != nil || id <= 0 {
			e.Add("agency", "error.choice", nil)
		}
		f.AgencyID = int32(id)
	}
	f.From = parseDay(e, "from", in.From)
	f.To = parseDay(e, "to", in.To)
	if !f.From.IsZero() && !f.To.IsZero() && f.To.Before(f.From) {
		e.Add("to", "audit.error_date_order", nil)
	}
	if id, err := strconv.ParseInt(strings.TrimSpace(in.Before), 10, 64); err == nil && id > 0 {
		f.Before = id
	}
	return f, e
}

// parseDay reads a date as a date input sends it, 2026-03-31.
func parseDay(e validate.Errors, field, s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		e.Add(field, "audit.error_date", nil)
	}
	return d
}

// Entry is one event as the audit log page shows it.
type Entry struct {
	ID          int64     `db:"id"`
	At          time.Time `db:"at"`
	ActorEmail  string    `db:"actor_email"`  // "" for none, such as a failed sign-in
	AgencyShort string    `db:"agency_short"` // the actor's agency
	Action      string    `db:"action"`
	ObjectType  string    `db:"object_type"`
	ObjectID    string    `db:"object_id"`
	ClientAddr  string    `db:"client_addr"`
	Details     string    `db:"details"` // compact JSON; "" for none
}

// List returns the events f picks, newest first, to the platform admin
// only: the log tells who did what across every agency.
func List(ctx context.Context, db Querier, actor access.Actor, f Filter) ([]Entry, error) {
	if !actor.PlatformAdmin {
		return nil, ErrNotFound
	}
	var where []string
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Action != "" {
		if strings.HasSuffix(f.Action, ".") {
			where = append(where, "starts_with(e.action, "+arg(f.Action)+")")
		} else {
			where = append(where, "e.action = "+arg(f.Action))
		}
	}
	if f.ActorEmail != "" {
		where = append(where, "u.email = "+arg(f.ActorEmail))
	}
	if f.AgencyID != 0 {
		where = append(where, "e.actor_agency_id = "+arg(f.AgencyID))
	}
	if f.ObjectType != "" {
		where = append(where, "e.object_type = "+arg(f.ObjectType))
	}
	if f.ObjectID != "" {
		where = append(where, "e.object_id = "+arg(f.ObjectID))
	}
	if !f.From.IsZero() {
		where = append(where, "e.at >= "+arg(f.From))
	}
	if !f.To.IsZero() {
		where = append(where, "e.at < "+arg(f.To.AddDate(0, 0, 1)))
	}
	if f.Before > 0 {
		where = append(where, "e.id < "+arg(f.Before))
	}
	limit := f.Limit
	if limit <= 0 {
		limit = PageSize
	}
	sql := `
		SELECT e.id, e.at, coalesce(u.email::text, '') AS actor_email, coalesce(a.short_name, '') AS agency_short,
			e.action, e.object_type, e.object_id, e.client_addr, e.details::text AS details
		FROM audit_events e
		LEFT JOIN users u ON u.id = e.actor_user_id
		LEFT JOIN agencies a ON a.id = e.actor_agency_id`
	if len(where) > 0 {
		sql += "\n\t\tWHERE " + strings.Join(where, " AND ")
	}
	sql += "\n\t\tORDER BY e.id DESC LIMIT " + arg(limit)
	rows, _ := db.Query(ctx, sql, args...)
	entries, err := pgx.CollectRows(rows, pgx.RowToStructByName[Entry])
	for i := range entries {
		entries[i].Details = compactJSON(entries[i].Details)
	}
	return entries, err
}

// compactJSON drops the spaces PostgreSQL puts in jsonb's text, so details
// take less room on a phone, and leaves out an empty object.
func compactJSON(s string) string {
	if s == "{}" {
		return ""
	}
	var b bytes.Buffer
	if err := json.Compact(&b, []byte(s)); err != nil {
		return s
	}
	return b.String()
}
