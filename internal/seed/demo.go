// Package seed fills a database with demo data, so that every rule can be
// seen by signing in as different people.
package seed

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/agencies"
	"github.com/handshake-mekong/handshake/internal/auth"
)

// DemoPassword is every demo account's password.
const DemoPassword = "handshake-demo"

// PlatformAdminEmail is the demo operator's account.
const PlatformAdminEmail = "platform@handshake.example"

// DemoAgency is one demo agency and the people in it, one per role its kind
// has.
type DemoAgency struct {
	Code, Name, NameLocal, ShortName string
	Kind                             access.Kind
	Country                          string
	People                           map[access.Role]string // role → display name
}

// DemoAgencies are the agencies of the demo, with their names in Thai or
// Khmer beside the English.
var DemoAgencies = []DemoAgency{
	{"th-ppr2", "Royal Thai Police, Provincial Police Region 2, Children, Women and Families Protection Center",
		"ตำรวจภูธรภาค 2 ศูนย์คุ้มครองเด็ก สตรี และครอบครัว", "PPR2", access.Police, "TH",
		map[access.Role]string{access.Investigator: "Somchai Wongsakul", access.Coordinator: "Pranee Thongchai",
			access.AgencyAdmin: "Anan Srisuk", access.Analyst: "Kanya Boonmee"}},
	{"th-ticac", "Thailand Internet Crimes Against Children Task Force",
		"คณะทำงานปราบปรามอาชญากรรมทางอินเทอร์เน็ตต่อเด็กแห่งประเทศไทย", "TICAC", access.Police, "TH",
		map[access.Role]string{access.Investigator: "Nattapong Chaiyaphum", access.Coordinator: "Siriporn Kaewmanee",
			access.AgencyAdmin: "Wichai Phromma", access.Analyst: "Jintana Saelim"}},
	{"kh-ahtjp", "Cambodian National Police, Anti-Human Trafficking and Juvenile Protection Department",
		"នាយកដ្ឋានប្រឆាំងការជួញដូរមនុស្ស និងការពារអនីតិជន នៃអគ្គស្នងការដ្ឋាននគរបាលជាតិ", "AHTJP", access.Police, "KH",
		map[access.Role]string{access.Investigator: "Sok Dara", access.Coordinator: "Chan Sophea",
			access.AgencyAdmin: "Keo Vannak", access.Analyst: "Lim Sreymom"}},
	{"aim", "Agape International Missions", "អង្គការ អេហ្គាប៉េ អន្តរជាតិ", "AIM", access.NGO, "KH",
		map[access.Role]string{access.Investigator: "Heng Rithy", access.Caseworker: "Srey Neang",
			access.Coordinator: "Sarah Mitchell", access.AgencyAdmin: "Phan Bopha", access.Analyst: "David Chen"}},
	{"our", "Operation Underground Railroad", "โอเปอเรชัน อันเดอร์กราวด์ เรลโรด", "OUR", access.NGO, "TH",
		map[access.Role]string{access.Investigator: "Thanawat Intarasuk", access.Caseworker: "Malee Chanthra",
			access.Coordinator: "Mark Reynolds", access.AgencyAdmin: "Duangjai Petcharat", access.Analyst: "Emily Foster"}},
	{"clec", "Community Legal Education Center", "មជ្ឈមណ្ឌលអប់រំច្បាប់សម្រាប់សហគមន៍", "CLEC", access.NGO, "KH",
		map[access.Role]string{access.Investigator: "Mao Sothea", access.Caseworker: "Ouk Chenda",
			access.Coordinator: "Yim Sokha", access.AgencyAdmin: "Touch Samnang", access.Analyst: "Nhem Bopha"}},
	{"kh-moi", "Ministry of Interior, anti-human trafficking department",
		"ក្រសួងមហាផ្ទៃ នាយកដ្ឋានប្រឆាំងការជួញដូរមនុស្ស", "MOI", access.Coordination, "KH",
		map[access.Role]string{access.Coordinator: "Chea Vuthy", access.AgencyAdmin: "Prak Sovann", access.Analyst: "Ros Channary"}},
}

// Email is the demo account of role in agency code, e.g.
// investigator@th-ppr2.example.
func Email(role access.Role, code string) string {
	return fmt.Sprintf("%s@%s.example", role, code)
}

// Demo adds the demo agencies, accounts and cases. It only adds what is
// missing, so running it again changes nothing.
func Demo(ctx context.Context, db *pgxpool.Pool) error {
	if err := Accounts(ctx, db); err != nil {
		return err
	}
	return demoCasesIn(ctx, db)
}

// Accounts adds the demo agencies and their accounts, without cases: what
// tests start from.
func Accounts(ctx context.Context, db *pgxpool.Pool) error {
	hash, err := auth.HashPassword(DemoPassword)
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var operator int32
		err := tx.QueryRow(ctx, `
			INSERT INTO agencies (code, name, short_name, kind, country)
			VALUES ($1, 'Handshake platform operator', 'OPS', 'international', 'TH')
			ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`, agencies.OperatorCode).Scan(&operator)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO users (agency_id, email, display_name, password_hash, is_platform_admin)
			VALUES ($1, $2, 'Platform Operator', $3, true) ON CONFLICT (email) DO NOTHING`,
			operator, PlatformAdminEmail, hash); err != nil {
			return err
		}
		for _, a := range DemoAgencies {
			var id int32
			err := tx.QueryRow(ctx, `
				INSERT INTO agencies (code, name, name_local, short_name, kind, country)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`,
				a.Code, a.Name, a.NameLocal, a.ShortName, a.Kind, a.Country).Scan(&id)
			if err != nil {
				return fmt.Errorf("agency %s: %w", a.Code, err)
			}
			for _, role := range access.RolesFor(a.Kind) {
				if _, err := tx.Exec(ctx, `
					INSERT INTO users (agency_id, email, display_name, password_hash, roles)
					VALUES ($1, $2, $3, $4, $5) ON CONFLICT (email) DO NOTHING`,
					id, Email(role, a.Code), a.People[role], hash, []string{string(role)}); err != nil {
					return fmt.Errorf("user %s: %w", Email(role, a.Code), err)
				}
			}
		}
		return nil
	})
	return err
}

// PrintDemoAccounts lists the demo accounts for the person who started the
// demo, one a line.
func PrintDemoAccounts(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "Demo accounts, all with the password %s:\n", DemoPassword)
	fmt.Fprintf(tw, "  %s\tplatform admin\n", PlatformAdminEmail)
	for _, a := range DemoAgencies {
		for _, r := range access.RolesFor(a.Kind) {
			fmt.Fprintf(tw, "  %s\t%s, %s %s\n", Email(r, a.Code), a.People[r], a.ShortName, a.Country)
		}
	}
	tw.Flush()
}

// DemoActor is the acting user of the account with email, read from the
// database without its password (and so without argon2's cost): what the
// seeding acts as, and what tests act as when sign-in is not their subject.
func DemoActor(ctx context.Context, db *pgxpool.Pool, email string) (access.Actor, error) {
	var id int64
	if err := db.QueryRow(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&id); err != nil {
		return access.Actor{}, fmt.Errorf("%s: %w", email, err)
	}
	acc, err := agencies.NewStore(db).Account(ctx, id)
	if err != nil {
		return access.Actor{}, fmt.Errorf("%s: %w", email, err)
	}
	return acc.Actor(), nil
}
