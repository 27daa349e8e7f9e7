package seed

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/handshake-mekong/handshake/internal/access"
)

// scaleAgency is an agency of the scale dataset, demo or synthetic, with
// the staff the generator picks authors from.
type scaleAgency struct {
	id      int32
	code    string
	short   string
	kind    access.Kind
	country string
	home    string  // the province it works in, "" for a national body
	demo    bool    // a demo agency: the load generator signs in as its people
	owns    float64 // its weight among case owners
	staff   map[access.Role][]int64
	work    []int64 // investigators and coordinators
}

// workers are the agency's investigators and coordinators: who open,
// edit and refer its cases.
func (a *scaleAgency) workers() []int64 { return a.work }

// anyOf picks one of the agency's people holding the first of roles that it
// has; 0 when it has none of them.
func (a *scaleAgency) anyOf(r *rand.Rand, roles ...access.Role) int64 {
	for _, role := range roles {
		if ids := a.staff[role]; len(ids) > 0 {
			return ids[r.IntN(len(ids))]
		}
	}
	return 0
}

// admits mirrors compute_visible_to and access.Actor.admits: whether a
// case under code, owned by someone else, may reach agency a.
func (a *scaleAgency) admits(code access.HandlingCode) bool {
	return code == access.Partners || (code == access.LawEnforcement && (a.kind == access.Police || a.kind == access.Government))
}

// hasCaseworkers: police and coordinating bodies keep no aftercare files
// (access.RolesFor).
func (a *scaleAgency) hasCaseworkers() bool { return len(a.staff[access.Caseworker]) > 0 }

// syntheticAgency is an agency the scale dataset adds beside the demo ones.
type syntheticAgency struct {
	code, name, nameLocal, short string
	kind                         access.Kind
	country, home                string
}

// syntheticAgencies: 34 agencies that, with the 7 demo ones, make 41 on
// both sides of the border, every kind represented. Provincial units work
// in their home province; the rest are national. The names are made up.
var syntheticAgencies = []syntheticAgency{
	{"th-sakaeo-police", "Royal Thai Police, Sa Kaeo Provincial Police", "ตำรวจภูธรจังหวัดสระแก้ว", "SKW-POL", access.Police, "TH", "TH-27"},
	{"th-chanthaburi-police", "Royal Thai Police, Chanthaburi Provincial Police", "ตำรวจภูธรจังหวัดจันทบุรี", "CTI-POL", access.Police, "TH", "TH-22"},
	{"th-trat-police", "Royal Thai Police, Trat Provincial Police", "ตำรวจภูธรจังหวัดตราด", "TRT-POL", access.Police, "TH", "TH-23"},
	{"th-surin-police", "Royal Thai Police, Surin Provincial Police", "ตำรวจภูธรจังหวัดสุรินทร์", "SRN-POL", access.Police, "TH", "TH-32"},
	{"th-chonburi-police", "Royal Thai Police, Chon Buri Provincial Police", "ตำรวจภูธรจังหวัดชลบุรี", "CBI-POL", access.Police, "TH", "TH-20"},
	{"th-atpd", "Royal Thai Police, Anti-Trafficking in Persons Division", "กองบังคับการปราบปรามการค้ามนุษย์", "ATPD", access.Police, "TH", ""},
	{"kh-bmc-police", "Banteay Meanchey Provincial Police, Anti-Human Trafficking Office", "ស្នងការដ្ឋាននគរបាលខេត្តបន្ទាយមានជ័យ", "BMC-POL", access.Police, "KH", "KH-1"},
	{"kh-battambang-police", "Battambang Provincial Police, Anti-Human Trafficking Office", "ស្នងការដ្ឋាននគរបាលខេត្តបាត់ដំបង", "BTB-POL", access.Police, "KH", "KH-2"},
	{"kh-phnompenh-police", "Phnom Penh Municipal Police, Anti-Human Trafficking Office", "ស្នងការដ្ឋាននគរបាលរាជធានីភ្នំពេញ", "PNH-POL", access.Police, "KH", "KH-12"},
	{"kh-sihanouk-police", "Preah Sihanouk Provincial Police", "ស្នងការដ្ឋាននគរបាលខេត្តព្រះសីហនុ", "SHV-POL", access.Police, "KH", "KH-18"},
	{"kh-kohkong-police", "Koh Kong Provincial Police", "ស្នងការដ្ឋាននគរបាលខេត្តកោះកុង", "KKG-POL", access.Police, "KH", "KH-9"},
	{"th-ebcp", "Eastern Border Child Protection Foundation", "มูลนิธิคุ้มครองเด็กชายแดนตะวันออก", "EBCP", access.NGO, "TH", "TH-27"},
	{"th-mwrn", "Migrant Workers' Rights Network", "เครือข่ายสิทธิแรงงานข้ามชาติ", "MWRN", access.NGO, "TH", "TH-74"},
	{"th-safehome", "Safe Home Shelter Foundation", "มูลนิธิบ้านพักปลอดภัย", "SAFEHOME", access.NGO, "TH", "TH-10"},
	{"th-isan-atp", "Isan Anti-Trafficking Project", "โครงการต่อต้านการค้ามนุษย์ภาคอีสาน", "IATP", access.NGO, "TH", "TH-34"},
	{"th-lacm", "Legal Aid Centre for Migrants", "ศูนย์ช่วยเหลือทางกฎหมายแรงงานข้ามชาติ", "LACM", access.NGO, "TH", "TH-10"},
	{"kh-ptc", "Poipet Transit Centre", "មជ្ឈមណ្ឌលស្នាក់នៅបណ្តោះអាសន្នប៉ោយប៉ែត", "PTC", access.NGO, "KH", "KH-1"},
	{"kh-bcs", "Battambang Children's Shelter", "មណ្ឌលកុមារបាត់ដំបង", "BCS", access.NGO, "KH", "KH-2"},
	{"kh-cwrn", "Cambodian Women's Recovery Network", "បណ្តាញស្តារនីតិសម្បទាស្ត្រីកម្ពុជា", "CWRN", access.NGO, "KH", "KH-12"},
	{"kh-srco", "Siem Reap Community Outreach", "អង្គការផ្សព្វផ្សាយសហគមន៍សៀមរាប", "SRCO", access.NGO, "KH", "KH-17"},
	{"kh-cfrp", "Coastal Fishers' Rights Project", "គម្រោងសិទ្ធិអ្នកនេសាទតាមឆ្នេរ", "CFRP", access.NGO, "KH", "KH-9"},
	{"kh-lss", "Legal Support for Survivors", "ជំនួយផ្លូវច្បាប់សម្រាប់ជនរងគ្រោះ", "LSS", access.NGO, "KH", "KH-12"},
	{"th-sakaeo-psdhs", "Sa Kaeo Provincial Office of Social Development and Human Security", "สำนักงานพัฒนาสังคมและความมั่นคงของมนุษย์จังหวัดสระแก้ว", "SKW-PSDHS", access.Government, "TH", "TH-27"},
	{"th-dsi", "Department of Special Investigation, Human Trafficking Division", "กรมสอบสวนคดีพิเศษ กองคดีการค้ามนุษย์", "DSI-HT", access.Government, "TH", ""},
	{"th-chanthaburi-lpo", "Chanthaburi Provincial Labour Protection Office", "สำนักงานสวัสดิการและคุ้มครองแรงงานจังหวัดจันทบุรี", "CTI-LPO", access.Government, "TH", "TH-22"},
	{"kh-bmc-dosvy", "Banteay Meanchey Provincial Department of Social Affairs", "មន្ទីរសង្គមកិច្ចខេត្តបន្ទាយមានជ័យ", "BMC-DOSVY", access.Government, "KH", "KH-1"},
	{"kh-mosvy", "Ministry of Social Affairs, Veterans and Youth Rehabilitation", "ក្រសួងសង្គមកិច្ច អតីតយុទ្ធជន និងយុវនីតិសម្បទា", "MOSVY", access.Government, "KH", ""},
	{"kh-mlvt", "Ministry of Labour and Vocational Training, Migrant Workers Department", "ក្រសួងការងារ និងបណ្តុះបណ្តាលវិជ្ជាជីវៈ", "MLVT", access.Government, "KH", ""},
	{"th-mmp", "Mekong Migration Partnership, Bangkok office", "", "MMP-BKK", access.International, "TH", "TH-10"},
	{"th-rcpf", "Regional Child Protection Fund, Thailand", "", "RCPF-TH", access.International, "TH", "TH-10"},
	{"kh-mmp", "Mekong Migration Partnership, Phnom Penh office", "", "MMP-PNH", access.International, "KH", "KH-12"},
	{"kh-rcpf", "Regional Child Protection Fund, Cambodia", "", "RCPF-KH", access.International, "KH", "KH-12"},
	{"th-atpc", "Anti-Trafficking in Persons Committee, Secretariat", "สำนักงานเลขานุการคณะกรรมการป้องกันและปราบปรามการค้ามนุษย์", "ATPC", access.Coordination, "TH", ""},
	{"kh-ncct", "National Committee for Counter Trafficking, Secretariat", "លេខាធិការដ្ឋានគណៈកម្មាធិការជាតិប្រយុទ្ធប្រឆាំងការជួញដូរមនុស្ស", "NCCT", access.Coordination, "KH", ""},
}

// staffPerRole is how many people each agency has in a role its kind
// allows: enough that leads, authors and assignees vary.
var staffPerRole = map[access.Role]int{
	access.Investigator: 3, access.Caseworker: 3, access.Coordinator: 2, access.AgencyAdmin: 1, access.Analyst: 1,
}

// demoHomes: where the demo agencies work, so that their cases cluster
// where their people would expect them.
var demoHomes = map[string]string{"th-ppr2": "TH-27", "kh-ahtjp": "", "th-ticac": "", "aim": "KH-12", "our": "TH-10", "clec": "KH-2"}

// ownerWeight is an agency's weight among case owners. Each demo agency
// that works cases owns about 6% of them, so the demo accounts, which the
// load generator signs in as, see tens of thousands of cases at a million;
// police and NGOs own most of the rest. Coordinating bodies run no
// investigations (access.RolesFor), so they own none.
func ownerWeight(kind access.Kind, demo bool) float64 {
	if demo && kind != access.Coordination {
		return 5.9
	}
	return map[access.Kind]float64{access.Police: 3, access.NGO: 2, access.Government: 1, access.International: 0.5}[kind]
}

// buildWorld adds the synthetic agencies and everybody's extra staff, all
// with the demo password's hash, and returns the agencies of the dataset
// in a fixed order. What exists already is kept, so ids, and with them the
// data, depend only on the seed.
func buildWorld(ctx context.Context, tx pgx.Tx, r *rand.Rand) ([]*scaleAgency, error) {
	var hash string
	if err := tx.QueryRow(ctx, `SELECT password_hash FROM users WHERE email = $1`,
		Email(access.Investigator, DemoAgencies[0].Code)).Scan(&hash); err != nil {
		return nil, fmt.Errorf("the demo accounts' password hash: %w", err)
	}
	type row struct {
		code    string
		kind    access.Kind
		country string
		home    string
		demo    bool
	}
	var all []row
	for _, a := range DemoAgencies {
		all = append(all, row{a.Code, a.Kind, a.Country, demoHomes[a.Code], true})
	}
	for _, a := range syntheticAgencies {
		if _, err := tx.Exec(ctx, `
			INSERT INTO agencies (code, name, name_local, short_name, kind, country) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (code) DO NOTHING`, a.code, a.name, a.nameLocal, a.short, a.kind, a.country); err != nil {
			return nil, fmt.Errorf("agency %s: %w", a.code, err)
		}
		all = append(all, row{a.code, a.kind, a.country, a.home, false})
	}

	var emails, names, langs, roles []string
	var codes []string
	for _, a := range all {
		for _, role := range access.RolesFor(a.kind) {
			// The demo agencies have their one account per role already.
			first := 1
			if a.demo {
				first = 2
			}
			for n := first; n <= staffPerRole[role]; n++ {
				email := Email(role, a.code)
				if n > 1 {
					email = fmt.Sprintf("%s%d@%s.example", role, n, a.code)
				}
				emails = append(emails, email)
				names = append(names, staffName(r, a.country, a.kind))
				langs = append(langs, staffLanguage(r, a.country, a.kind))
				roles = append(roles, string(role))
				codes = append(codes, a.code)
			}
		}
	}
	if _, err := tx.Exec(ctx, `
		INSERT INTO users (agency_id, email, display_name, language, password_hash, roles)
		SELECT a.id, u.email, u.name, u.lang, $5, ARRAY[u.role]
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $6::text[]) WITH ORDINALITY AS u (email, name, lang, role, code, n)
		JOIN agencies a ON a.code = u.code
		ORDER BY u.n
		ON CONFLICT (email) DO NOTHING`, emails, names, langs, roles, hash, codes); err != nil {
		return nil, fmt.Errorf("users: %w", err)
	}

	world := make([]*scaleAgency, len(all))
	byCode := map[string]*scaleAgency{}
	for i, a := range all {
		world[i] = &scaleAgency{code: a.code, kind: a.kind, country: a.country, home: a.home, demo: a.demo,
			owns: ownerWeight(a.kind, a.demo), staff: map[access.Role][]int64{}}
		byCode[a.code] = world[i]
	}
	rows, _ := tx.Query(ctx, `
		SELECT a.code, a.id, a.short_name, u.id, u.roles FROM users u JOIN agencies a ON a.id = u.agency_id
		WHERE a.code = ANY ($1) AND u.active AND NOT u.is_platform_admin ORDER BY u.id`, slices.Collect(maps.Keys(byCode)))
	var code, short string
	var agencyID int32
	var userID int64
	var userRoles []string
	_, err := pgx.ForEachRow(rows, []any{&code, &agencyID, &short, &userID, &userRoles}, func() error {
		a := byCode[code]
		a.id, a.short = agencyID, short
		for _, role := range userRoles {
			a.staff[access.Role(role)] = append(a.staff[access.Role(role)], userID)
		}
		return nil
	})
	for _, a := range world {
		a.work = append(slices.Clip(a.staff[access.Investigator]), a.staff[access.Coordinator]...)
	}
	return world, err
}
