package cases_test

import (
	"context"
	"crypto/rand"
	"regexp"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
)

func TestPersonCodesGrowLongerWhenTheShortOnesAreTaken(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	inv := f.actor("investigator@th-ppr2.example")
	id, _, err := f.store.Create(ctx, inv, caseInput(access.Partners))
	if err != nil {
		t.Fatal(err)
	}
	// A short code, while they are free.
	first, err := f.store.AddPerson(ctx, inv, id, cases.PersonInput{Role: access.Survivor, Names: "Srey Mom"})
	if err != nil || !regexp.MustCompile(`^S-[A-Z2-7]{4}$`).MatchString(first) {
		t.Fatalf("first code %q (%v), want four characters", first, err)
	}
	// Every four-character code taken, as a million people of one role
	// would take them: each draw starts with the one code left.
	cases.SetCodeText(f.store, func() string { return first[2:] + rand.Text()[4:] })
	valid := regexp.MustCompile(`^S-[A-Z2-7]{5,8}$`)
	seen := map[string]bool{first: true}
	for range 60 {
		code, err := f.store.AddPerson(ctx, inv, id, cases.PersonInput{Role: access.Survivor, Names: "Srey Pov"})
		if err != nil {
			t.Fatalf("adding a person when the short codes are taken: %v", err)
		}
		if !valid.MatchString(code) || seen[code] {
			t.Fatalf("code %q: want a new code of five to eight characters", code)
		}
		seen[code] = true
	}
	// The codes given before are still the people's.
	v, err := f.store.Page(ctx, inv, id)
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, p := range v.People {
		if seen[p.Code] {
			kept++
		}
	}
	if len(v.People) != 61 || kept != 61 {
		t.Fatalf("%d people on the case, %d with a code given above; want 61 and 61", len(v.People), kept)
	}
}
