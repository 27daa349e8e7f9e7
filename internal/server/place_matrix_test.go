package server_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/hotspots"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// The access matrix of the directory and the hotspots: every role of every
// demo agency against PPR2's hotspots under each handling code and AHTJP's
// contacts under each visibility, at the store and over HTTP. The
// expectations are DESIGN §1–3 written out again, independently of
// internal/access.

func expectHotspot(kind access.Kind, agency string, role access.Role, code access.HandlingCode, action string) bool {
	reads := role == access.Investigator || role == access.Caseworker || role == access.Coordinator || role == access.Analyst
	own := agency == "th-ppr2"
	admitted := code == access.Partners || (code == access.LawEnforcement && (kind == access.Police || kind == access.Government))
	switch action {
	case "view", "list", "map":
		return reads && (own || admitted)
	case "edit":
		return own && (role == access.Investigator || role == access.Coordinator)
	}
	panic("unknown action " + action)
}

func expectContact(agency string, role access.Role, v access.ContactVisibility, action string) bool {
	own := agency == "kh-ahtjp"
	switch action {
	case "view", "list":
		return v == access.ContactPartners || own
	case "edit", "verify":
		return own && (role == access.AgencyAdmin || role == access.Coordinator)
	}
	panic("unknown action " + action)
}

func TestPlaceAccessMatrix(t *testing.T) {
	a := newApp(t)
	ctx := context.Background()
	hs := hotspots.NewStore(a.db.App)
	dir := directory.NewStore(a.db.App)
	actorOf := func(email string) access.Actor {
		actor, err := seed.DemoActor(ctx, a.db.App, email)
		if err != nil {
			t.Fatal(err)
		}
		return actor
	}

	type hotspot struct {
		id   int64
		name string
		code access.HandlingCode
	}
	var spots []hotspot
	for _, code := range access.HandlingCodes {
		name := "Matrix hotspot " + string(code)
		in := hotspots.Input{Name: name, Kind: "port", Country: "TH", Latitude: "13.1682", Longitude: "100.9235", Risk: "low",
			Reliability: "B", Information: "2", HandlingCode: code}
		id, err := hs.Create(ctx, actorOf("investigator@th-ppr2.example"), in)
		if err != nil {
			t.Fatal(err)
		}
		spots = append(spots, hotspot{id, name, code})
	}
	type contact struct {
		id   int64
		name string
		vis  access.ContactVisibility
	}
	var contacts []contact
	for _, v := range access.ContactVisibilities {
		name := "Matrix contact " + string(v)
		id, err := dir.Create(ctx, actorOf("coordinator@kh-ahtjp.example"), directory.Input{Name: name, Phones: "012 345 678",
			Visibility: v, Active: true})
		if err != nil {
			t.Fatal(err)
		}
		contacts = append(contacts, contact{id, name, v})
	}
	hotspotInput := func(h hotspot) hotspots.Input {
		var version int32
		a.db.Owner.QueryRow(ctx, `SELECT version FROM hotspots WHERE id = $1`, h.id).Scan(&version)
		return hotspots.Input{Name: h.name, Kind: "port", Country: "TH", Latitude: "13.1682", Longitude: "100.9235", Risk: "low",
			Reliability: "B", Information: "2", HandlingCode: h.code, Version: version}
	}
	contactInput := func(c contact) directory.Input {
		return directory.Input{Name: c.name, Phones: "012 345 678", Visibility: c.vis, Active: true}
	}
	// allowed reads a store's answer: nil is yes, ErrNotFound no, anything
	// else a failure.
	allowed := func(what string, err error) bool {
		if err != nil && !errors.Is(err, hotspots.ErrNotFound) {
			t.Fatalf("%s: %v", what, err)
		}
		return err == nil
	}
	status := func(c *client, path string) bool {
		r := c.get(path)
		if r.status != http.StatusOK && r.status != http.StatusNotFound {
			t.Fatalf("GET %s: status %d", path, r.status)
		}
		return r.status == http.StatusOK
	}

	var checked int
	for _, agency := range seed.DemoAgencies {
		for _, role := range access.RolesFor(agency.Kind) {
			email := seed.Email(role, agency.Code)
			actor := actorOf(email)
			web := a.signedIn(email)

			storeList, _ := hs.List(ctx, actor, hotspots.Filter{}, hotspots.ListLimit)
			listRes := web.get("/hotspots?kind=port")
			mapRes := web.get("/hotspots/map.geojson?bbox=100,13,101,14")
			var fc featureCollection
			if mapRes.status == http.StatusOK {
				json.Unmarshal([]byte(mapRes.body), &fc)
			}
			for _, h := range spots {
				for _, action := range []string{"view", "list", "map", "edit"} {
					var gotStore, gotHTTP bool
					switch action {
					case "view":
						_, err := hs.Get(ctx, actor, h.id)
						gotStore = allowed("view", err)
						gotHTTP = status(web, "/hotspots/"+itoa(h.id))
					case "list":
						for _, x := range storeList {
							gotStore = gotStore || x.ID == h.id
						}
						gotHTTP = listRes.status == http.StatusOK && strings.Contains(listRes.body, h.name)
					case "map":
						gotStore = gotStore || len(storeList) > 0 && func() bool {
							l, _ := hs.List(ctx, actor, hotspots.Filter{Box: &hotspots.Box{West: 100, South: 13, East: 101, North: 14}}, hotspots.MapLimit)
							for _, x := range l {
								if x.ID == h.id {
									return true
								}
							}
							return false
						}()
						for _, f := range fc.Features {
							gotHTTP = gotHTTP || f.ID == h.id
						}
					case "edit":
						gotHTTP = status(web, "/hotspots/"+itoa(h.id)+"/edit")
						gotStore = allowed("edit", hs.Update(ctx, actor, h.id, hotspotInput(h)))
					}
					if want := expectHotspot(agency.Kind, agency.Code, role, h.code, action); gotStore != want || gotHTTP != want {
						t.Errorf("%s on a %s hotspot: %s: store %v, HTTP %v, want %v", email, h.code, action, gotStore, gotHTTP, want)
					}
					checked++
				}
			}

			found, _ := dir.Search(ctx, actor, directory.Filter{Name: "Matrix contact"})
			dirRes := web.get("/directory?" + url.Values{"name": {"Matrix contact"}}.Encode())
			for _, c := range contacts {
				for _, action := range []string{"view", "list", "edit", "verify"} {
					var gotStore, gotHTTP bool
					switch action {
					case "view":
						_, err := dir.Get(ctx, actor, c.id)
						gotStore = allowed("view contact", err)
						gotHTTP = status(web, "/directory/"+itoa(c.id))
					case "list":
						for _, x := range found {
							gotStore = gotStore || x.ID == c.id
						}
						gotHTTP = strings.Contains(dirRes.body, c.name)
					case "edit":
						gotStore = allowed("edit contact", dir.Update(ctx, actor, c.id, contactInput(c)))
						gotHTTP = status(web, "/directory/"+itoa(c.id)+"/edit")
					case "verify":
						gotStore = allowed("verify contact", dir.Verify(ctx, actor, c.id))
						r := web.post("/directory/"+itoa(c.id)+"/verify", nil)
						gotHTTP = r.status == http.StatusSeeOther
					}
					if want := expectContact(agency.Code, role, c.vis, action); gotStore != want || gotHTTP != want {
						t.Errorf("%s on a %s contact: %s: store %v, HTTP %v, want %v", email, c.vis, action, gotStore, gotHTTP, want)
					}
					checked++
				}
			}
		}
	}
	summary := fmt.Sprintf("access matrix of hotspots and contacts: %d combinations checked, each at the store and over HTTP\n", checked)
	t.Log(summary)
	if err := os.MkdirAll(filepath.Join(repoRoot(t), "artifacts"), 0o755); err == nil {
		os.WriteFile(filepath.Join(repoRoot(t), "artifacts", "access-matrix-places.txt"), []byte(summary), 0o644)
	}
	if checked < 300 {
		t.Fatalf("only %d combinations", checked)
	}
}
