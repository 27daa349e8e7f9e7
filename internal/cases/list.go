package cases

import (
	"context"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// PageSize is how many cases a list page shows.
const PageSize = 50

// searchCap bounds how many matches a search considers: common terms match
// tens of thousands of cases, and the newest are the ones wanted (DESIGN §6).
const searchCap = 1000

// Filter narrows the case list. Zero values do not filter.
type Filter struct {
	Query      string
	Status     string
	Category   string
	Country    string
	Province   string
	Owner      int32
	Lead       int64
	Since      string // YYYY-MM-DD: updated on or after
	SharedOnly bool   // only cases shared with the actor's agency
	After      string // keyset cursor from the previous page
}

// Validate reports what is wrong with the filter.
func (f *Filter) Validate() (since time.Time, after cursor, e validate.Errors) {
	e = validate.Errors{}
	f.Query = strings.TrimSpace(validate.Clean(f.Query))
	if n := utf8.RuneCountInString(f.Query); n > 0 && n < 3 {
		e.Add("q", "error.search_short", nil)
	} else if n > 200 {
		e.Add("q", "error.too_long", map[string]any{"Max": 200})
	}
	if f.Status != "" {
		validate.OneOf(e, "status", f.Status, Statuses)
	}
	if f.Category != "" {
		validate.OneOf(e, "category", f.Category, Categories)
	}
	if f.Country != "" {
		validate.OneOf(e, "country", f.Country, access.Countries)
	}
	if f.Province != "" {
		f.Province = strings.ToUpper(f.Province)
		if _, ok := geo.Lookup(f.Province); !ok {
			e.Add("province", "error.province", nil)
		}
	}
	if f.Since != "" {
		d, err := time.Parse(time.DateOnly, f.Since)
		if err != nil {
			e.Add("since", "error.date", nil)
		}
		since = d
	}
	if f.After != "" {
		c, ok := parseCursor(f.After)
		if !ok {
			e.Add("after", "error.cursor", nil)
		}
		after = c
	}
	return since, after, e
}

// cursor is the last row of a page: (updated_at, id), newest first.
type cursor struct {
	at time.Time
	id int64
}

func (c cursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(c.at.UnixMicro(), 10) + "." + strconv.FormatInt(c.id, 10)))
}

func parseCursor(s string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, false
	}
	us, id, ok := strings.Cut(string(b), ".")
	micro, err1 := strconv.ParseInt(us, 10, 64)
	n, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil {
		return cursor{}, false
	}
	return cursor{at: time.UnixMicro(micro), id: n}, true
}

// Result is one page of the list.
type Result struct {
	Cases []Case
	Next  string // cursor of the next page, "" on the last
}

// List returns the cases the actor may see that match f, newest change
// first, a page at a time by keyset: page 200 costs what page 1 does.
func (s *Store) List(ctx context.Context, actor access.Actor, f Filter) (Result, error) {
	return s.list(ctx, actor, f, PageSize)
}

func (s *Store) list(ctx context.Context, actor access.Actor, f Filter, limit int) (Result, error) {
	if !actor.ReadsCases() {
		return Result{}, nil // a role that reads no cases sees an empty list
	}
	since, after, verrs := f.Validate()
	if err := verrs.Err(); err != nil {
		return Result{}, err
	}
	// Which cases: row-level security's visible_to condition, which the
	// planner uses the GIN index for; repeating it here would halve the row
	// estimate and mislead the plan. Go checks every row again below.
	where := []string{`true`}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if f.Query != "" {
		where = append(where, `c.id IN (SELECT search_case_ids(`+arg(f.Query)+`, `+arg(searchCap)+`))`)
	}
	if f.Status != "" {
		where = append(where, `c.status = `+arg(f.Status))
	}
	if f.Category != "" {
		where = append(where, `c.category = `+arg(f.Category))
	}
	if f.Country != "" {
		where = append(where, `c.country = `+arg(f.Country))
	}
	if f.Province != "" {
		where = append(where, `c.province = `+arg(f.Province))
	}
	if f.Owner != 0 {
		where = append(where, `c.owner_agency_id = `+arg(f.Owner))
	}
	if f.Lead != 0 {
		where = append(where, `c.lead_officer_id = `+arg(f.Lead))
	}
	if !since.IsZero() {
		where = append(where, `c.updated_at >= `+arg(since))
	}
	if f.SharedOnly {
		where = append(where, `c.owner_agency_id <> app_agency()`)
	}
	if f.After != "" {
		where = append(where, fmt.Sprintf(`(c.updated_at, c.id) < (%s, %s)`, arg(after.at), arg(after.id)))
	}
	sql := caseSelect + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY c.updated_at DESC, c.id DESC LIMIT ` + arg(limit+1)

	var res Result
	err := s.asActor(ctx, actor, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, sql, args...)
		list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Case])
		if err != nil {
			return err
		}
		for _, c := range list {
			if actor.CanSeeCase(c.Facts()) {
				res.Cases = append(res.Cases, c)
			}
		}
		return nil
	})
	if len(res.Cases) > limit {
		last := res.Cases[limit-1]
		res.Cases = res.Cases[:limit]
		res.Next = cursor{at: last.UpdatedAt, id: last.ID}.String()
	}
	return res, err
}
