package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/hotspots"
)

// demoHotspots: places along the border that the demo cases happened at,
// marked by the agency that knows them. Coordinates are approximate public
// landmarks, not real intelligence.
var demoHotspots = []struct {
	agency string
	in     hotspots.Input
	cases  []string // titles of demo cases of the same agency to link
}{
	{"th-ppr2", hotspots.Input{Name: "Ban Khlong Luek border checkpoint", Kind: "border_crossing", Country: "TH",
		Latitude: "13.6624", Longitude: "102.5494", Province: "TH-27", District: "Aranyaprathet", Risk: "high", Reliability: "A", Information: "1",
		HandlingCode: access.Partners, Notes: "Main crossing to Poipet; recruiters meet arrivals at the market side."},
		[]string{"Girls recruited for karaoke bars in Aranyaprathet", "Forced begging children at Rong Kluea market"}},
	{"th-ppr2", hotspots.Input{Name: "Rong Kluea market", Kind: "transit_route", Country: "TH",
		Latitude: "13.6685", Longitude: "102.5391", District: "Aranyaprathet", Risk: "medium", Reliability: "B", Information: "2",
		HandlingCode: access.Partners}, []string{"Forced begging children at Rong Kluea market"}},
	{"th-ppr2", hotspots.Input{Name: "Kiln cluster outside Watthana Nakhon", Kind: "brick_kiln", Country: "TH",
		Latitude: "13.7682", Longitude: "102.3104", Risk: "high", Reliability: "B", Information: "3",
		HandlingCode: access.LawEnforcement}, []string{"Brick kiln families in Sa Kaeo"}},
	{"th-ppr2", hotspots.Input{Name: "Khlong Hat pick-up point", Kind: "transit_route", Country: "TH",
		Latitude: "13.4449", Longitude: "102.3245", Risk: "medium", Reliability: "C", Information: "4",
		HandlingCode: access.Originator, Notes: "Single informant; not yet corroborated."}, nil},
	{"th-ppr2", hotspots.Input{Name: "Si Racha fishing pier", Kind: "port", Country: "TH",
		Latitude: "13.1682", Longitude: "100.9235", Risk: "medium", Reliability: "B", Information: "2",
		HandlingCode: access.Partners}, []string{"Fishing boat crew held in debt bondage, Chonburi"}},
	{"kh-ahtjp", hotspots.Input{Name: "Poipet casino strip", Kind: "entertainment_venue", Country: "KH",
		Latitude: "13.6560", Longitude: "102.5600", Risk: "high", Reliability: "A", Information: "2",
		HandlingCode: access.Partners}, []string{"Recruitment agency in Poipet sending workers without papers"}},
	{"kh-ahtjp", hotspots.Input{Name: "Compound on Ochheuteal road", Kind: "scam_compound", Country: "KH",
		Latitude: "10.6093", Longitude: "103.5296", Risk: "high", Reliability: "A", Information: "1",
		HandlingCode: access.LawEnforcement}, []string{"Scam compound in Sihanoukville: rescued workers"}},
	{"kh-ahtjp", hotspots.Input{Name: "Cham Yeam crossing", Kind: "border_crossing", Country: "KH",
		Latitude: "11.6460", Longitude: "102.9082", Risk: "medium", Reliability: "B", Information: "2",
		HandlingCode: access.Partners}, nil},
	{"kh-ahtjp", hotspots.Input{Name: "Pub Street karaoke venues", Kind: "entertainment_venue", Country: "KH",
		Latitude: "13.3546", Longitude: "103.8552", Risk: "medium", Reliability: "B", Information: "3",
		HandlingCode: access.Partners}, []string{"Karaoke venue in Siem Reap"}},
	{"our", hotspots.Input{Name: "Plantation road, Khlung", Kind: "other", Country: "TH",
		Latitude: "12.4540", Longitude: "102.2270", Risk: "low", Reliability: "B", Information: "3",
		HandlingCode: access.Partners}, []string{"Cambodian workers at a fruit plantation in Chanthaburi"}},
	{"clec", hotspots.Input{Name: "Broker's office near Battambang market", Kind: "recruitment_agency", Country: "KH",
		Latitude: "13.1027", Longitude: "103.1982", Risk: "medium", Reliability: "C", Information: "2",
		HandlingCode: access.Partners}, []string{"Migrant workers cheated by a Battambang broker"}},
}

// demoHotspotsIn adds the demo hotspots and links each to its demo cases,
// with the demo cases, once.
func demoHotspotsIn(ctx context.Context, db *pgxpool.Pool, actor func(access.Role, string) (access.Actor, error)) error {
	store := hotspots.NewStore(db)
	for _, h := range demoHotspots {
		inv, err := actor(access.Investigator, h.agency)
		if err != nil {
			return err
		}
		id, err := store.Create(ctx, inv, h.in)
		if err != nil {
			return fmt.Errorf("demo hotspot %s: %w", h.in.Name, err)
		}
		for _, title := range h.cases {
			var caseID int64
			if err := scanAs(ctx, db, inv, `SELECT id FROM cases WHERE title = $1 AND owner_agency_id = app_agency()`, title, &caseID); err != nil {
				return fmt.Errorf("demo hotspot %s, case %q: %w", h.in.Name, title, err)
			}
			if err := store.Link(ctx, inv, caseID, id); err != nil {
				return fmt.Errorf("demo hotspot %s, case %q: %w", h.in.Name, title, err)
			}
		}
	}
	return nil
}
