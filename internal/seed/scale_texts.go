package seed

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/handshake-mekong/handshake/internal/geo"
)

// What the scale dataset's cases say. Titles and summaries are put
// together from pieces so that a search for a common word finds
// thousands of cases and a rare one a few, as in real use. {p} is the
// province, {n} a number, {x} a nationality.
var (
	titles = map[string][]string{
		"sex_trafficking": {"Girls recruited for karaoke bars in {p}", "{x} women held at a massage parlour in {p}",
			"Escort service advertising minors, {p}", "Women promised restaurant jobs sold to a brothel, {p}",
			"Karaoke venue employing underage girls, {p}"},
		"labour_trafficking": {"{x} fishing crew held in debt bondage, {p}", "Construction workers with confiscated passports, {p}",
			"{n} workers locked in at a fruit plantation, {p}", "Factory workers unpaid for months, {p}",
			"Brick kiln families working off advances, {p}", "Domestic worker kept from leaving the house, {p}"},
		"child_sexual_exploitation": {"Foreign offender grooming children near {p}", "Children abused at a guesthouse in {p}",
			"Boy exploited by a tourist in {p}"},
		"online_child_exploitation": {"Livestreamed abuse paid from abroad, {p}", "Sextortion of teenagers through a chat app, {p}",
			"Abuse material traced to an address in {p}", "Grooming through a gaming platform, {p}"},
		"forced_marriage": {"Bride trafficking to China from {p}", "Girl married off to pay a family debt, {p}",
			"Broker arranging marriages abroad, {p}"},
		"forced_begging": {"Children begging at the market in {p} for an adult handler", "Disabled men forced to beg in {p}"},
		"scam_compound": {"Scam compound workers rescued in {p}", "Customer service job advert leads to a scam compound, {p}",
			"{x} nationals held in a casino compound, {p}", "Workers sold between scam compounds near {p}"},
		"other": {"Informant report on a transit route through {p}", "Missing person possibly trafficked from {p}",
			"Suspicious recruitment agency in {p}", "Intelligence file: transport network via {p}"},
	}
	thaiTitles = map[string]string{
		"sex_trafficking": "หญิงสาวถูกหลอกไปทำงานร้านคาราโอเกะที่{p}", "labour_trafficking": "แรงงานถูกยึดหนังสือเดินทางและบังคับทำงานที่{p}",
		"child_sexual_exploitation": "เด็กถูกแสวงประโยชน์ทางเพศที่{p}", "online_child_exploitation": "การล่อลวงเด็กทางออนไลน์ ผู้เสียหายอยู่ที่{p}",
		"forced_marriage": "นายหน้าจัดหาเจ้าสาวไปต่างประเทศจาก{p}", "forced_begging": "เด็กถูกบังคับขอทานที่ตลาด{p}",
		"scam_compound": "คนไทยถูกหลอกไปทำงานแก๊งคอลเซ็นเตอร์จาก{p}", "other": "รายงานเส้นทางลักลอบขนคนผ่าน{p}",
	}
	khmerTitles = map[string]string{
		"sex_trafficking": "ក្មេងស្រីត្រូវបានជួលឱ្យធ្វើការនៅខារ៉ាអូខេ នៅ{p}", "labour_trafficking": "កម្មករត្រូវបានបង្ខំឱ្យធ្វើការ នៅ{p}",
		"child_sexual_exploitation": "កុមាររងការកេងប្រវ័ញ្ចផ្លូវភេទ នៅ{p}", "online_child_exploitation": "ការបៀតបៀនកុមារតាមអនឡាញ នៅ{p}",
		"forced_marriage": "ការជួញដូរកូនក្រមុំទៅប្រទេសចិន ពី{p}", "forced_begging": "កុមារត្រូវបានបង្ខំឱ្យសុំទាន នៅ{p}",
		"scam_compound": "កម្មករត្រូវបានជួយសង្គ្រោះពីមជ្ឈមណ្ឌលបោកប្រាស់ នៅ{p}", "other": "របាយការណ៍អំពីផ្លូវឆ្លងដែន នៅ{p}",
	}
	nationalityWords = map[string]string{"TH": "Thai", "KH": "Cambodian", "MM": "Myanmar", "LA": "Lao", "VN": "Vietnamese", "CN": "Chinese"}
	summaryOpenings  = []string{"Reported by a hotline call.", "Came to light in a shelter interview.", "Passed on by a partner NGO.",
		"Found by border officials at the checkpoint.", "An informant reported it.", "A family member reported it.",
		"Found during a labour inspection.", "Referred by the embassy."}
	summaryDetails = []string{"The recruiter operates from {p}.", "Passports are held by the employer.",
		"Payments traced to accounts abroad.", "Victims are moved at night by van.", "The broker claims debts of {n},000 baht.",
		"Survivors were interviewed with a social worker present.", "A new transfer is expected within days.",
		"The venue pays local officials, according to the informant.", "Two of the victims are minors.",
		"The suspect crosses the border daily.", "Victims were recruited through social media adverts.",
		"The family received a call from abroad asking for money."}
	thaiSummary  = "ผู้เสียหายแจ้งว่าถูกหลอกไปทำงานที่{p} นายหน้ายึดเอกสารและเรียกเก็บหนี้"
	khmerSummary = "ជនរងគ្រោះបានរាយការណ៍ថាត្រូវបានបោកបញ្ឆោតឱ្យទៅធ្វើការនៅ{p} មេខ្យល់បានរឹបអូសឯកសារ"
)

func fill(r *rand.Rand, s string, p geo.Province, lang, nationality string) string {
	if strings.Contains(s, "{p}") {
		s = strings.ReplaceAll(s, "{p}", p.Name(lang))
	}
	if strings.Contains(s, "{n}") {
		s = strings.ReplaceAll(s, "{n}", fmt.Sprint(3+r.IntN(40)))
	}
	if strings.Contains(s, "{x}") {
		s = strings.ReplaceAll(s, "{x}", nationalityWords[nationality])
	}
	return s
}

// caseText is a case's title and summary. A quarter of each country's
// agencies' cases are written in Thai or Khmer, the rest in English, the
// partners' common language.
func caseText(r *rand.Rand, category string, p geo.Province, ownerCountry, nationality string) (title, summary string) {
	if r.Float64() < 0.25 {
		if ownerCountry == "KH" {
			return fill(r, khmerTitles[category], p, "km", nationality), fill(r, khmerSummary, p, "km", nationality)
		}
		return fill(r, thaiTitles[category], p, "th", nationality), fill(r, thaiSummary, p, "th", nationality)
	}
	title = fill(r, oneOf(r, titles[category]), p, "en", nationality)
	first := r.IntN(len(summaryDetails))
	summary = oneOf(r, summaryOpenings) + " " + fill(r, summaryDetails[first], p, "en", nationality)
	if r.Float64() < 0.4 {
		second := (first + 1 + r.IntN(len(summaryDetails)-1)) % len(summaryDetails)
		summary += " " + fill(r, summaryDetails[second], p, "en", nationality)
	}
	return title, summary
}

// entryBodies are what investigators write on a timeline, by kind.
var entryBodies = map[string][]string{
	"note": {"Survivor interviewed with a social worker present.", "Family contacted in {p}.",
		"Preservation request sent to the platform.", "Mule accounts traced to {p}.", "Informant reports a new transfer expected this week.",
		"Medical check done; follow-up needed.", "Statement taken from the witness.", "Employer refused to hand over the passports.",
		"Interpreter booked for the next interview.", "Bank records requested."},
	"operation":           {"Surveillance of the venue in {p}.", "Raid planned with the provincial police.", "Undercover officer made contact with the recruiter.", "Checkpoint set up on the road to {p}."},
	"rescue":              {"{n} people removed from the premises; all received by the shelter.", "Survivors taken to the one-stop centre in {p}.", "Rescue completed without injuries."},
	"arrest":              {"Suspect arrested in {p} on a warrant.", "Two suspects detained at the checkpoint.", "Broker arrested at the bus station."},
	"court_hearing":       {"Hearing at the {p} Provincial Court.", "Verdict expected next month.", "Survivor testified by video link.", "Bail refused."},
	"after_action_review": {"Need: a second vehicle so survivors and suspects travel apart.", "Interpreter arrived late; book two next time.", "Handover at the border took four hours; agree the paperwork beforehand."},
}

func entryBody(r *rand.Rand, kind string, p geo.Province) string {
	return fill(r, oneOf(r, entryBodies[kind]), p, "en", "")
}

var shareReasons = map[string][]string{
	"referral":        {"Aftercare and shelter for the survivors", "Family tracing", "Repatriation of the survivors"},
	"request":         {"Suspect operates on the other side of the border", "Victims' families live in their area", "Partner asked for the case"},
	"legal_basis":     {"Legal representation of the survivor", "Legal aid for wage claims", "Mutual legal assistance request"},
	"joint_operation": {"Joint operation", "Their team took part in the rescue", "Prosecution of the owner"},
}

var referralMessages = map[string][]string{
	"investigation_assistance": {"Please identify the suspect's address and contacts.", "We ask for the phone records of the number in the file."},
	"arrest":                   {"The suspect is in your area; please arrest on the attached warrant.", "Please detain the broker when he crosses."},
	"rescue":                   {"Victims are held at the address in the file; please act quickly.", "Informant confirms the victims are still there."},
	"aftercare":                {"Please follow up with the survivor and her family.", "The survivor needs counselling in her own language."},
	"shelter_placement":        {"The survivors need a shelter place after repatriation.", "Please receive two minors at your shelter."},
	"repatriation":             {"The survivors are ready to cross on Thursday; please receive them.", "Please arrange travel documents for the survivors."},
	"legal_assistance":         {"The employer still holds her passport; we ask for help to recover it.", "Please represent the survivors in the wage claim."},
}

var declineReasons = []string{"We have no staff free this month.", "Outside our area; the provincial office is better placed.",
	"Not enough information to act on.", "The survivor is already in another programme."}

var noteBodies = map[string][]string{
	"medical":       {"Medical check done; two follow-ups booked.", "Treated for an infection; recovering well.", "Needs a dental appointment."},
	"psychosocial":  {"First counselling session; sleeping badly.", "Group session attended; more open with staff.", "Asks about her younger sister."},
	"legal":         {"Statement prepared for the court.", "Explained her rights as a witness.", "Compensation claim filed."},
	"shelter":       {"Settled in at the shelter.", "Moved to a smaller house nearer her school.", "Wants to leave the shelter soon."},
	"education":     {"Enrolled in the local school.", "Started a literacy class.", "Sitting the grade 9 exam next month."},
	"livelihood":    {"Started a sewing course.", "Interested in hairdressing training.", "Small grant for a market stall approved."},
	"repatriation":  {"Travel documents ready.", "Family assessment done before return.", "Handover at the border arranged."},
	"reintegration": {"Back with her family; visit planned.", "Family asks for help with school fees.", "Doing well at home."},
}

var serviceNotes = []string{"Room 4, with her sister", "Weekly appointments", "Interpreter needed", "Transport arranged by the shelter", "Case conference first"}

// Hotspot names: a kind's usual place and where it is.
var hotspotNames = map[string][]string{
	"border_crossing":     {"Border crossing", "Informal crossing", "Checkpoint", "River crossing"},
	"brick_kiln":          {"Brick kiln", "Kiln cluster"},
	"entertainment_venue": {"Karaoke strip", "Massage parlours", "Night market bars", "Casino hotel"},
	"recruitment_agency":  {"Recruitment agency", "Job broker's office", "Labour agent"},
	"port":                {"Fishing pier", "Port", "Ferry landing"},
	"scam_compound":       {"Compound", "Casino complex", "Apartment block"},
	"transit_route":       {"Van pick-up point", "Bus terminal", "Highway rest stop", "Safe house"},
	"other":               {"Plantation", "Construction site", "Factory", "Guesthouse"},
}

var hotspotNotes = []string{"", "", "Recruiters meet arrivals here.", "Vans leave at night.", "Single informant; not yet corroborated.",
	"Seen in several cases.", "Workers locked in at night.", "Owner pays local officials."}

var contactPositions = map[string][]string{
	"police":        {"Inspector", "Deputy Superintendent", "Lieutenant Colonel", "Investigator", "Liaison officer"},
	"ngo":           {"Social worker", "Programme manager", "Shelter manager", "Lawyer", "Hotline coordinator"},
	"government":    {"Provincial officer", "Labour inspector", "Deputy Director", "Social welfare officer"},
	"international": {"Programme officer", "Protection officer", "Country director"},
	"coordination":  {"Secretariat officer", "Deputy Director", "Liaison officer"},
}
