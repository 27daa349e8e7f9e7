// Package i18n translates every string the interface shows, from catalogs
// in English, Thai and Khmer, and picks a visitor's language.
package i18n

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"sync"

	"github.com/BurntSushi/toml"
	goi18n "github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

// Languages are the interface languages, the first the fallback.
var Languages = []string{"en", "th", "km"}

// LanguageNames are each language's name in itself, for the picker.
var LanguageNames = map[string]string{"en": "English", "th": "ไทย", "km": "ខ្មែរ"}

// Each feature keeps its messages in catalog/<feature>.<lang>.toml, so that
// the strings of a feature and their translations travel together.
//
//go:embed catalog/*.toml
var catalogs embed.FS

var bundle = sync.OnceValues(func() (*goi18n.Bundle, error) {
	b := goi18n.NewBundle(language.English)
	b.RegisterUnmarshalFunc("toml", toml.Unmarshal)
	files, err := fs.Glob(catalogs, "catalog/*.toml")
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		if _, err := b.LoadMessageFileFS(catalogs, f); err != nil {
			return nil, err
		}
	}
	return b, nil
})

// Localizer translates into one language.
type Localizer struct {
	Lang string
	l    *goi18n.Localizer
}

// For returns the Localizer for lang, one of Languages (else English).
func For(lang string) *Localizer {
	b, err := bundle()
	if err != nil {
		panic(fmt.Sprintf("i18n: catalogs do not load: %v", err)) // caught by TestCatalogsLoad
	}
	if _, ok := LanguageNames[lang]; !ok {
		lang = "en"
	}
	return &Localizer{Lang: lang, l: goi18n.NewLocalizer(b, lang)}
}

// T translates message id, filling in data. A missing message shows its id,
// which the catalog tests keep from ever reaching a user.
// A message with plural forms takes its count from data's "Count".
func (l *Localizer) T(id string, data map[string]any) string {
	return l.N(id, data["Count"], data)
}

// N translates message id in the plural form for count.
func (l *Localizer) N(id string, count any, data map[string]any) string {
	s, err := l.l.Localize(&goi18n.LocalizeConfig{MessageID: id, TemplateData: data, PluralCount: count})
	if err != nil {
		slog.Warn("missing translation", "id", id, "lang", l.Lang, "err", err)
		return id
	}
	return s
}

var matcher = language.NewMatcher([]language.Tag{language.English, language.Thai, language.Khmer})

// Negotiate picks the interface language from an Accept-Language header.
func Negotiate(acceptLanguage string) string {
	tags, _, _ := language.ParseAcceptLanguage(acceptLanguage)
	_, i, _ := matcher.Match(tags...)
	return Languages[i]
}

type ctxKey struct{}

// WithLocalizer returns a context that pages translate with.
func WithLocalizer(ctx context.Context, l *Localizer) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// From returns the context's Localizer, English when none was set.
func From(ctx context.Context) *Localizer {
	if l, ok := ctx.Value(ctxKey{}).(*Localizer); ok {
		return l
	}
	return For("en")
}

// T translates id in the context's language: the one function every page
// string goes through.
func T(ctx context.Context, id string) string { return From(ctx).T(id, nil) }

// Tf translates id with template data.
func Tf(ctx context.Context, id string, data map[string]any) string { return From(ctx).T(id, data) }
