package cases_test

import (
	"testing"
	"time"
	"unicode/utf8"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/geo"
)

// FuzzInputDecoders feeds one string to every field of every case form.
// Whatever it is, validation must not panic, and what it accepts must be
// what the database accepts: valid UTF-8 without NUL, dates in range.
func FuzzInputDecoders(f *testing.F) {
	for _, s := range []string{"", "TH-27", "2026-02-30", "2999-01-01", "\x00", "\xff", "ស្រីមុំ\nสมชาย", "120", "-1", "KH"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 22, 20, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		ci := cases.CaseInput{Title: s, Summary: s, Category: s, Status: s, Priority: s, Country: s, Province: s,
			HandlingCode: access.HandlingCode(s), OpenedOn: s}
		if opened, e := ci.Validate(now); len(e) == 0 {
			if opened.After(geo.Today(now)) || !utf8.ValidString(ci.Title) {
				t.Fatalf("accepted %q: opened %v", s, opened)
			}
		}
		pi := cases.PersonInput{Role: access.PersonRole(s), Names: s, Aliases: s, Sex: s, DateOfBirth: s, AgeEstimate: s,
			Nationality: s, Languages: s, Documents: s, SuspectStatus: s}
		if names, _, _, age, e := pi.Validate(now); len(e) == 0 {
			for _, n := range names {
				if !utf8.ValidString(n) || n == "" {
					t.Fatalf("accepted name %q", n)
				}
			}
			if age != nil && (*age < 0 || *age > 120) {
				t.Fatalf("accepted age %d", *age)
			}
		}
		ei := cases.EntryInput{Kind: s, OccurredAt: s, Body: s, HandlingCode: access.HandlingCode(s)}
		ei.Validate(now, geo.Zone)
		si := cases.ShareInput{AgencyID: 1, Level: access.ShareLevel(s), Basis: s, Reason: s, ExpiresOn: s}
		if exp, e := si.Validate(now); len(e) == 0 && exp != nil && !exp.After(now) {
			t.Fatalf("accepted an expiry in the past: %v", exp)
		}
		fi := cases.Filter{Query: s, Status: s, Category: s, Country: s, Province: s, Since: s, After: s}
		fi.Validate()
	})
}
