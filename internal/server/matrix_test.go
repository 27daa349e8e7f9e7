package server_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// The access matrix: every role of every demo agency, in every relation to
// a case (owner, contribute share, read share, expired share, none), for
// every handling code and both consent states, against every action — at
// the store and over HTTP. The expectation below is DESIGN §3 written out
// again, independently of internal/access, so a wrong rule there fails here.

type relation string

const (
	owner      relation = "owner"
	contribute relation = "contribute"
	read       relation = "read"
	expired    relation = "expired"
	none       relation = "none"
)

// relations: which demo agency stands in which relation to every matrix
// case. Police and NGOs both hold shares, so law_enforcement is tested on
// each kind.
var relations = map[string]relation{
	"th-ppr2": owner, "kh-ahtjp": contribute, "aim": contribute, "th-ticac": read, "our": read, "clec": expired, "kh-moi": none,
}

var actions = []string{"list", "view", "edit", "add entry", "share", "reveal identity", "export"}

func expect(kind access.Kind, rel relation, role access.Role, code access.HandlingCode, consent bool, action string) bool {
	readsCases := role == access.Investigator || role == access.Caseworker || role == access.Coordinator
	writes := role == access.Investigator || role == access.Coordinator
	admitted := code == access.Partners || (code == access.LawEnforcement && (kind == access.Police || kind == access.Government))
	sees := readsCases && (rel == owner || ((rel == contribute || rel == read) && admitted))
	switch action {
	case "list", "view", "export":
		return sees
	case "edit":
		return rel == owner && writes
	case "add entry":
		return sees && writes && (rel == owner || rel == contribute)
	case "share":
		return rel == owner && role == access.Coordinator && code != access.Originator
	case "reveal identity":
		return sees && (rel == owner || consent)
	}
	panic("unknown action " + action)
}

type matrixCase struct {
	id       int64
	ref      string
	title    string
	code     access.HandlingCode
	consent  bool
	survivor int64
}

func TestAccessMatrix(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	store := cases.NewStore(a.db.App)
	actorOf := func(email string) access.Actor {
		actor, err := seed.DemoActor(ctx, a.db.App, email)
		if err != nil {
			t.Fatal(err)
		}
		return actor
	}
	ids := map[string]int32{}
	for code := range relations {
		id, _ := strconv32(agencyID(t, a, code))
		ids[code] = id
	}
	// Shares are tested against an agency outside the matrix, so that
	// granting one changes no viewer's relation.
	var target int32
	if err := a.db.Owner.QueryRow(ctx, `INSERT INTO agencies (code, name, short_name, kind, country)
		VALUES ('matrix-target', 'Share target', 'TGT', 'ngo', 'KH') RETURNING id`).Scan(&target); err != nil {
		t.Fatal(err)
	}

	// Six cases: each handling code with and without consent. Each is
	// created as partners, shared, then given its code, as happens when an
	// owner tightens a case that partners already hold.
	inv, coord := actorOf("investigator@th-ppr2.example"), actorOf("coordinator@th-ppr2.example")
	var matrix []matrixCase
	for _, code := range access.HandlingCodes {
		for _, consent := range []bool{false, true} {
			title := fmt.Sprintf("Matrix %s consent=%v", code, consent)
			id, ref, err := store.Create(ctx, inv, cases.CaseInput{Title: title, Category: "other", Priority: "normal", Country: "TH", HandlingCode: access.Partners})
			if err != nil {
				t.Fatal(err)
			}
			mc := matrixCase{id: id, ref: ref, title: title, code: code, consent: consent}
			if _, err := store.AddPerson(ctx, inv, id, cases.PersonInput{Role: access.Survivor, Names: "Matrix Survivor " + ref, Consent: consent}); err != nil {
				t.Fatal(err)
			}
			a.db.Owner.QueryRow(ctx, `SELECT id FROM case_people WHERE case_id = $1`, id).Scan(&mc.survivor)
			for agency, rel := range relations {
				level := map[relation]access.ShareLevel{contribute: access.Contribute, read: access.Read, expired: access.Read}[rel]
				if level == "" {
					continue
				}
				if err := store.ShareCase(ctx, coord, id, cases.ShareInput{AgencyID: ids[agency], Level: level, Basis: "request", Reason: "matrix"}); err != nil {
					t.Fatal(err)
				}
			}
			c, _ := store.Get(ctx, inv, id)
			if _, err := store.Update(ctx, inv, id, cases.CaseInput{Title: title, Category: "other", Status: "open", Priority: "normal",
				Country: "TH", HandlingCode: code, Version: c.Version}); err != nil {
				t.Fatal(err)
			}
			matrix = append(matrix, mc)
		}
	}
	if _, err := a.db.Owner.Exec(ctx, `UPDATE case_shares SET expires_at = now() - interval '1 minute' WHERE agency_id = $1`, ids["clec"]); err != nil {
		t.Fatal(err)
	}
	if _, err := a.db.App.Exec(ctx, `SELECT expire_case_shares()`); err != nil {
		t.Fatal(err)
	}

	var checked int
	for _, agency := range seed.DemoAgencies {
		rel := relations[agency.Code]
		for _, role := range access.RolesFor(agency.Kind) {
			email := seed.Email(role, agency.Code)
			actor := actorOf(email)
			web := a.signedIn(email)
			storeList, err := store.List(ctx, actor, cases.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			storeExport, err := store.Export(ctx, actor, cases.Filter{})
			if err != nil {
				t.Fatal(err)
			}
			httpList := web.get("/cases").body
			httpExport := web.get("/cases/export.csv").body
			for _, mc := range matrix {
				for _, action := range actions {
					want := expect(agency.Kind, rel, role, mc.code, mc.consent, action)
					names := expect(agency.Kind, rel, role, mc.code, mc.consent, "reveal identity")
					gotStore := storeCan(t, ctx, store, actor, mc, action, target, storeList, storeExport, names)
					gotHTTP := httpCan(t, web, mc, action, target, httpList, httpExport, names)
					if gotStore != want || gotHTTP != want {
						t.Errorf("%s (%s) on %s, consent %v: %s: store %v, HTTP %v, want %v",
							email, rel, mc.code, mc.consent, action, gotStore, gotHTTP, want)
					}
					checked++
				}
			}
		}
	}
	summary := fmt.Sprintf("access matrix: %d combinations checked, each at the store and over HTTP\n", checked)
	t.Log(summary)
	// go test shows a passing package's output only with -v; make test
	// prints this file after the run instead.
	dir := filepath.Join(repoRoot(t), "artifacts")
	if err := os.MkdirAll(dir, 0o755); err == nil {
		os.WriteFile(filepath.Join(dir, "access-matrix.txt"), []byte(summary), 0o644)
	}
	if checked < 1000 {
		t.Fatalf("only %d combinations", checked)
	}
}

func strconv32(s string) (int32, error) {
	var n int32
	_, err := fmt.Sscan(s, &n)
	return n, err
}

// storeCan tries action at the store. For export, names must appear in the
// file exactly when a reveal is allowed (wantNames).
func storeCan(t *testing.T, ctx context.Context, store *cases.Store, actor access.Actor, mc matrixCase, action string, target int32,
	list cases.Result, export []cases.ExportRow, wantNames bool) bool {
	t.Helper()
	// A refusal must come from the rules (ErrNotFound), not from
	// row-level security failing a write the store let through.
	ok := func(err error) bool {
		if err != nil && !errors.Is(err, cases.ErrNotFound) {
			t.Errorf("%s on %s by user %d: %v, want nil or ErrNotFound", action, mc.ref, actor.UserID, err)
		}
		return err == nil
	}
	switch action {
	case "list":
		return slices.ContainsFunc(list.Cases, func(c cases.Case) bool { return c.ID == mc.id })
	case "view":
		_, err := store.Page(ctx, actor, mc.id)
		return ok(err)
	case "edit":
		c, err := store.Get(ctx, actor, mc.id)
		if err != nil {
			return false
		}
		_, err = store.Update(ctx, actor, mc.id, cases.CaseInput{Title: mc.title, Category: "other", Status: "open", Priority: "normal",
			Country: "TH", HandlingCode: mc.code, Version: c.Version})
		return ok(err)
	case "add entry":
		return ok(store.AddEntry(ctx, actor, mc.id, cases.EntryInput{Kind: "note", Body: "matrix", HandlingCode: access.Partners}, nil))
	case "share":
		return ok(store.ShareCase(ctx, actor, mc.id, cases.ShareInput{AgencyID: target, Level: access.Read, Basis: "request", Reason: "matrix"}))
	case "reveal identity":
		_, _, _, err := store.RevealIdentity(ctx, actor, mc.id, mc.survivor)
		return ok(err)
	case "export":
		i := slices.IndexFunc(export, func(r cases.ExportRow) bool { return r.Case.ID == mc.id })
		if i < 0 {
			return false
		}
		// The export carries the survivor's name exactly where a reveal is allowed.
		if named := export[i].People[0].Names != nil; named != wantNames {
			t.Errorf("store export of %s to user %d: survivor named %v, want %v", mc.ref, actor.UserID, named, wantNames)
		}
		return true
	}
	return false
}

// httpCan tries action over HTTP, as the signed-in client.
func httpCan(t *testing.T, c *client, mc matrixCase, action string, target int32, list, export string, wantNames bool) bool {
	t.Helper()
	path := fmt.Sprintf("/cases/%d", mc.id)
	// Allowed is the success status; refused must be 404 (DESIGN §3.6),
	// never a 500 from a write the database refused.
	is := func(res response, success int) bool {
		if res.status != success && res.status != http.StatusNotFound {
			t.Errorf("%s on %s over HTTP: status %d", action, mc.ref, res.status)
		}
		return res.status == success
	}
	switch action {
	case "list":
		return strings.Contains(list, mc.ref)
	case "view":
		return is(c.get(path), http.StatusOK)
	case "edit":
		return is(c.get(path+"/edit"), http.StatusOK)
	case "add entry":
		return is(c.post(path+"/entries", url.Values{"kind": {"note"}, "body": {"matrix over HTTP"}, "handling_code": {"partners"}}), http.StatusSeeOther)
	case "share":
		return is(c.post(path+"/shares", url.Values{"agency": {fmt.Sprint(target)}, "level": {"read"}, "basis": {"request"},
			"reason": {"matrix over HTTP"}}), http.StatusSeeOther)
	case "reveal identity":
		res := c.post(fmt.Sprintf("%s/people/%d/identity", path, mc.survivor), nil)
		return is(res, http.StatusOK) && strings.Contains(res.body, "Matrix Survivor")
	case "export":
		if !strings.Contains(export, mc.ref) {
			return false
		}
		if named := strings.Contains(export, "Matrix Survivor "+mc.ref); named != wantNames {
			t.Errorf("CSV export of %s: survivor named %v, want %v", mc.ref, named, wantNames)
		}
		return true
	}
	return false
}
