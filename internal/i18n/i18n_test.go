package i18n_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/i18n"
)

var pluralForms = []string{"zero", "one", "two", "few", "many", "other"}

// messages flattens the catalogs of one language into message ID → its
// text (plural forms joined), the way go-i18n reads nested tables. An ID in
// two files fails the test: one of them would silently win.
func messages(t *testing.T, lang string) map[string]string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("catalog", "*."+lang+".toml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no catalog files for %s: %v", lang, err)
	}
	out := map[string]string{}
	for _, file := range files {
		var raw map[string]any
		if _, err := toml.DecodeFile(file, &raw); err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		var walk func(prefix string, m map[string]any)
		walk = func(prefix string, m map[string]any) {
			for k, v := range m {
				id := strings.TrimPrefix(prefix+"."+k, ".")
				var text string
				switch v := v.(type) {
				case string:
					text = v
				case map[string]any:
					if !isPlural(v) {
						walk(id, v)
						continue
					}
					var forms []string
					for _, f := range pluralForms {
						if s, ok := v[f].(string); ok {
							forms = append(forms, s)
						}
					}
					text = strings.Join(forms, " | ")
				}
				if _, dup := out[id]; dup {
					t.Errorf("%s: %s is defined in another %s catalog too", file, id, lang)
				}
				out[id] = text
			}
		}
		walk("", raw)
	}
	return out
}

func isPlural(m map[string]any) bool {
	for k := range m {
		if !slices.Contains(pluralForms, k) {
			return false
		}
	}
	return len(m) > 0
}

func TestEveryLanguageHasEveryMessage(t *testing.T) {
	en := messages(t, "en")
	for _, lang := range i18n.Languages[1:] {
		other := messages(t, lang)
		for id, text := range en {
			tr, ok := other[id]
			switch {
			case !ok:
				t.Errorf("the %s catalogs lack %s", lang, id)
			case strings.TrimSpace(tr) == "":
				t.Errorf("%s.toml: %s is empty", lang, id)
			case placeholders(tr) != placeholders(text):
				t.Errorf("%s.toml: %s has placeholders %s, English has %s", lang, id, placeholders(tr), placeholders(text))
			}
		}
		for id := range other {
			if _, ok := en[id]; !ok {
				t.Errorf("the %s catalogs have %s, which the English ones do not", lang, id)
			}
		}
	}
}

// TestTranslationsAreNotEnglishCopies: Thai and Khmer must be real
// translations. A message may equal the English only when it holds no
// letters of its own to translate (a placeholder, a code).
func TestTranslationsAreNotEnglishCopies(t *testing.T) {
	en := messages(t, "en")
	script := map[string]*regexp.Regexp{"th": regexp.MustCompile(`\p{Thai}`), "km": regexp.MustCompile(`\p{Khmer}`)}
	for _, lang := range i18n.Languages[1:] {
		other := messages(t, lang)
		var native int
		for id, tr := range other {
			for l, re := range script {
				if l != lang && re.MatchString(tr) {
					t.Errorf("%s.toml: %s holds %s script: %q", lang, id, l, tr)
				}
			}
			if script[lang].MatchString(tr) {
				native++
			} else if tr == en[id] && regexp.MustCompile(`[a-z]{3}`).MatchString(placeholderFree(tr)) {
				t.Errorf("%s.toml: %s is the English text %q", lang, id, tr)
			}
		}
		if native < len(other)*9/10 {
			t.Errorf("%s.toml: only %d of %d messages are in %s script", lang, native, len(other), lang)
		}
	}
}

var placeholderRE = regexp.MustCompile(`\{\{\s*\.\w+\s*\}\}`)

func placeholders(s string) string {
	found := placeholderRE.FindAllString(s, -1)
	slices.Sort(found)
	return strings.Join(slices.Compact(found), ",")
}

func placeholderFree(s string) string { return placeholderRE.ReplaceAllString(s, "") }

// keyRE finds message IDs written in the code: quoted section.key strings.
var keyRE = regexp.MustCompile(`"([a-z_]+(?:\.[a-zA-Z_]+)+)"`)

// TestEveryMessageTheCodeUsesExists scans the Go and templ sources for
// message IDs, and adds the IDs built from roles, kinds and countries, so a
// page can never show a raw ID.
func TestEveryMessageTheCodeUsesExists(t *testing.T) {
	en := messages(t, "en")
	sections := map[string]bool{}
	for id := range en {
		sections[strings.SplitN(id, ".", 2)[0]] = true
	}
	used := map[string]string{}
	root := filepath.Join("..", "..")
	// The pages and handlers name messages of every section; feature
	// packages name only the field errors they return. (Elsewhere, strings
	// like "case.view" are audit actions, not messages.)
	scan := func(dir string, wanted func(id string) bool) {
		err := filepath.WalkDir(filepath.Join(root, dir), func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || strings.HasSuffix(path, "_templ.go") || strings.HasSuffix(path, "_test.go") {
				return err
			}
			if !strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, ".templ") {
				return nil
			}
			b, err := os.ReadFile(path)
			for _, m := range keyRE.FindAllStringSubmatch(string(b), -1) {
				if wanted(m[1]) {
					used[m[1]] = path
				}
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	ui := func(id string) bool { return sections[strings.SplitN(id, ".", 2)[0]] }
	scan("web", ui)
	scan(filepath.Join("internal", "server"), ui)
	scan("internal", func(id string) bool { return strings.HasPrefix(id, "error.") })
	for _, r := range access.Roles {
		used["role."+string(r)] = "access.Roles"
		used["roledesc."+string(r)] = "access.Roles"
	}
	for _, k := range access.Kinds {
		used["kind."+string(k)] = "access.Kinds"
	}
	for _, c := range access.Countries {
		used["country."+c] = "access.Countries"
	}
	for prefix, codes := range map[string][]string{
		"case_status.": cases.Statuses, "case_category.": cases.Categories, "case_priority.": cases.Priorities,
		"sex.": cases.Sexes, "suspect_status.": cases.SuspectStatus, "share_basis.": cases.ShareBases,
		"entry_kind.":  append(slices.Clone(cases.EntryKinds), "status_change", "share", "referral"),
		"share_level.": {string(access.Read), string(access.Contribute)},
		"case_sort.":   cases.Sorts,
	} {
		for _, c := range codes {
			used[prefix+c] = "cases"
		}
	}
	for _, r := range access.PersonRoles {
		used["person_role."+string(r)] = "access.PersonRoles"
	}
	for _, k := range cases.HistoryKeys() {
		used[k] = "cases.HistoryKeys"
	}
	for _, h := range access.HandlingCodes {
		used["handling."+string(h)] = "access.HandlingCodes"
	}
	for _, page := range []string{"not_found", "server", "too_large", "cross_origin", "bad_request"} {
		used["error."+page+".title"] = "errorPage"
		used["error."+page+".text"] = "errorPage"
	}
	if len(used) < 50 {
		t.Fatalf("found only %d message IDs in the code; the scan is broken", len(used))
	}
	for id, where := range used {
		if _, ok := en[id]; !ok {
			t.Errorf("%s uses message %s, which en.toml lacks", where, id)
		}
	}
}

func TestNegotiatePicksASupportedLanguage(t *testing.T) {
	for header, want := range map[string]string{
		"":                        "en",
		"th-TH,th;q=0.9":          "th",
		"km":                      "km",
		"fr-FR,km;q=0.8,en;q=0.5": "km",
		"de":                      "en",
		"garbage;;;":              "en",
	} {
		if got := i18n.Negotiate(header); got != want {
			t.Errorf("Negotiate(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestPluralsAndData(t *testing.T) {
	en := i18n.For("en")
	if got := en.N("login.throttled", 1, map[string]any{"Count": 1}); !strings.Contains(got, "1 minute ") {
		t.Errorf("one: %q", got)
	}
	if got := en.N("login.throttled", 7, map[string]any{"Count": 7}); !strings.Contains(got, "7 minutes") {
		t.Errorf("other: %q", got)
	}
	// T takes the plural form from data's Count.
	if got := en.T("hotspots.count", map[string]any{"Count": 1}); got != "1 hotspot" {
		t.Errorf("T with Count 1: %q", got)
	}
	if got := en.T("directory.count", map[string]any{"Count": 2}); got != "2 contacts" {
		t.Errorf("T with Count 2: %q", got)
	}
	for _, lang := range i18n.Languages {
		if got := i18n.For(lang).N("login.throttled", 7, map[string]any{"Count": 7}); !strings.Contains(got, "7") {
			t.Errorf("%s: %q lacks the count", lang, got)
		}
	}
}
