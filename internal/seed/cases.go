package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/postgres"
)

// demoCase is one case of the demo: written through the cases store as the
// agency's own staff, so every rule and trigger applies as in real use.
type demoCase struct {
	owner    string // agency code
	title    string
	summary  string
	category string
	status   string
	priority string
	province string
	code     access.HandlingCode
	at       string // "lat, lon" where it happened, or ""
	people   []cases.PersonInput
	entries  []cases.EntryInput
	shares   []demoShare
}

type demoShare struct {
	to     string
	level  access.ShareLevel
	basis  string
	reason string
	days   int // the share ends this many days from now; 0 for no end
}

func survivor(names string, age string, consent bool) cases.PersonInput {
	return cases.PersonInput{Role: access.Survivor, Names: names, Sex: "female", AgeEstimate: age, Nationality: "KH", Languages: "Khmer", Consent: consent}
}

func suspect(names, aliases, status string) cases.PersonInput {
	return cases.PersonInput{Role: access.Suspect, Names: names, Aliases: aliases, Sex: "unknown", SuspectStatus: status}
}

func note(body string, code access.HandlingCode) cases.EntryInput {
	return cases.EntryInput{Kind: "note", Body: body, HandlingCode: code}
}

func entry(kind, body string, code access.HandlingCode) cases.EntryInput {
	return cases.EntryInput{Kind: kind, Body: body, HandlingCode: code}
}

const (
	p  = access.Partners
	le = access.LawEnforcement
	og = access.Originator
)

// demoCases: about five per operational agency. Each rule of DESIGN §3 can
// be seen on them: shares to read and to contribute, an expired share, a
// law_enforcement case shared with an NGO (which therefore cannot see it),
// originator cases, law_enforcement entries, survivors with and without
// consent.
var demoCases = []demoCase{
	{owner: "th-ppr2", title: "Girls recruited for karaoke bars in Aranyaprathet", at: "13.6930, 102.5070", summary: "Two girls from Banteay Meanchey brought across at Ban Khlong Luek by a recruiter known as Mama Lek. Held in a karaoke bar near the market.",
		category: "sex_trafficking", status: "investigating", priority: "high", province: "TH-27", code: p,
		people:  []cases.PersonInput{survivor("Srey Mom\nស្រីមុំ", "16", false), survivor("Channary Keo\nចាន់ណារី កែវ", "17", true), suspect("ลำดวน ศรีสุข", "Mama Lek\nแม่เล็ก", "wanted")},
		entries: []cases.EntryInput{note("Survivors interviewed at the CWFPC with an AIM social worker present.", p), entry("operation", "Informant inside the bar reports a new transfer expected on Friday night.", le)},
		shares:  []demoShare{{to: "aim", level: access.Read, basis: "referral", reason: "Aftercare and shelter for both survivors"}, {to: "kh-ahtjp", level: access.Contribute, basis: "request", reason: "Recruiter operates from Poipet"}}},
	{owner: "th-ppr2", title: "Fishing boat crew held in debt bondage, Chonburi", summary: "Cambodian men report withheld pay and confiscated passports on a trawler based at Si Racha.",
		category: "labour_trafficking", status: "operation_planned", priority: "urgent", province: "TH-20", code: le,
		people:  []cases.PersonInput{{Role: access.Survivor, Names: "Sokha Chea\nសុខា ជា", Sex: "male", AgeEstimate: "24", Nationality: "KH"}, suspect("สมศักดิ์ ทองดี", "Captain Tong", "wanted")},
		entries: []cases.EntryInput{entry("operation", "Boarding planned with the Marine Police for the next return to port.", le)},
		shares:  []demoShare{{to: "kh-ahtjp", level: access.Read, basis: "joint_operation", reason: "Repatriation of crew after the operation"}, {to: "our", level: access.Read, basis: "request", reason: "NGO asked for the case; law enforcement only, so they cannot see it"}}},
	{owner: "th-ppr2", title: "Brick kiln families in Sa Kaeo", summary: "Families from Battambang working off advances at a kiln outside Watthana Nakhon.",
		category: "labour_trafficking", status: "rescued", priority: "normal", province: "TH-27", code: p,
		people:  []cases.PersonInput{survivor("Dara Sok\nដារា សុខ", "34", true), {Role: access.Witness, Names: "ประยูร แก้วมา", Sex: "male"}},
		entries: []cases.EntryInput{entry("rescue", "Eleven adults and six children removed from the kiln; all received by the provincial shelter.", p)},
		shares:  []demoShare{{to: "clec", level: access.Read, basis: "legal_basis", reason: "Legal aid for wage claims"}}},
	{owner: "th-ppr2", title: "Informant report on a transit route via Khlong Hat", category: "other", status: "open", priority: "low", province: "TH-27", code: og,
		summary: "Unverified: vans crossing at night with young women. Kept to our unit until confirmed.",
		entries: []cases.EntryInput{note("Source grade C3. Watch for two weeks.", og)}},
	{owner: "th-ppr2", title: "Forced begging children at Rong Kluea market", category: "forced_begging", status: "closed", priority: "normal", province: "TH-27", code: p,
		summary: "Three children begging for an adult who takes the money each evening.",
		people:  []cases.PersonInput{survivor("Visal\nវិសាល", "9", true), suspect("Unknown woman", "", "arrested")},
		shares:  []demoShare{{to: "aim", level: access.Read, basis: "referral", reason: "Family tracing", days: 30}}},

	{owner: "th-ticac", title: "Livestreamed abuse paid from abroad", summary: "Payments traced to accounts in Europe; victims in a house in Pattaya.",
		category: "online_child_exploitation", status: "prosecution", priority: "urgent", province: "TH-20", code: le,
		people:  []cases.PersonInput{survivor("เด็กหญิง ก.", "11", false), suspect("John Carter", "jc_travel", "charged")},
		entries: []cases.EntryInput{entry("arrest", "Suspect arrested at Suvarnabhumi on an ICAC warrant.", le), entry("court_hearing", "First hearing at the Pattaya Provincial Court.", p)},
		shares:  []demoShare{{to: "th-ppr2", level: access.Read, basis: "request", reason: "Victim support coordination"}}},
	{owner: "th-ticac", title: "Grooming through a gaming chat app", category: "online_child_exploitation", status: "investigating", priority: "high", province: "TH-10", code: p,
		summary: "Several boys contacted by the same account offering game credits.",
		people:  []cases.PersonInput{{Role: access.Survivor, Names: "ด.ช. ข.", Sex: "male", AgeEstimate: "13", Nationality: "TH"}},
		entries: []cases.EntryInput{note("Preservation request sent to the platform.", p)}},
	{owner: "th-ticac", title: "Child abuse material found on a seized phone", category: "online_child_exploitation", status: "open", priority: "normal", province: "TH-50", code: og,
		summary: "Forensic review pending."},
	{owner: "th-ticac", title: "Sextortion of teenagers in Chiang Mai", category: "online_child_exploitation", status: "investigating", priority: "high", province: "TH-50", code: p,
		summary: "Threats to publish images unless paid; money mules in Cambodia.",
		entries: []cases.EntryInput{note("Mule accounts traced to Phnom Penh.", p)},
		shares:  []demoShare{{to: "kh-ahtjp", level: access.Contribute, basis: "request", reason: "Mule accounts in Phnom Penh"}}},
	{owner: "th-ticac", title: "Undercover operation: travelling offender", category: "child_sexual_exploitation", status: "operation_planned", priority: "urgent", province: "TH-20", code: le,
		summary: "Offender announced travel to Pattaya in a closed forum.",
		entries: []cases.EntryInput{entry("operation", "Undercover account engaged; meeting proposed for next week.", le)}},

	{owner: "kh-ahtjp", title: "Scam compound in Sihanoukville: rescued workers", summary: "Thai and Cambodian workers held in a compound and forced to run online scams.",
		category: "scam_compound", status: "rescued", priority: "urgent", province: "KH-18", code: p,
		people:  []cases.PersonInput{{Role: access.Survivor, Names: "สมชาย ใจดี", Sex: "male", AgeEstimate: "29", Nationality: "TH", Consent: true}, survivor("Sreypov Ly\nស្រីពៅ លី", "22", false), suspect("Wang Lei", "Boss Wang", "wanted")},
		entries: []cases.EntryInput{entry("rescue", "43 workers removed; 12 Thai nationals to be repatriated via Poipet.", p), entry("after_action_review", "Need: a second vehicle so survivors and suspects travel apart.", p)},
		shares:  []demoShare{{to: "th-ppr2", level: access.Contribute, basis: "joint_operation", reason: "Repatriation of Thai nationals"}, {to: "aim", level: access.Read, basis: "referral", reason: "Aftercare for Cambodian survivors"}}},
	{owner: "kh-ahtjp", title: "Bride trafficking to China from Kampong Cham", category: "forced_marriage", status: "investigating", priority: "high", province: "KH-3", code: p,
		summary: "Broker promised factory work; women sold as brides.",
		people:  []cases.PersonInput{survivor("Sophea Nhem\nសុភា ញឹម", "19", true), suspect("ចាន់ ធី", "Broker Thy", "wanted")},
		entries: []cases.EntryInput{note("Family of the survivor received a call from Henan province.", p)},
		shares:  []demoShare{{to: "clec", level: access.Read, basis: "legal_basis", reason: "Legal representation of the survivor"}}},
	{owner: "kh-ahtjp", title: "Recruitment agency in Poipet sending workers without papers", category: "labour_trafficking", status: "open", priority: "normal", province: "KH-1", code: le,
		summary: "Agency charges fees and hands workers to Thai brokers at the border.",
		people:  []cases.PersonInput{suspect("លី ម៉េង", "", "wanted")},
		entries: []cases.EntryInput{entry("operation", "Surveillance of the agency's office on National Road 5.", le)},
		shares:  []demoShare{{to: "th-ppr2", level: access.Read, basis: "request", reason: "Thai brokers on the other side"}}},
	{owner: "kh-ahtjp", title: "Karaoke venue in Siem Reap", category: "sex_trafficking", status: "prosecution", priority: "high", province: "KH-17", code: p,
		summary: "Minors found working at a venue near Pub Street.",
		people:  []cases.PersonInput{survivor("Bopha\nបុប្ផា", "15", false), suspect("ហេង សុវណ្ណ", "", "charged")},
		entries: []cases.EntryInput{entry("court_hearing", "Trial set at the Siem Reap Provincial Court.", p)},
		shares:  []demoShare{{to: "aim", level: access.Contribute, basis: "joint_operation", reason: "AIM rescue team took part"}}},
	{owner: "kh-ahtjp", title: "Intelligence file: cross-border transport network", category: "other", status: "open", priority: "normal", province: "KH-22", code: og,
		summary: "Network moving people through Anlong Veng.",
		entries: []cases.EntryInput{note("Do not share before the joint meeting.", og)}},

	{owner: "aim", title: "Rescue with AHTJP: massage parlour in Phnom Penh", summary: "AIM rescue team with seconded officers removed four girls.",
		category: "sex_trafficking", status: "rescued", priority: "high", province: "KH-12", code: p,
		people:  []cases.PersonInput{survivor("Kanha\nកញ្ញា", "16", true), survivor("Rachana\nរចនា", "14", false)},
		entries: []cases.EntryInput{entry("rescue", "Four girls received at the AIM aftercare centre.", p), note("Medical checks done; two need follow-up.", p)},
		shares:  []demoShare{{to: "kh-ahtjp", level: access.Contribute, basis: "joint_operation", reason: "Prosecution of the owner"}}},
	{owner: "aim", title: "Girl returned from Thailand via Poipet", at: "13.6590, 102.5630", category: "sex_trafficking", status: "open", priority: "normal", province: "KH-1", code: p,
		summary: "Received at the border from the Thai shelter.",
		people:  []cases.PersonInput{survivor("Thida\nធីតា", "17", true)},
		shares:  []demoShare{{to: "th-ppr2", level: access.Read, basis: "referral", reason: "Case began in Sa Kaeo"}}},
	{owner: "aim", title: "Online grooming of a girl in Kandal", category: "online_child_exploitation", status: "investigating", priority: "high", province: "KH-8", code: p,
		summary: "Offender abroad; screenshots kept.",
		people:  []cases.PersonInput{survivor("Nary\nណារី", "12", false)},
		shares:  []demoShare{{to: "th-ticac", level: access.Read, basis: "request", reason: "Offender's accounts registered in Thailand"}}},
	{owner: "aim", title: "Reintegration: three survivors back to Prey Veng", category: "sex_trafficking", status: "closed", priority: "low", province: "KH-14", code: p,
		summary: "Families assessed; school places found.",
		people:  []cases.PersonInput{survivor("Srey Leak\nស្រីល័ក្ខ", "18", true)}},
	{owner: "aim", title: "Tip from a tuk-tuk driver", category: "other", status: "open", priority: "low", province: "KH-12", code: og, summary: "Unconfirmed."},

	{owner: "our", title: "Cambodian workers at a fruit plantation in Chanthaburi", summary: "Workers locked in at night; passports held by the supervisor.",
		category: "labour_trafficking", status: "investigating", priority: "high", province: "TH-22", code: p,
		people: []cases.PersonInput{{Role: access.Survivor, Names: "Rithy Chan\nរិទ្ធី ចាន់", Sex: "male", AgeEstimate: "31", Nationality: "KH"}, suspect("วิชัย มั่นคง", "", "wanted")},
		shares: []demoShare{{to: "th-ppr2", level: access.Contribute, basis: "referral", reason: "Police action needed"}}},
	{owner: "our", title: "Support to Thai police training on undercover work", category: "other", status: "closed", priority: "low", province: "TH-10", code: p, summary: "Case file for the training's practical exercise."},
	{owner: "our", title: "Missing girl from Trat possibly taken to Koh Kong", category: "sex_trafficking", status: "open", priority: "urgent", province: "TH-23", code: p,
		summary: "Last seen at the Hat Lek crossing.",
		people:  []cases.PersonInput{{Role: access.Survivor, Names: "ด.ญ. ค.", Sex: "female", AgeEstimate: "15", Nationality: "TH"}},
		shares:  []demoShare{{to: "kh-ahtjp", level: access.Read, basis: "request", reason: "Search in Koh Kong"}}},
	{owner: "our", title: "Survivor shelter placement in Bangkok", category: "sex_trafficking", status: "rescued", priority: "normal", province: "TH-10", code: p, summary: "Placement arranged for two survivors."},
	{owner: "our", title: "Scam compound recruits from Isan", category: "scam_compound", status: "open", priority: "high", province: "TH-34", code: p,
		summary: "Job adverts on social media for 'customer service' in Cambodia.",
		shares:  []demoShare{{to: "kh-ahtjp", level: access.Read, basis: "request", reason: "Compound location in Cambodia"}}},

	{owner: "clec", title: "Wage claim of returned fishermen", summary: "Legal claim for unpaid wages after rescue from a Thai trawler.",
		category: "labour_trafficking", status: "prosecution", priority: "normal", province: "KH-2", code: p,
		people:  []cases.PersonInput{{Role: access.Survivor, Names: "Vannak Pich\nវណ្ណៈ ពេជ្រ", Sex: "male", AgeEstimate: "27", Nationality: "KH", Consent: true}},
		entries: []cases.EntryInput{entry("court_hearing", "Claim filed with the labour court.", p)}},
	{owner: "clec", title: "Legal aid: forced marriage survivor seeking divorce", category: "forced_marriage", status: "investigating", priority: "normal", province: "KH-3", code: og, summary: "Client file."},
	{owner: "clec", title: "Migrant workers cheated by a Battambang broker", category: "labour_trafficking", status: "open", priority: "normal", province: "KH-2", code: p,
		summary: "Twelve workers paid fees for jobs that did not exist.",
		shares:  []demoShare{{to: "kh-ahtjp", level: access.Read, basis: "referral", reason: "Criminal complaint against the broker"}}},
	{owner: "clec", title: "Domestic worker trafficked to Bangkok", category: "labour_trafficking", status: "open", priority: "high", province: "KH-15", code: p,
		summary: "Employer keeps her passport.",
		people:  []cases.PersonInput{survivor("Sreymao\nស្រីម៉ៅ", "20", true)},
		shares:  []demoShare{{to: "th-ppr2", level: access.Read, basis: "request", reason: "Employer in Bangkok"}}},
	{owner: "clec", title: "Training file: court procedure for survivors", category: "other", status: "closed", priority: "low", province: "KH-12", code: p, summary: "Materials for the joint training."},
}

// demoCasesIn adds the demo cases, unless the demo agencies already own
// cases: then it changes nothing.
func demoCasesIn(ctx context.Context, db *pgxpool.Pool) error {
	store := cases.NewStore(db)
	staff := map[string]access.Actor{} // "role@code" → actor
	actor := func(role access.Role, code string) (access.Actor, error) {
		key := Email(role, code)
		if a, ok := staff[key]; ok {
			return a, nil
		}
		a, err := DemoActor(ctx, db, key)
		staff[key] = a
		return a, err
	}
	agencyIDs := map[string]int32{}
	var code string
	var id int32
	rows, _ := db.Query(ctx, `SELECT code, id FROM agencies`)
	if _, err := pgx.ForEachRow(rows, []any{&code, &id}, func() error {
		agencyIDs[code] = id
		return nil
	}); err != nil {
		return err
	}

	// Decided per agency before adding any: an agency that owns a case
	// already keeps what it has.
	skip := map[string]bool{}
	for _, dc := range demoCases {
		if _, decided := skip[dc.owner]; decided {
			continue
		}
		inv, err := actor(access.Investigator, dc.owner)
		if err != nil {
			return err
		}
		err = postgres.AsActor(ctx, db, inv, func(tx pgx.Tx) error {
			var owns bool
			err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT FROM cases WHERE owner_agency_id = app_agency())`).Scan(&owns)
			skip[dc.owner] = owns
			return err
		})
		if err != nil {
			return err
		}
	}
	for _, dc := range demoCases {
		if skip[dc.owner] {
			continue
		}
		inv, err := actor(access.Investigator, dc.owner)
		if err != nil {
			return err
		}
		if err := addDemoCase(ctx, store, dc, inv, actor, agencyIDs); err != nil {
			return fmt.Errorf("demo case %q: %w", dc.title, err)
		}
	}
	// The referrals between the demo cases' agencies come with the cases,
	// the first time only.
	for _, owns := range skip {
		if owns {
			return nil
		}
	}
	if err := demoReferralsIn(ctx, db, actor, agencyIDs); err != nil {
		return err
	}
	if err := demoContactsIn(ctx, db, actor); err != nil {
		return err
	}
	return demoHotspotsIn(ctx, db, actor)
}

func addDemoCase(ctx context.Context, store *cases.Store, dc demoCase, inv access.Actor,
	actor func(access.Role, string) (access.Actor, error), agencyIDs map[string]int32) error {
	country := "TH"
	if dc.province[:2] == "KH" {
		country = "KH"
	}
	id, _, err := store.Create(ctx, inv, cases.CaseInput{Title: dc.title, Summary: dc.summary, Category: dc.category,
		Priority: dc.priority, Country: country, Province: dc.province, HandlingCode: dc.code, Latitude: dc.at})
	if err != nil {
		return err
	}
	for _, person := range dc.people {
		if _, err := store.AddPerson(ctx, inv, id, person); err != nil {
			return err
		}
	}
	for _, e := range dc.entries {
		if err := store.AddEntry(ctx, inv, id, e, time.UTC); err != nil {
			return err
		}
	}
	if dc.status != "open" {
		c, err := store.Get(ctx, inv, id)
		if err != nil {
			return err
		}
		in := cases.CaseInput{Title: c.Title, Summary: c.Summary, Category: c.Category, Status: dc.status, Priority: c.Priority,
			Country: c.Country, Province: c.Province, HandlingCode: c.HandlingCode, OpenedOn: c.OpenedOn.Format(time.DateOnly), Version: c.Version}
		if _, err := store.Update(ctx, inv, id, in); err != nil {
			return err
		}
	}
	coord, err := actor(access.Coordinator, dc.owner)
	if err != nil {
		return err
	}
	for _, sh := range dc.shares {
		in := cases.ShareInput{AgencyID: agencyIDs[sh.to], Level: sh.level, Basis: sh.basis, Reason: sh.reason}
		if sh.days > 0 {
			in.ExpiresOn = time.Now().AddDate(0, 0, sh.days).Format(time.DateOnly)
		}
		if err := store.ShareCase(ctx, coord, id, in); err != nil {
			return fmt.Errorf("share with %s: %w", sh.to, err)
		}
	}
	return nil
}
