package directory_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/emersion/go-vcard"
	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/postgres"
	"github.com/handshake-mekong/handshake/internal/postgres/pgtest"
	"github.com/handshake-mekong/handshake/internal/seed"
	"github.com/handshake-mekong/handshake/internal/validate"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestNormalisePhone(t *testing.T) {
	for _, tc := range []struct {
		typed, country, want string
	}{
		{"081-234-5678", "TH", "+66812345678"},
		{"08 1234 5678", "TH", "+66812345678"},
		{"02 123 4567", "TH", "+6621234567"},
		{"012 345 678", "KH", "+85512345678"},
		{"097 777 8888", "KH", "+855977778888"},
		{"+855 12 345 678", "TH", "+85512345678"},
		{"+66 81 234 5678", "KH", "+66812345678"},
		{"00855 12 345 678", "TH", "+85512345678"},
		{"call me", "TH", ""},
		{"12", "KH", ""},
		{"", "TH", ""},
		{"+1 555", "TH", ""},
	} {
		got, ok := directory.NormalisePhone(tc.typed, tc.country)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("NormalisePhone(%q, %s) = %q, %v; want %q", tc.typed, tc.country, got, ok, tc.want)
		}
	}
}

func validInput() directory.Input {
	return directory.Input{Name: "ร.ต.อ. สมชาย ใจดี", Position: "Inspector", Phones: "081-234-5678\n+855 12 345 678",
		Visibility: access.ContactPartners, Active: true, Languages: []string{"th", "en"}, Provinces: []string{"TH-27"}}
}

func TestValidateHandles(t *testing.T) {
	for _, tc := range []struct {
		name  string
		set   func(*directory.Input)
		field string // "" when valid
	}{
		{"line ok", func(in *directory.Input) { in.LineID = "Somchai.ppr2" }, ""},
		{"line short", func(in *directory.Input) { in.LineID = "abc" }, "line_id"},
		{"line bad char", func(in *directory.Input) { in.LineID = "som chai" }, "line_id"},
		{"telegram with @", func(in *directory.Input) { in.Telegram = "@somchai_j" }, ""},
		{"telegram short", func(in *directory.Input) { in.Telegram = "@abcd" }, "telegram"},
		{"telegram dash", func(in *directory.Input) { in.Telegram = "som-chai" }, "telegram"},
		{"whatsapp local", func(in *directory.Input) { in.WhatsApp = "081 234 5678" }, ""},
		{"whatsapp junk", func(in *directory.Input) { in.WhatsApp = "somchai" }, "whatsapp"},
		{"signal junk", func(in *directory.Input) { in.Signal = "+12" }, "signal"},
		{"phone junk", func(in *directory.Input) { in.Phones = "081-234-5678\nnot a number" }, "phones"},
		{"no phone", func(in *directory.Input) { in.Phones = " " }, "phones"},
		{"bad province", func(in *directory.Input) { in.Provinces = []string{"XX-1"} }, "provinces"},
		{"bad visibility", func(in *directory.Input) { in.Visibility = "world" }, "visibility"},
		{"bad email", func(in *directory.Input) { in.Email = "somchai@" }, "email"},
	} {
		in := validInput()
		tc.set(&in)
		e, errs := in.Validate("TH")
		if tc.field == "" {
			if len(errs) > 0 {
				t.Errorf("%s: %v", tc.name, errs)
			}
			continue
		}
		if _, ok := errs[tc.field]; !ok || len(errs) != 1 {
			t.Errorf("%s: errors %v, want one on %s", tc.name, errs, tc.field)
		}
		_ = e
	}
	in := validInput()
	in.LineID, in.Telegram, in.WhatsApp = "Somchai.PPR2", "@Somchai_J", "081 234 5678"
	e, _ := in.Validate("TH")
	if e.LineID != "somchai.ppr2" || e.Telegram != "Somchai_J" || e.WhatsApp != "+66812345678" ||
		strings.Join(e.Phones, " ") != "+66812345678 +85512345678" {
		t.Errorf("normalised: %+v", e)
	}
	in.Phones = "not a number"
	_, errs := in.Validate("TH")
	if m := errs["phones"]; m.ID != "directory.error.phone" || m.Data["Number"] != "not a number" {
		t.Errorf("phone message: %+v", m)
	}
}

func TestLinks(t *testing.T) {
	for got, want := range map[string]string{
		directory.TelURL("+85512345678"):      "tel:+85512345678",
		directory.LineURL("somchai.ppr2"):     "https://line.me/ti/p/~somchai.ppr2",
		directory.WhatsAppURL("+66812345678"): "https://wa.me/66812345678",
		directory.TelegramURL("somchai_j"):    "https://t.me/somchai_j",
		directory.SignalURL("+66812345678"):   "https://signal.me/#p/+66812345678",
	} {
		if got != want {
			t.Errorf("got %s, want %s", got, want)
		}
	}
}

type fixture struct {
	t      *testing.T
	db     *pgtest.DB
	store  *directory.Store
	actors map[string]access.Actor
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	db := pgtest.New(t)
	if err := seed.Accounts(context.Background(), db.App); err != nil {
		t.Fatal(err)
	}
	return &fixture{t: t, db: db, store: directory.NewStore(db.App), actors: map[string]access.Actor{}}
}

func (f *fixture) actor(email string) access.Actor {
	f.t.Helper()
	if a, ok := f.actors[email]; ok {
		return a
	}
	a, err := seed.DemoActor(context.Background(), f.db.App, email)
	if err != nil {
		f.t.Fatal(err)
	}
	f.actors[email] = a
	return a
}

func (f *fixture) create(email string, in directory.Input) int64 {
	f.t.Helper()
	id, err := f.store.Create(context.Background(), f.actor(email), in)
	if err != nil {
		f.t.Fatalf("%s creates: %v", email, err)
	}
	return id
}

func TestManageAndSearch(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	th := f.create("coordinator@th-ppr2.example", validInput())
	kmIn := directory.Input{Name: "សុខ ចាន់ថា", Phones: "012 345 678", Visibility: access.ContactPartners, Active: true,
		FocalPoint: true, Languages: []string{"km"}, Provinces: []string{"KH-1"}, Telegram: "@chantha_ahtjp"}
	km := f.create("agency_admin@kh-ahtjp.example", kmIn)
	hidden := f.create("agency_admin@kh-ahtjp.example", directory.Input{Name: "Internal desk", Phones: "011 222 333",
		Visibility: access.ContactAgency, Active: true})

	// Investigators and analysts may not write.
	for _, who := range []string{"investigator@th-ppr2.example", "analyst@th-ppr2.example"} {
		if _, err := f.store.Create(ctx, f.actor(who), validInput()); !errors.Is(err, directory.ErrNotFound) {
			t.Errorf("%s creates: %v", who, err)
		}
	}
	// Another agency's manager may not touch an entry.
	if err := f.store.Update(ctx, f.actor("coordinator@th-ppr2.example"), km, kmIn); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("PPR2 edits AHTJP's entry: %v", err)
	}
	if err := f.store.Delete(ctx, f.actor("coordinator@th-ppr2.example"), km); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("PPR2 deletes AHTJP's entry: %v", err)
	}
	// The stored Cambodian number came from local form.
	c, err := f.store.Get(ctx, f.actor("analyst@th-ppr2.example"), km)
	if err != nil || c.Phones[0] != "+85512345678" || c.Telegram != "chantha_ahtjp" || !c.FocalPoint {
		t.Fatalf("analyst reads AHTJP's entry: %+v, %v", c, err)
	}
	if _, err := f.store.Get(ctx, f.actor("analyst@th-ppr2.example"), hidden); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("PPR2 reads AHTJP's agency-only entry: %v", err)
	}
	if _, err := f.store.Get(ctx, f.actor("investigator@kh-ahtjp.example"), hidden); err != nil {
		t.Errorf("AHTJP reads its own agency-only entry: %v", err)
	}

	names := func(who string, flt directory.Filter) string {
		t.Helper()
		list, err := f.store.Search(ctx, f.actor(who), flt)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range list {
			out = append(out, c.Name)
		}
		return strings.Join(out, "|")
	}
	for _, tc := range []struct {
		who  string
		flt  directory.Filter
		want string
	}{
		{"analyst@our.example", directory.Filter{}, "ร.ต.อ. สมชาย ใจดี|សុខ ចាន់ថា"},
		{"investigator@kh-ahtjp.example", directory.Filter{}, "Internal desk|ร.ต.อ. สมชาย ใจดี|សុខ ចាន់ថា"},
		{"analyst@our.example", directory.Filter{Name: "ចាន់"}, "សុខ ចាន់ថា"},
		{"analyst@our.example", directory.Filter{Name: "สมชาย"}, "ร.ต.อ. สมชาย ใจดี"},
		{"analyst@our.example", directory.Filter{Country: "KH"}, "សុខ ចាន់ថា"},
		{"analyst@our.example", directory.Filter{Province: "TH-27"}, "ร.ต.อ. สมชาย ใจดี"},
		{"analyst@our.example", directory.Filter{Language: "km"}, "សុខ ចាន់ថា"},
		{"analyst@our.example", directory.Filter{FocalPoint: true}, "សុខ ចាន់ថា"},
		{"analyst@our.example", directory.Filter{Name: "%"}, ""},
	} {
		if got := names(tc.who, tc.flt); got != tc.want {
			t.Errorf("%s searches %+v: %q, want %q", tc.who, tc.flt, got, tc.want)
		}
	}

	// Edit, then delete; each write is audited.
	in := validInput()
	in.Name = "Pol. Capt. Somchai Jaidee"
	if err := f.store.Update(ctx, f.actor("agency_admin@th-ppr2.example"), th, in); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Delete(ctx, f.actor("agency_admin@kh-ahtjp.example"), hidden); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := f.db.Owner.QueryRow(ctx, `SELECT count(*) FROM audit_events WHERE action IN
		('directory.create', 'directory.update', 'directory.delete', 'directory.update.denied', 'directory.delete.denied')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 7 {
		t.Errorf("%d audit events, want 7", n)
	}
	// Invalid input comes back as field errors.
	bad := validInput()
	bad.Phones = "123"
	if _, err := f.store.Create(ctx, f.actor("coordinator@th-ppr2.example"), bad); !errors.As(err, new(validate.Errors)) {
		t.Errorf("bad phone: %v", err)
	}
}

// TestRowLevelSecurity: raw SQL as the application role, without the
// store's rules, still keeps an agency-only entry inside its agency and
// lets no one else write.
func TestRowLevelSecurity(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	id := f.create("agency_admin@kh-ahtjp.example", directory.Input{Name: "Internal desk", Phones: "011 222 333",
		Visibility: access.ContactAgency, Active: true})
	count := func(who string) (n int) {
		t.Helper()
		if err := postgres.AsActor(ctx, f.db.App, f.actor(who), func(tx pgx.Tx) error {
			return tx.QueryRow(ctx, `SELECT count(*) FROM contacts WHERE id = $1`, id).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if count("coordinator@th-ppr2.example") != 0 || count("analyst@kh-ahtjp.example") != 1 {
		t.Error("agency-only entry: wrong visibility under RLS")
	}
	var n int
	if err := f.db.App.QueryRow(ctx, `SELECT count(*) FROM contacts`).Scan(&n); err != nil || n != 0 {
		t.Errorf("without an actor: %d rows, %v", n, err)
	}
	if err := postgres.AsActor(ctx, f.db.App, f.actor("coordinator@th-ppr2.example"), func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE contacts SET name = 'x' WHERE id = $1`, id)
		if err == nil && tag.RowsAffected() != 0 {
			t.Error("PPR2 updated AHTJP's entry")
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	err := postgres.AsActor(ctx, f.db.App, f.actor("investigator@kh-ahtjp.example"), func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO contacts (agency_id, name, phones, visibility, created_by)
			VALUES (app_agency(), 'x', '{+85512345678}', 'partners', app_user())`)
		return err
	})
	if err == nil {
		t.Error("an investigator inserted a contact")
	}
}

func TestStaleAfter180Days(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	admin := f.actor("agency_admin@th-ppr2.example")
	old := f.create("agency_admin@th-ppr2.example", validInput())
	fresh := f.create("coordinator@th-ppr2.example", directory.Input{Name: "Fresh", Phones: "0812345679",
		Visibility: access.ContactPartners, Active: true})
	if _, err := f.db.Owner.Exec(ctx, `UPDATE contacts SET verified_on = current_date - 181 WHERE id = $1`, old); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Owner.Exec(ctx, `UPDATE contacts SET verified_on = current_date - 100 WHERE id = $1`, fresh); err != nil {
		t.Fatal(err)
	}
	res, err := f.store.Stale(ctx, admin, nil)
	list := res.Contacts
	if err != nil || len(list) != 1 || list[0].ID != old || !list[0].IsStale(f.store.Today()) {
		t.Fatalf("stale: %+v, %v", list, err)
	}
	if _, err := f.store.Stale(ctx, f.actor("investigator@th-ppr2.example"), nil); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("investigator's stale list: %v", err)
	}
	if err := f.store.Verify(ctx, f.actor("agency_admin@kh-ahtjp.example"), old); !errors.Is(err, directory.ErrNotFound) {
		t.Errorf("AHTJP verifies PPR2's entry: %v", err)
	}
	if err := f.store.Verify(ctx, admin, old); err != nil {
		t.Fatal(err)
	}
	if res, _ := f.store.Stale(ctx, admin, nil); len(res.Contacts) != 0 {
		t.Errorf("after verify: %d stale", len(res.Contacts))
	}
	c, _ := f.store.Get(ctx, admin, old)
	if !c.VerifiedOn.Equal(f.store.Today()) || c.IsStale(f.store.Today()) {
		t.Errorf("verified on %v", c.VerifiedOn)
	}
	if (directory.Contact{VerifiedOn: f.store.Today().AddDate(0, 0, -180)}).IsStale(f.store.Today()) != true {
		t.Error("180 days unchecked is not stale")
	}
}

func TestVCardRoundTrip(t *testing.T) {
	list := []directory.Contact{
		{Name: "ร.ต.อ. สมชาย ใจดี", AgencyName: "Royal Thai Police, PPR2", Unit: "Children, Women and Families Protection Center",
			Position: "Inspector", Phones: []string{"+66812345678", "+85512345678"}, LineID: "somchai.ppr2",
			Email: "somchai@ppr2.example", FocalPoint: true, Provinces: []string{"TH-27"}},
		{Name: "សុខ ចាន់ថា", AgencyName: "Cambodian National Police, AHTJP", Phones: []string{"+85512345678"},
			Telegram: "chantha_ahtjp", WhatsApp: "+85512345678"},
	}
	var buf bytes.Buffer
	if err := directory.WriteCards(&buf, list); err != nil {
		t.Fatal(err)
	}
	dec := vcard.NewDecoder(&buf)
	for i, want := range list {
		card, err := dec.Decode()
		if err != nil {
			t.Fatalf("card %d: %v", i, err)
		}
		if card.Value(vcard.FieldVersion) != "3.0" || card.PreferredValue(vcard.FieldFormattedName) != want.Name ||
			card.Name().GivenName != want.Name {
			t.Errorf("card %d: name %q / %+v", i, card.PreferredValue(vcard.FieldFormattedName), card.Name())
		}
		tels := card[vcard.FieldTelephone]
		if len(tels) != len(want.Phones) {
			t.Fatalf("card %d: %d phones", i, len(tels))
		}
		for j, tel := range tels {
			if tel.Value != want.Phones[j] || !tel.Params.HasType(vcard.TypeCell) {
				t.Errorf("card %d: phone %+v", i, tel)
			}
		}
		if org := card.Value(vcard.FieldOrganization); !strings.HasPrefix(org, want.AgencyName) {
			t.Errorf("card %d: ORG %q", i, org)
		}
		note := card.Value(vcard.FieldNote)
		if want.LineID != "" && !strings.Contains(note, "LINE: "+want.LineID) ||
			want.Telegram != "" && !strings.Contains(note, "Telegram: @"+want.Telegram) {
			t.Errorf("card %d: NOTE %q", i, note)
		}
	}
	if _, err := dec.Decode(); err != io.EOF {
		t.Errorf("after the cards: %v", err)
	}
}

// manyContacts adds n entries by SQL as the owner, spread over three
// agencies, with names that repeat and sort across scripts, some inactive,
// some agency-only, some focal points, checked days ago.
func manyContacts(t *testing.T, f *fixture, n int, days string) {
	t.Helper()
	if _, err := f.db.Owner.Exec(context.Background(), `
		INSERT INTO contacts (agency_id, name, phones, languages, focal_point, visibility, active, verified_on, created_by)
		SELECT (SELECT id FROM agencies WHERE code = (ARRAY['th-ppr2', 'kh-ahtjp', 'our'])[1 + i % 3]),
			(ARRAY['Chea Dara', 'chea dara', 'Officer 1', 'Officer 10', 'สมชาย ใจดี', 'សុខ ចាន់ថា', 'O''Brien',
				'Officer_1', 'Officer%1', 'Ånders'])[1 + i % 10],
			'{+66812345678}', CASE WHEN i % 4 = 0 THEN '{km}'::text[] ELSE '{th}' END, i % 2 = 0,
			CASE WHEN i % 11 = 0 THEN 'agency' ELSE 'partners' END, i % 7 <> 0,
			current_date - (`+days+`), (SELECT min(id) FROM users)
		FROM generate_series(1, $1) i`, n); err != nil {
		t.Fatal(err)
	}
}

// TestDirectorySearchPages: a search walked page by page, by its cursors, lists
// every entry the reader may see exactly once, in the order of one query,
// its filters kept on every page; inactive entries only for their own
// agency.
func TestDirectorySearchPages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	manyContacts(t, f, 320, "10")

	walk := func(who string, flt directory.Filter) (ids []int64, pages int) {
		t.Helper()
		actor := f.actor(who)
		var after *directory.Cursor
		for {
			res, err := f.store.SearchPage(ctx, actor, flt, after)
			if err != nil {
				t.Fatal(err)
			}
			pages++
			if len(res.Contacts) > directory.PageSize || res.Next != "" && len(res.Contacts) != directory.PageSize {
				t.Fatalf("%s %+v: page %d has %d entries", who, flt, pages, len(res.Contacts))
			}
			for _, c := range res.Contacts {
				if !c.Active && c.AgencyID != actor.AgencyID {
					t.Errorf("%s sees another agency's inactive entry %d", who, c.ID)
				}
				ids = append(ids, c.ID)
			}
			if res.Next == "" {
				return ids, pages
			}
			var errs validate.Errors
			if after, errs = directory.ParseCursor(res.Next); len(errs) > 0 {
				t.Fatalf("the next page's cursor %q: %v", res.Next, errs)
			}
		}
	}
	// want is the one query's answer, the access rules written out.
	want := func(agency, cond string) []int64 {
		t.Helper()
		rows, _ := f.db.Owner.Query(ctx, `
			SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
			WHERE (c.visibility = 'partners' OR a.code = $1) AND (c.active OR a.code = $1) AND `+cond+`
			ORDER BY c.name, c.id`, agency)
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			t.Fatal(err)
		}
		return ids
	}
	for _, tc := range []struct {
		who, agency string
		flt         directory.Filter
		cond        string
		pages       int
	}{
		{"analyst@th-ppr2.example", "th-ppr2", directory.Filter{}, "true", 6},
		{"investigator@kh-ahtjp.example", "kh-ahtjp", directory.Filter{}, "true", 6},
		{"analyst@our.example", "our", directory.Filter{Country: "KH"}, "a.country = 'KH'", 2},
		{"investigator@kh-ahtjp.example", "kh-ahtjp", directory.Filter{Name: "officer", Language: "th"},
			"c.name ILIKE '%officer%' AND c.languages @> '{th}'", 2},
		{"analyst@th-ppr2.example", "th-ppr2", directory.Filter{FocalPoint: true, Name: "Officer%1"},
			`c.focal_point AND c.name LIKE 'Officer\%1'`, 1},
	} {
		got, pages := walk(tc.who, tc.flt)
		if w := want(tc.agency, tc.cond); !slices.Equal(got, w) || pages < tc.pages {
			t.Errorf("%s searches %+v: %d entries over %d pages, want %d over %d or more:\n%v\n%v",
				tc.who, tc.flt, len(got), pages, len(w), tc.pages, got, w)
		}
	}

	// A cursor that does not parse, or is the stale list's, is a field
	// error; one of another order does not page a search.
	for _, bad := range []string{"bm90IGEgY3Vyc29y", "%%", "bmFtZQBPZmZpY2VyADA", "dmVyaWZpZWQAMjAyNS0wMS0wMQAx"} {
		if c, errs := directory.ParseCursor(bad); c != nil || errs["after"].ID != "error.cursor" {
			t.Errorf("cursor %q: %v, %v", bad, c, errs)
		}
	}
	stale, errs := directory.ParseStaleCursor("dmVyaWZpZWQAMjAyNS0wMS0wMQAx") // verified, 2025-01-01, 1
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if _, err := f.store.SearchPage(ctx, f.actor("analyst@th-ppr2.example"), directory.Filter{}, stale); err == nil {
		t.Error("a stale list's cursor pages a search")
	}
	// The download is the search from its start, up to SearchLimit.
	all, err := f.store.Search(ctx, f.actor("analyst@th-ppr2.example"), directory.Filter{})
	if w := want("th-ppr2", "true"); err != nil || len(all) != min(len(w), directory.SearchLimit) || all[0].ID != w[0] {
		t.Errorf("export: %d entries, %v", len(all), err)
	}
}

// TestDirectoryStalePages: the stale list walked page by page holds each of the
// agency's unchecked entries once, the longest unchecked first, inactive
// and agency-only ones too, and no other agency's.
func TestDirectoryStalePages(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	manyContacts(t, f, 240, "200 + i % 6")
	manyContacts(t, f, 30, "10")
	admin := f.actor("agency_admin@th-ppr2.example")
	var got []int64
	var after *directory.Cursor
	pages := 0
	for {
		res, err := f.store.Stale(ctx, admin, after)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(res.Contacts) > directory.PageSize {
			t.Fatalf("page %d has %d entries", pages, len(res.Contacts))
		}
		for _, c := range res.Contacts {
			got = append(got, c.ID)
		}
		if res.Next == "" {
			break
		}
		var errs validate.Errors
		if after, errs = directory.ParseStaleCursor(res.Next); len(errs) > 0 {
			t.Fatal(errs)
		}
		if _, errs := directory.ParseCursor(res.Next); len(errs) == 0 {
			t.Error("a stale list's cursor reads as a search's")
		}
	}
	rows, _ := f.db.Owner.Query(ctx, `
		SELECT c.id FROM contacts c JOIN agencies a ON a.id = c.agency_id
		WHERE a.code = 'th-ppr2' AND c.verified_on < current_date - 100 ORDER BY c.verified_on, c.id`)
	want, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil || !slices.Equal(got, want) || pages != 2 {
		t.Errorf("stale: %d entries over %d pages, want %d:\n%v\n%v (%v)", len(got), pages, len(want), got, want, err)
	}
}
