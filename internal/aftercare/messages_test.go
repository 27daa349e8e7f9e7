package aftercare_test

import (
	"regexp"
	"testing"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/aftercare"
	"github.com/handshake-mekong/handshake/internal/i18n"
)

// TestEveryCodeIsTranslated: the pages build message IDs from the codes
// ("note_category." + c), which the catalog scan in internal/i18n cannot
// see, so each code's message is checked here in every language, in that
// language's own script.
func TestEveryCodeIsTranslated(t *testing.T) {
	ids := []string{}
	for prefix, codes := range map[string][]string{
		"note_category.":  aftercare.Categories,
		"service_kind.":   aftercare.ServiceKinds,
		"service_status.": aftercare.ServiceStatuses,
	} {
		for _, c := range codes {
			ids = append(ids, prefix+c)
		}
	}
	for _, v := range access.NoteVisibilities {
		ids = append(ids, "note_visibility."+string(v))
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
