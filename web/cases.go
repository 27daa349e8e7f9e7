package web

import (
	"context"
	"strconv"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/i18n"
)

// Local is the time zone in which pages show and read times.
var Local = geo.Zone

// CaseCan is what the viewer may do on a case page, as access.Actor decided.
type CaseCan struct {
	Edit, Add, Share, ManageShares, RecordConsent, Override, Refer bool
}

// CaseCanFor asks the rules once for the page.
func CaseCanFor(a access.Actor, c cases.Case) CaseCan {
	f := c.Facts()
	return CaseCan{
		Edit:          a.CanEditCase(f),
		Add:           a.CanAddToCase(f),
		Share:         a.CanShareCase(f),
		ManageShares:  a.CanManageShares(f),
		RecordConsent: a.CanRecordConsent(f),
		Override:      a.CanOverrideIdentity(f),
		Refer:         a.CanReferCase(f),
	}
}

// options turns codes into options labelled by the catalog under prefix.
func options(ctx context.Context, prefix string, codes []string, blank string) []Option {
	var out []Option
	if blank != "" {
		out = append(out, Option{Value: "", Label: i18n.T(ctx, blank)})
	}
	for _, c := range codes {
		out = append(out, Option{Value: c, Label: i18n.T(ctx, prefix+c)})
	}
	return out
}

func codesOf[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// ProvinceOptions lists the provinces of Thailand and Cambodia in the
// page's language, with their codes.
func ProvinceOptions(ctx context.Context, blank string) []Option {
	lang := i18n.From(ctx).Lang
	out := []Option{{Value: "", Label: i18n.T(ctx, blank)}}
	for _, p := range geo.Provinces() {
		out = append(out, Option{Value: p.Code, Label: p.Name(lang) + " (" + p.Code + ")"})
	}
	return out
}

// ProvinceName is a province's name in the page's language, or its code.
func ProvinceName(ctx context.Context, code string) string {
	if p, ok := geo.Lookup(code); ok {
		return p.Name(i18n.From(ctx).Lang)
	}
	return code
}

func dateOf(t time.Time) string   { return t.Format(time.DateOnly) }
func timeOf(t time.Time) string   { return t.In(Local).Format("2006-01-02 15:04") }
func isoTime(t time.Time) string  { return t.UTC().Format(time.RFC3339) }
func caseURL(id int64) string     { return "/cases/" + itoa64(id) }
func personURL(c, p int64) string { return caseURL(c) + "/people/" + itoa64(p) }
func itoa64(n int64) string       { return strconv.FormatInt(n, 10) }
