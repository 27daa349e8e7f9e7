package bench

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func emails(accounts []Account) []string {
	var out []string
	for _, a := range accounts {
		out = append(out, a.Email)
	}
	return out
}

func TestDefaultAccountsAreDemoAccounts(t *testing.T) {
	accounts, err := DemoAccounts(DefaultAccounts)
	if err != nil {
		t.Fatal(err)
	}
	if len(accounts) != len(DefaultAccounts) {
		t.Fatalf("%d accounts of %d", len(accounts), len(DefaultAccounts))
	}
	for _, bad := range []string{"nobody@example.org", "caseworker@th-ppr2.example", "investigator@nowhere.example"} {
		if _, err := DemoAccounts([]string{bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

func TestScenariosGoOnlyToAccountsThatMayUseThem(t *testing.T) {
	accounts, _ := DemoAccounts(DefaultAccounts)
	ids := map[string][]int64{"coordinator@th-ppr2.example": {7, 9}, "caseworker@aim.example": {3}}
	byName := map[string]Scenario{}
	for _, s := range Scenarios(DefaultTerms, "pw", ids) {
		byName[s.Name] = s
	}
	if got := emails(eligible(byName["desk"], accounts)); !slices.Equal(got, []string{
		"coordinator@th-ppr2.example", "coordinator@kh-ahtjp.example", "coordinator@aim.example", "coordinator@kh-moi.example"}) {
		t.Errorf("desk: %v", got)
	}
	if got := emails(eligible(byName["cases"], accounts)); slices.Contains(got, "analyst@th-ppr2.example") || len(got) != 8 {
		t.Errorf("cases: %v", got)
	}
	if got := emails(eligible(byName["map-region"], accounts)); !slices.Contains(got, "analyst@th-ppr2.example") || len(got) != 9 {
		t.Errorf("map: %v", got)
	}
	if got := emails(eligible(byName["case-page"], accounts)); !slices.Equal(got, []string{"coordinator@th-ppr2.example", "caseworker@aim.example"}) {
		t.Errorf("case page: %v, want the readers with cases", got)
	}
	coordinator := accounts[1]
	if r := byName["case-page"].Next(coordinator, 3); r.Path != "/cases/9" || r.Want != http.StatusOK {
		t.Errorf("case page request: %+v", r)
	}
	if r := byName["login"].Next(coordinator, 0); r.Method != http.MethodPost || !r.Anonymous || r.Want != http.StatusSeeOther ||
		r.Form.Get("email") != coordinator.Email || r.Form.Get("password") != "pw" {
		t.Errorf("login request: %+v", r)
	}
	if a, ok := pageAccount(accounts); !ok || a.Email != "coordinator@th-ppr2.example" {
		t.Errorf("pages measured as %v", a.Email)
	}
}

func TestSearchTermsAreLongEnoughAndRotate(t *testing.T) {
	for _, list := range [][]string{DefaultTerms.Thai, DefaultTerms.Khmer, DefaultTerms.Latin, DefaultTerms.Directory} {
		for _, term := range list {
			if utf8.RuneCountInString(term) < 3 {
				t.Errorf("%q is shorter than the 3 characters search needs", term)
			}
		}
	}
	next := searchOf([]string{"aaa", "bbb"})
	if a, b, c := next(Account{}, 0).Path, next(Account{}, 1).Path, next(Account{}, 2).Path; a != "/cases?q=aaa" || b != "/cases?q=bbb" || c != a {
		t.Errorf("rotation: %s %s %s", a, b, c)
	}
	names := ScenarioNames()
	if len(names) != len(slices.Compact(slices.Clone(names))) || strings.Contains(strings.Join(names, ""), " ") {
		t.Errorf("scenario names must be unique single words: %v", names)
	}
}
