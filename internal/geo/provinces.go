// Package geo lists the provinces of Thailand and Cambodia, so that records
// can store a province as its ISO 3166-2 code (e.g. "TH-27", "KH-1") and pages
// can show its name in English, Thai or Khmer.
//
// Thailand has 77 entries (76 provinces and Bangkok) and Cambodia 25 (24
// provinces and Phnom Penh). The data, in provinces_data.go, comes from
// shared/data/geo/provinces.geojson (Natural Earth 1:10m) plus the names
// and the province added by hand noted there. The special administrative
// city of Pattaya (ISO TH-S) is not a province and is not listed.
package geo

import (
	"slices"
	"time"
)

// Province is one first-level division of Thailand or Cambodia.
type Province struct {
	Code    string // ISO 3166-2 code, e.g. "TH-27", "KH-1"
	Country string // ISO 3166-1 alpha-2 code: "TH" or "KH"
	NameEN  string // English name; never empty
	NameTH  string // Thai name; never empty
	NameKM  string // Khmer name; empty for most Thai provinces
}

// byCode indexes provinces by code; built once at package initialisation.
var byCode = func() map[string]Province {
	m := make(map[string]Province, len(provinces))
	for _, p := range provinces {
		m[p.Code] = p
	}
	return m
}()

// Provinces returns all provinces, ordered by country (Thailand first, then
// Cambodia) and then by English name. The slice is a copy the caller may
// modify.
func Provinces() []Province {
	return slices.Clone(provinces)
}

// Lookup returns the province with the given ISO 3166-2 code, and whether
// there is one. The code must be exact (upper-case country, e.g. "KH-17").
func Lookup(code string) (Province, bool) {
	p, ok := byCode[code]
	return p, ok
}

// InCountry returns the provinces of a country ("TH" or "KH"), ordered by
// English name; it returns nil for any other country.
func InCountry(country string) []Province {
	var out []Province
	for _, p := range provinces {
		if p.Country == country {
			out = append(out, p)
		}
	}
	return out
}

// Name returns the province's name in lang: "th" for Thai, "km" for Khmer,
// English for anything else. It falls back to the English name when the
// province has no name in that language.
func (p Province) Name(lang string) string {
	var name string
	switch lang {
	case "th":
		name = p.NameTH
	case "km":
		name = p.NameKM
	}
	if name == "" {
		return p.NameEN
	}
	return name
}

// Zone is the time zone of Thailand and Cambodia: UTC+7 all year, no
// daylight saving. Dates a user types are dates in this zone.
var Zone = time.FixedZone("ICT", 7*60*60)

// Today is the calendar date in Zone at now, as midnight UTC, the form in
// which typed dates parse: so "today" compares equal to today's date.
func Today(now time.Time) time.Time {
	y, m, d := now.In(Zone).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}
