package directory_test

import (
	"regexp"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/i18n"
)

// TestEveryCodeIsTranslated: the pages build these message IDs from codes,
// which the catalog scan in internal/i18n cannot see.
func TestEveryCodeIsTranslated(t *testing.T) {
	ids := []string{"directory.country_th", "directory.country_kh"}
	for _, l := range directory.Languages {
		ids = append(ids, "directory.language."+l)
	}
	for _, v := range access.ContactVisibilities {
		ids = append(ids, "directory.visibility."+string(v))
	}
	script := map[string]*regexp.Regexp{"th": regexp.MustCompile(`\p{Thai}`), "km": regexp.MustCompile(`\p{Khmer}`)}
	for _, id := range ids {
		english := i18n.For("en").T(id, nil)
		for _, lang := range i18n.Languages {
			got := i18n.For(lang).T(id, nil)
			switch {
			case got == id:
				t.Errorf("%s: %s is missing", lang, id)
			case lang != "en" && (got == english || !script[lang].MatchString(got)):
				t.Errorf("%s: %s is not translated: %q", lang, id, got)
			}
		}
	}
}
