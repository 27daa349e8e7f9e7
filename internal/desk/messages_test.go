package desk_test

import (
	"regexp"
	"testing"

	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/referrals"
)

// TestReferralCodesAreTranslated: pages build these message IDs from the
// codes (referral_state. + state), which the catalog scan in internal/i18n
// cannot see, so each is checked here, in every language.
func TestReferralCodesAreTranslated(t *testing.T) {
	script := map[string]*regexp.Regexp{"th": regexp.MustCompile(`\p{Thai}`), "km": regexp.MustCompile(`\p{Khmer}`)}
	en := i18n.For("en")
	for prefix, codes := range map[string][]string{
		"referral_purpose.": referrals.Purposes,
		"referral_state.":   referrals.States,
		"referral_urgency.": referrals.Urgencies,
	} {
		for _, code := range codes {
			id := prefix + code
			english := en.T(id, nil)
			if english == id {
				t.Errorf("no English message %s", id)
			}
			for lang, re := range script {
				tr := i18n.For(lang).T(id, nil)
				if tr == id || tr == english || !re.MatchString(tr) {
					t.Errorf("%s: %s is %q, not a translation", lang, id, tr)
				}
			}
		}
	}
}
