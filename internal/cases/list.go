package cases

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/keyset"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// PageSize is how many cases a list page shows.
const PageSize = 50

// searchCap bounds how many matches a search considers when other filters
// or another order apply to them: common terms match tens of thousands of
// cases, and the newest are the ones wanted (DESIGN §6). A search in the
// default order with no other filter but a date needs none: it asks
// search_cases for one page of matches after the cursor, so every page
// costs what the first does and paging goes on past the cap.
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
	Sort       string // one of Sorts; "updated" when empty
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
	if f.Sort == "" {
		f.Sort = "updated"
	}
	validate.OneOf(e, "sort", f.Sort, Sorts)
	if f.After != "" && e["sort"].ID == "" {
		c, ok := parseCursor(f.Sort, f.After)
		if !ok {
			e.Add("after", "error.cursor", nil)
		}
		after = c
	}
	return since, after, e
}

// onlySearch reports whether nothing but the query and a date filters the
// list: then the matches, newest first, are the list itself.
func (f *Filter) onlySearch() bool {
	return f.Status == "" && f.Category == "" && f.Country == "" && f.Province == "" && f.Owner == 0 && f.Lead == 0 &&
		!f.SharedOnly
}

// onlyStatusProvince reports whether status, province or both, and perhaps
// a date, are all that filter the list: then the agency's own index of
// its cases by each finds the page.
func (f *Filter) onlyStatusProvince() bool {
	return f.Query == "" && (f.Status != "" || f.Province != "") && f.Category == "" && f.Country == "" &&
		f.Owner == 0 && f.Lead == 0 && !f.SharedOnly
}

// Sort orders of the list: newest change first (the default), newest
// opening first, or by reference. Each pages by keyset on (key, id).
var Sorts = []string{"updated", "opened", "reference"}

type sortOrder struct {
	column string
	desc   bool
	key    func(Case) string        // the cursor's key of a row
	param  func(string) (any, bool) // the key back as a query parameter
}

var sorts = map[string]sortOrder{
	"updated": {"c.updated_at", true,
		func(c Case) string { return strconv.FormatInt(c.UpdatedAt.UnixMicro(), 10) },
		func(s string) (any, bool) {
			n, err := strconv.ParseInt(s, 10, 64)
			return time.UnixMicro(n), err == nil
		}},
	"opened": {"c.opened_on", true,
		func(c Case) string { return c.OpenedOn.Format(time.DateOnly) },
		func(s string) (any, bool) {
			d, err := time.Parse(time.DateOnly, s)
			return d, err == nil
		}},
	"reference": {"c.reference", false,
		func(c Case) string { return c.Reference },
		func(s string) (any, bool) { return s, utf8.ValidString(s) }},
}

// cursor is the last row of a page in its sort order.
type cursor struct {
	key any
	id  int64
}

func makeCursor(sort string, c Case) string {
	return keyset.Encode(sort, sorts[sort].key(c), strconv.FormatInt(c.ID, 10))
}

func parseCursor(sort, s string) (cursor, bool) {
	parts, ok := keyset.Decode(s)
	if !ok || len(parts) != 3 || parts[0] != sort {
		return cursor{}, false
	}
	key, ok := sorts[sort].param(parts[1])
	id, err := strconv.ParseInt(parts[2], 10, 64)
	if !ok || err != nil {
		return cursor{}, false
	}
	return cursor{key: key, id: id}, true
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
	since, after, verrs := f.Validate() // also fills in the default sort
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
	// In the default order, the cursor's place, for the functions below
	// that walk the agency's own cases from it.
	var at *time.Time
	var id *int64
	if f.Sort == "updated" && f.After != "" {
		t, cid := after.key.(time.Time), after.id
		at, id = &t, &cid
	}
	switch {
	case f.Query != "":
		// The newest matches, older than the cursor in the default order.
		limitHits := searchCap
		if f.Sort == "updated" && f.onlySearch() && limit < searchCap {
			limitHits = limit + 1
		}
		where = append(where, `c.id IN (SELECT s.id FROM search_cases(`+arg(f.Query)+`, `+arg(limitHits)+`, `+
			arg(at)+`::timestamptz, `+arg(id)+`::bigint) AS s)`)
	case f.Sort == "updated" && f.onlySearch():
		// The plain list: the agency's newest cases from an index of its
		// own (migration 0020), rather than walking everyone's newest and
		// skipping those it may not see, which for an agency that sees
		// one case in a hundred meant a hundred rows read for each shown.
		where = append(where, `c.id IN (SELECT newest_case_ids(`+arg(limit+1)+`, `+
			arg(at)+`::timestamptz, `+arg(id)+`::bigint))`)
	case f.Sort == "updated" && f.onlyStatusProvince():
		// Filtered by status or province: the agency's newest matches from
		// indexes of its own (migration 0021), where the cases' own indexes
		// would read everyone's matches, or everything it may see.
		where = append(where, `c.id IN (SELECT filtered_case_ids(`+arg(limit+1)+`, `+
			arg(nullIfEmpty(f.Status))+`, `+arg(nullIfEmpty(f.Province))+`, `+
			arg(at)+`::timestamptz, `+arg(id)+`::bigint))`)
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
	order := sorts[f.Sort]
	cmp, dir := ">", "ASC"
	if order.desc {
		cmp, dir = "<", "DESC"
	}
	if f.After != "" {
		where = append(where, fmt.Sprintf(`(%s, c.id) %s (%s, %s)`, order.column, cmp, arg(after.key), arg(after.id)))
	}
	sql := caseSelect + ` WHERE ` + strings.Join(where, " AND ") +
		fmt.Sprintf(` ORDER BY %s %s, c.id %s LIMIT %s`, order.column, dir, dir, arg(limit+1))

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
		res.Next = makeCursor(f.Sort, last)
	}
	return res, err
}

// nullIfEmpty is s as a query parameter, NULL when empty.
func nullIfEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
