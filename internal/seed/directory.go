package seed

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/directory"
)

// demoContacts: the officers partners most need to reach across the
// border, entered by each agency's coordinator.
var demoContacts = []struct {
	agency string
	in     directory.Input
}{
	{"th-ppr2", directory.Input{Name: "พ.ต.ท. สมชาย วงศ์สกุล", Position: "Deputy Superintendent", Unit: "CWFPC Sa Kaeo",
		Phones: "081-234-5678", LineID: "somchai.cwfpc", Languages: []string{"th", "en"}, Provinces: []string{"TH-27", "TH-23"},
		FocalPoint: true, Visibility: access.ContactPartners, Active: true}},
	{"th-ticac", directory.Input{Name: "ร.ต.อ. ศิริพร แก้วมณี", Position: "Inspector", Unit: "TICAC Bangkok",
		Phones: "+66 89 765 4321", Telegram: "@siriporn_ticac", Languages: []string{"th", "en"}, Provinces: []string{"TH-10"},
		Visibility: access.ContactPartners, Active: true}},
	{"kh-ahtjp", directory.Input{Name: "ចាន់ សុភា", Position: "Lieutenant Colonel", Unit: "AHTJP Banteay Meanchey",
		Phones: "012 345 678", Telegram: "chansophea_ahtjp", WhatsApp: "+85512345678", Languages: []string{"km", "th"},
		Provinces: []string{"KH-1", "KH-2"}, FocalPoint: true, Visibility: access.ContactPartners, Active: true}},
	{"aim", directory.Input{Name: "Srey Neang", Position: "Aftercare manager", Unit: "AIM Phnom Penh",
		Phones: "017 222 333", Signal: "+85517222333", Languages: []string{"km", "en"}, Provinces: []string{"KH-12", "KH-8"},
		Visibility: access.ContactPartners, Active: true}},
	{"our", directory.Input{Name: "Mark Reynolds", Position: "Country director", Phones: "+66 2 123 4567",
		WhatsApp: "+66891112222", Languages: []string{"en", "th"}, Visibility: access.ContactPartners, Active: true}},
	{"clec", directory.Input{Name: "យឹម សុខា", Position: "Lawyer", Unit: "Migrant workers' programme",
		Phones: "097 555 0101", Languages: []string{"km", "en"}, Provinces: []string{"KH-2", "KH-15"},
		Visibility: access.ContactPartners, Active: true}},
	{"kh-moi", directory.Input{Name: "ជា វុទ្ធី", Position: "Deputy Director", Unit: "Anti-human trafficking department",
		Phones: "023 720 000", Languages: []string{"km", "en"}, Visibility: access.ContactAgency, Active: true}},
}

// demoContactsIn adds the demo directory, with the demo cases, once.
func demoContactsIn(ctx context.Context, db *pgxpool.Pool, actor func(access.Role, string) (access.Actor, error)) error {
	store := directory.NewStore(db)
	for _, c := range demoContacts {
		coord, err := actor(access.Coordinator, c.agency)
		if err != nil {
			return err
		}
		if _, err := store.Create(ctx, coord, c.in); err != nil {
			return fmt.Errorf("demo contact %s: %w", c.in.Name, err)
		}
	}
	return nil
}
