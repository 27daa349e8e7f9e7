package seed

import (
	"math/rand/v2"
	"strings"

	"github.com/handshake-mekong/handshake/internal/access"
)

// spelling is a name in its own script and its usual romanisation.
type spelling struct{ local, latin string }

func oneOf[T any](r *rand.Rand, list []T) T { return list[r.IntN(len(list))] }

// Thai names. Surnames are made of two parts, as many Thai surnames are,
// so that they repeat about as rarely as real ones.
var (
	thaiFemale = []spelling{{"ปราณี", "Pranee"}, {"มาลี", "Malee"}, {"ศิริพร", "Siriporn"}, {"กันยา", "Kanya"},
		{"จินตนา", "Jintana"}, {"ดวงใจ", "Duangjai"}, {"สุนิสา", "Sunisa"}, {"วราภรณ์", "Waraporn"}, {"อภิญญา", "Apinya"},
		{"อรทัย", "Orathai"}, {"รัตนา", "Ratana"}, {"สุดา", "Suda"}, {"นิตยา", "Nittaya"}, {"พรทิพย์", "Porntip"},
		{"กรรณิการ์", "Kannika"}, {"วนิดา", "Wanida"}, {"ชนิดา", "Chanida"}, {"พิมพ์ชนก", "Pimchanok"}, {"อรุณี", "Arunee"},
		{"ศศิธร", "Sasithorn"}, {"อัจฉรา", "Achara"}, {"บุษบา", "Busaba"}, {"ลำดวน", "Lamduan"}, {"นงนุช", "Nongnuch"}}
	thaiMale = []spelling{{"สมชาย", "Somchai"}, {"สมศักดิ์", "Somsak"}, {"ณัฐพงศ์", "Nattapong"}, {"วิชัย", "Wichai"},
		{"อนันต์", "Anan"}, {"ธนวัฒน์", "Thanawat"}, {"สมบัติ", "Sombat"}, {"กิตติศักดิ์", "Kittisak"}, {"นิรันดร์", "Niran"},
		{"ประสิทธิ์", "Prasit"}, {"ชัยวัฒน์", "Chaiwat"}, {"สุรชัย", "Surachai"}, {"มานพ", "Manop"}, {"พิชิต", "Pichit"},
		{"ศักดา", "Sakda"}, {"วีระศักดิ์", "Weerasak"}, {"อนุชา", "Anucha"}, {"ธีรพงษ์", "Teerapong"}, {"ยุทธนา", "Yuttana"},
		{"พงษ์ศักดิ์", "Pongsak"}, {"ฉัตรชัย", "Chatchai"}, {"เกรียงไกร", "Kriangkrai"}, {"เดชา", "Decha"}, {"บุญมี", "Boonmee"}}
	thaiSurnameHead = []spelling{{"ศรี", "Sri"}, {"วงศ์", "Wong"}, {"ทอง", "Thong"}, {"แก้ว", "Kaew"}, {"บุญ", "Boon"},
		{"ใจ", "Jai"}, {"สุข", "Suk"}, {"ชัย", "Chai"}, {"มั่น", "Man"}, {"พรหม", "Phrom"}, {"เพชร", "Phet"}, {"รัตน", "Rattana"},
		{"จันท", "Chan"}, {"สม", "Som"}, {"ปัญญา", "Panya"}, {"อินทร", "Intha"}, {"คำ", "Kham"}, {"เงิน", "Ngoen"}, {"ดวง", "Duang"}}
	thaiSurnameTail = []spelling{{"สุข", "suk"}, {"สกุล", "sakul"}, {"ดี", "dee"}, {"มณี", "manee"}, {"ชัย", "chai"},
		{"มา", "ma"}, {"วงศ์", "wong"}, {"ทอง", "thong"}, {"ศรี", "sri"}, {"รักษ์", "rak"}, {"พันธ์", "phan"}, {"เจริญ", "charoen"},
		{"สวัสดิ์", "sawat"}, {"ประเสริฐ", "prasert"}, {"คง", "khong"}, {"นาค", "nak"}}
	thaiNicknames = []spelling{{"เล็ก", "Lek"}, {"น้อย", "Noi"}, {"นก", "Nok"}, {"พลอย", "Ploy"}, {"กุ้ง", "Kung"},
		{"จอย", "Joy"}, {"บี", "Bee"}, {"ออม", "Aom"}, {"กอล์ฟ", "Golf"}, {"ต้น", "Ton"}, {"บอย", "Boy"}, {"แดง", "Daeng"}, {"ดำ", "Dam"}}
)

// Khmer names, family name first as Cambodians write them.
var (
	khmerFamily = []spelling{{"សុខ", "Sok"}, {"ចាន់", "Chan"}, {"កែវ", "Keo"}, {"ហេង", "Heng"}, {"លឹម", "Lim"}, {"លី", "Ly"},
		{"ជា", "Chea"}, {"ពេជ្រ", "Pich"}, {"ញឹម", "Nhem"}, {"ម៉ៅ", "Mao"}, {"អ៊ុក", "Ouk"}, {"យឹម", "Yim"}, {"ទូច", "Touch"},
		{"ផាន", "Phan"}, {"ប្រាក់", "Prak"}, {"រស់", "Ros"}, {"គីម", "Kim"}, {"សេង", "Seng"}, {"មាស", "Meas"}, {"នួន", "Nuon"},
		{"ឈឹម", "Chhim"}, {"សំ", "Sam"}, {"ស៊ុន", "Sun"}, {"ឡុង", "Long"}, {"ទេព", "Tep"}, {"វង្ស", "Vong"}, {"ឃុន", "Khun"},
		{"ម៉ុក", "Mok"}, {"ប៉ែន", "Pen"}, {"សោម", "Som"}, {"ហង់", "Hang"}, {"ទ្រី", "Try"}}
	khmerFemale = []spelling{{"ដារា", "Dara"}, {"សុភា", "Sophea"}, {"ស្រីមុំ", "Sreymom"}, {"ចាន់ណារី", "Channary"},
		{"បុប្ផា", "Bopha"}, {"ធីតា", "Thida"}, {"កញ្ញា", "Kanha"}, {"រចនា", "Rachana"}, {"ណារី", "Nary"}, {"ចិន្តា", "Chenda"},
		{"ស្រីល័ក្ខ", "Sreyleak"}, {"ស្រីពៅ", "Sreypov"}, {"ស្រីម៉ៅ", "Sreymao"}, {"ម្លិះ", "Malis"}, {"ភក្ត្រា", "Pheaktra"},
		{"លក្ខិណា", "Leakhena"}, {"មាលា", "Mealea"}, {"ដានី", "Dany"}, {"ចន្ថា", "Chantha"}, {"សុគន្ធា", "Sokunthea"},
		{"ស្រីនាង", "Sreyneang"}, {"កុលាប", "Kolab"}, {"រំដួល", "Romduol"}, {"សុភាព", "Sopheap"}, {"វណ្ណា", "Vanna"}}
	khmerMale = []spelling{{"វណ្ណៈ", "Vannak"}, {"សុខា", "Sokha"}, {"រិទ្ធី", "Rithy"}, {"វិសាល", "Visal"}, {"សុធា", "Sothea"},
		{"សំណាង", "Samnang"}, {"វុទ្ធី", "Vuthy"}, {"សុវណ្ណ", "Sovann"}, {"ពិសិដ្ឋ", "Piseth"}, {"កុសល", "Kosal"},
		{"មករា", "Makara"}, {"វាសនា", "Veasna"}, {"ប៊ុនធឿន", "Bunthoeun"}, {"សុភ័ក្រ", "Sopheak"}, {"រដ្ឋា", "Rotha"},
		{"បូរី", "Borey"}, {"សុផល", "Sophal"}, {"វិចិត្រ", "Vichet"}, {"ចន្ធី", "Chanthy"}, {"គីមហេង", "Kimheng"},
		{"ណារិទ្ធ", "Narith"}, {"រតនៈ", "Ratanak"}, {"សម្បត្តិ", "Sambath"}, {"ធារិទ្ធ", "Thearith"}}
	khmerNicknames = []spelling{{"មុំ", "Mom"}, {"ពៅ", "Pov"}, {"តូច", "Touch"}, {"ធំ", "Thom"}, {"ស្រីអូន", "Srey Oun"},
		{"អាខ្មៅ", "A Khmao"}, {"អាលី", "A Ly"}, {"មីង", "Ming"}}
)

// Names of the neighbours, in Latin script only.
var (
	vietFamily  = []string{"Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Dang", "Bui", "Do", "Ho"}
	vietFemale  = []string{"Thi Lan", "Thi Hoa", "Thi Mai", "Thi Huong", "Thi Thu", "Thi Ngoc", "Thi Hanh"}
	vietMale    = []string{"Van An", "Van Minh", "Van Hung", "Duc Anh", "Quang Huy", "Van Long", "Minh Tuan"}
	burmeseF    = []string{"Aye", "Su", "Khin", "Nwe", "May", "Thandar", "Thu", "Zar", "Myat", "Noe", "Hnin", "Phyu"}
	burmeseM    = []string{"Aung", "Kyaw", "Zaw", "Min", "Htet", "Tun", "Naing", "Oo", "Win", "Thant", "Soe", "Myint"}
	laoGiven    = []string{"Souksavanh", "Phonsavanh", "Khamphou", "Bounmy", "Vilayphone", "Noy", "Somphone", "Chanthala", "Manivanh"}
	laoFamily   = []string{"Phommachanh", "Sisavath", "Vongsa", "Keomany", "Inthavong", "Chanthavong", "Souvannavong", "Phothisane"}
	chineseFam  = []string{"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"}
	chineseGiv  = []string{"Wei", "Lei", "Jie", "Yang", "Min", "Jing", "Fang", "Qiang", "Hao", "Yan", "Jun"}
	westFamily  = []string{"Smith", "Carter", "Miller", "Brown", "Wilson", "Taylor", "Anderson", "Schmidt", "Dubois", "Rossi", "Walker", "Evans"}
	westGiven   = []string{"John", "Michael", "David", "Peter", "Thomas", "Mark", "James", "Robert", "Hans", "Pierre", "Sarah", "Emma", "Laura"}
	suspectTags = []spelling{{"แม่", "Mama"}, {"เสี่ย", "Boss"}, {"ลุง", "Uncle"}, {"เจ๊", "Sister"}}
	khmerTags   = []spelling{{"មីង", "Aunt"}, {"អ៊ំ", "Uncle"}, {"ថៅកែ", "Boss"}, {"មេខ្យល់", "Broker"}}
)

func thaiName(r *rand.Rand, female bool) spelling {
	given := oneOf(r, thaiMale)
	if female {
		given = oneOf(r, thaiFemale)
	}
	head, tail := oneOf(r, thaiSurnameHead), oneOf(r, thaiSurnameTail)
	return spelling{given.local + " " + head.local + tail.local, given.latin + " " + head.latin + tail.latin}
}

func khmerName(r *rand.Rand, female bool) spelling {
	given := oneOf(r, khmerMale)
	if female {
		given = oneOf(r, khmerFemale)
	}
	family := oneOf(r, khmerFamily)
	return spelling{family.local + " " + given.local, family.latin + " " + given.latin}
}

// latinName is a name of one of the neighbouring countries or from
// further away, in the Latin script that records carry them in.
func latinName(r *rand.Rand, nationality string, female bool) string {
	switch nationality {
	case "VN":
		given := vietMale
		if female {
			given = vietFemale
		}
		return oneOf(r, vietFamily) + " " + oneOf(r, given)
	case "MM":
		parts := burmeseM
		if female {
			parts = burmeseF
		}
		n := 2 + r.IntN(2)
		words := make([]string, n)
		for i := range words {
			words[i] = oneOf(r, parts)
		}
		return strings.Join(words, " ")
	case "LA":
		return oneOf(r, laoGiven) + " " + oneOf(r, laoFamily)
	case "CN":
		return oneOf(r, chineseFam) + " " + oneOf(r, chineseGiv)
	}
	return oneOf(r, westGiven) + " " + oneOf(r, westFamily)
}

// personNames gives the names and aliases of a person on a case: Thai and
// Cambodian people in their own script, most also romanised as police
// records and passports write them; others in Latin script. Search must
// find each of them by part of a name in any of these scripts.
func personNames(r *rand.Rand, nationality string, female bool, role access.PersonRole) (names, aliases []string) {
	switch nationality {
	case "TH":
		n := thaiName(r, female)
		names = []string{n.local}
		if r.Float64() < 0.6 {
			names = append(names, n.latin)
		}
		if r.Float64() < 0.3 {
			nick := oneOf(r, thaiNicknames)
			if role == access.Suspect && r.Float64() < 0.5 {
				tag := oneOf(r, suspectTags)
				aliases = append(aliases, tag.local+nick.local, tag.latin+" "+nick.latin)
			} else {
				aliases = append(aliases, nick.local)
			}
		}
	case "KH":
		n := khmerName(r, female)
		names = []string{n.local}
		if r.Float64() < 0.8 {
			names = []string{n.latin, n.local}
		}
		if r.Float64() < 0.25 {
			nick := oneOf(r, khmerNicknames)
			if role == access.Suspect && r.Float64() < 0.5 {
				tag := oneOf(r, khmerTags)
				aliases = append(aliases, tag.local+" "+nick.local, tag.latin+" "+nick.latin)
			} else {
				aliases = append(aliases, nick.local)
			}
		}
	default:
		names = []string{latinName(r, nationality, female)}
		if role == access.Suspect && r.Float64() < 0.3 {
			aliases = append(aliases, oneOf(r, suspectTags).latin+" "+strings.Fields(names[0])[0])
		}
	}
	return names, aliases
}

// staffName is a user's display name, romanised as the demo accounts' are.
func staffName(r *rand.Rand, country string, kind access.Kind) string {
	female := r.IntN(2) == 0
	switch {
	case kind == access.International && r.Float64() < 0.5:
		return latinName(r, "", female)
	case country == "KH":
		return khmerName(r, female).latin
	}
	return thaiName(r, female).latin
}

// staffLanguage: most people work in their own language; international
// staff and some others in English.
func staffLanguage(r *rand.Rand, country string, kind access.Kind) string {
	switch {
	case kind == access.International || r.Float64() < 0.15:
		return "en"
	case country == "KH":
		return "km"
	}
	return "th"
}

var spokenLanguages = map[string]string{"TH": "Thai", "KH": "Khmer", "MM": "Burmese", "LA": "Lao", "VN": "Vietnamese", "CN": "Mandarin"}

// languagesSpoken is the free-text languages field of an identity.
func languagesSpoken(r *rand.Rand, nationality string) string {
	l, ok := spokenLanguages[nationality]
	if !ok {
		return "English"
	}
	if nationality != "TH" && r.Float64() < 0.3 {
		return l + ", Thai"
	}
	return l
}

// documentOf is a document number as a caseworker would type it, or "".
func documentOf(r *rand.Rand, nationality string) string {
	if r.Float64() < 0.75 {
		return ""
	}
	switch {
	case nationality == "TH":
		return "Thai ID " + digits(r, 1) + "-" + digits(r, 4) + "-" + digits(r, 5) + "-" + digits(r, 2) + "-" + digits(r, 1)
	case nationality == "KH" && r.IntN(2) == 0:
		return "Cambodian ID " + digits(r, 9)
	}
	return "Passport " + string(rune('A'+r.IntN(26))) + digits(r, 7)
}

func digits(r *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + r.IntN(10))
	}
	return string(b)
}
