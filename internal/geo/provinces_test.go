package geo_test

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/handshake-mekong/handshake/internal/geo"
)

var codeRE = regexp.MustCompile(`^(TH|KH)-\d+$`)

// inScript reports whether s is non-empty and every letter or mark in it
// belongs to the script (spaces and punctuation are allowed).
func inScript(s string, script *unicode.RangeTable) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if (unicode.IsLetter(r) || unicode.IsMark(r)) && !unicode.Is(script, r) {
			return false
		}
	}
	return true
}

func TestCountsAndCodes(t *testing.T) {
	all := geo.Provinces()
	if len(all) != 102 {
		t.Fatalf("got %d provinces, want 102", len(all))
	}
	if n := len(geo.InCountry("TH")); n != 77 {
		t.Errorf("got %d Thai provinces, want 77", n)
	}
	if n := len(geo.InCountry("KH")); n != 25 {
		t.Errorf("got %d Cambodian provinces, want 25", n)
	}
	if got := geo.InCountry("LA"); got != nil {
		t.Errorf("InCountry(LA) = %v, want nil", got)
	}
	seen := map[string]bool{}
	for _, p := range all {
		m := codeRE.FindStringSubmatch(p.Code)
		if m == nil {
			t.Errorf("%q: code does not match %s", p.Code, codeRE)
			continue
		}
		if m[1] != p.Country {
			t.Errorf("%s: country %q does not match the code", p.Code, p.Country)
		}
		if seen[p.Code] {
			t.Errorf("%s: duplicate code", p.Code)
		}
		seen[p.Code] = true
		if p.NameEN == "" || strings.TrimSpace(p.NameEN) != p.NameEN {
			t.Errorf("%s: bad English name %q", p.Code, p.NameEN)
		}
	}
	// Cambodia's codes are KH-1 … KH-25 without gaps (KH-25 is the hand addition).
	for i := 1; i <= 25; i++ {
		if _, ok := geo.Lookup("KH-" + strconv.Itoa(i)); !ok {
			t.Errorf("KH-%d missing", i)
		}
	}
}

func TestOrder(t *testing.T) {
	all := geo.Provinces()
	less := func(a, b geo.Province) int {
		if a.Country != b.Country {
			if a.Country == "TH" {
				return -1
			}
			return 1
		}
		return strings.Compare(a.NameEN, b.NameEN)
	}
	if !slices.IsSortedFunc(all, less) {
		t.Error("Provinces() is not ordered by country (TH first) then English name")
	}
	all[0].NameEN = "changed"
	if geo.Provinces()[0].NameEN == "changed" {
		t.Error("Provinces() returns the package's own slice")
	}
}

func TestScripts(t *testing.T) {
	for _, p := range geo.Provinces() {
		if !inScript(p.NameTH, unicode.Thai) {
			t.Errorf("%s %s: NameTH %q is not Thai script", p.Code, p.NameEN, p.NameTH)
		}
		switch p.Country {
		case "KH":
			if !inScript(p.NameKM, unicode.Khmer) {
				t.Errorf("%s %s: NameKM %q is not Khmer script", p.Code, p.NameEN, p.NameKM)
			}
		case "TH":
			if p.NameKM != "" && !inScript(p.NameKM, unicode.Khmer) {
				t.Errorf("%s %s: NameKM %q is not Khmer script", p.Code, p.NameEN, p.NameKM)
			}
		}
	}
}

func TestLookup(t *testing.T) {
	for _, tc := range []struct{ code, en, th, km string }{
		{"TH-10", "Bangkok", "กรุงเทพมหานคร", "បាងកក"},
		{"TH-27", "Sa Kaeo", "สระแก้ว", "ស្រះកែវ"},
		{"KH-1", "Banteay Meanchey", "บันทายมีชัย", "បន្ទាយមានជ័យ"},
		{"KH-17", "Siem Reap", "เสียมราฐ", "សៀមរាប"},
		{"KH-18", "Preah Sihanouk", "พระสีหนุ", "ព្រះសីហនុ"},
		{"KH-25", "Tbong Khmum", "ตโบงฆมุม", "ត្បូងឃ្មុំ"},
	} {
		p, ok := geo.Lookup(tc.code)
		if !ok {
			t.Errorf("Lookup(%q) failed", tc.code)
			continue
		}
		if p.Code != tc.code || p.NameEN != tc.en || p.NameTH != tc.th || p.NameKM != tc.km {
			t.Errorf("Lookup(%q) = %+v", tc.code, p)
		}
	}
	for _, code := range []string{"", "TH-99", "KH-26", "kh-1", "KH-01", "LA-1", " TH-10"} {
		if p, ok := geo.Lookup(code); ok {
			t.Errorf("Lookup(%q) = %+v, want not found", code, p)
		}
	}
}

func TestName(t *testing.T) {
	sk, _ := geo.Lookup("TH-27")
	cm, _ := geo.Lookup("TH-50") // Chiang Mai: no Khmer name
	for _, tc := range []struct {
		p          geo.Province
		lang, want string
	}{
		{sk, "en", "Sa Kaeo"},
		{sk, "th", "สระแก้ว"},
		{sk, "km", "ស្រះកែវ"},
		{sk, "", "Sa Kaeo"},
		{sk, "fr", "Sa Kaeo"},
		{cm, "km", "Chiang Mai"},
		{cm, "th", "เชียงใหม่"},
		{geo.Province{NameEN: "X"}, "th", "X"},
	} {
		if got := tc.p.Name(tc.lang); got != tc.want {
			t.Errorf("%s.Name(%q) = %q, want %q", tc.p.Code, tc.lang, got, tc.want)
		}
	}
}
