package bench

import (
	"fmt"
	"strings"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/seed"
)

// Account is a demo account that virtual users sign in as, with what the
// access rules need to know of it to tell which pages it may use.
type Account struct {
	Email string
	Actor access.Actor
}

// DefaultAccounts are the demo accounts the load signs in as: police and
// NGOs of both countries, every role that reads cases, the coordinators
// the desk is for (a coordinating body's among them) and an analyst.
var DefaultAccounts = []string{
	"investigator@th-ppr2.example", "coordinator@th-ppr2.example", "analyst@th-ppr2.example",
	"investigator@kh-ahtjp.example", "coordinator@kh-ahtjp.example",
	"caseworker@aim.example", "coordinator@aim.example",
	"investigator@our.example", "coordinator@kh-moi.example",
}

// DemoAccounts describes demo accounts by email (role@code.example), with
// the roles and agency kind the demo gives them.
func DemoAccounts(emails []string) ([]Account, error) {
	var out []Account
	for _, email := range emails {
		role, rest, ok := strings.Cut(email, "@")
		code, _, ok2 := strings.Cut(rest, ".example")
		if !ok || !ok2 {
			return nil, fmt.Errorf("%q is not a demo account (role@agency.example)", email)
		}
		var found bool
		for _, a := range seed.DemoAgencies {
			if a.Code == code {
				if _, has := a.People[access.Role(role)]; !has {
					return nil, fmt.Errorf("%s: the demo agency %s has no %s", email, code, role)
				}
				out = append(out, Account{Email: email, Actor: access.Actor{Roles: []access.Role{access.Role(role)}, AgencyKind: a.Kind}})
				found = true
			}
		}
		if !found {
			return nil, fmt.Errorf("%s: no demo agency %q", email, code)
		}
	}
	return out, nil
}
