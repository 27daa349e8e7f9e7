package directory

import (
	"regexp"
	"slices"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// maxPhones bounds the phones of one entry.
const maxPhones = 5

// Input is a directory entry as a form sends it.
type Input struct {
	Name, Position, Unit string
	// Phones holds one number a line, local or international.
	Phones                             string
	LineID, WhatsApp, Telegram, Signal string
	Email                              string
	Languages, Provinces               []string
	FocalPoint                         bool
	Visibility                         access.ContactVisibility
	Active                             bool
}

// Entry is valid input, normalised for storing.
type Entry struct {
	Name, Position, Unit               string
	Phones                             []string // E.164
	LineID, WhatsApp, Telegram, Signal string
	Email                              string
	Languages, Provinces               []string
	FocalPoint                         bool
	Visibility                         access.ContactVisibility
	Active                             bool
}

var (
	lineID   = regexp.MustCompile(`^[a-z0-9._-]{4,20}$`)
	telegram = regexp.MustCompile(`^[A-Za-z0-9_]{5,32}$`)
)

// NormalisePhone reads a phone number typed in local form, as dialled in
// country (the contact's agency's, e.g. "TH" for 081-234-5678, "KH" for
// 012 345 678), or in international form (+855 12 345 678), and returns it
// in E.164. ok is false for anything that is not a valid number.
func NormalisePhone(typed, country string) (e164 string, ok bool) {
	typed = strings.TrimSpace(typed)
	if typed == "" || len(typed) > 40 {
		return "", false
	}
	if strings.HasPrefix(typed, "00") { // international prefix dialled from Thailand or Cambodia
		typed = "+" + typed[2:]
	}
	n, err := phonenumbers.Parse(typed, country)
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", false
	}
	return phonenumbers.Format(n, phonenumbers.E164), true
}

// Validate checks the input field by field and normalises it: phones to
// E.164 read with country as the agency's country, handles to their plain
// form. Field errors are message IDs.
func (in Input) Validate(country string) (Entry, validate.Errors) {
	e := validate.Errors{}
	out := Entry{Name: strings.TrimSpace(in.Name), Position: strings.TrimSpace(in.Position), Unit: strings.TrimSpace(in.Unit),
		FocalPoint: in.FocalPoint, Visibility: in.Visibility, Active: in.Active}
	e.Text("name", out.Name, true, 1, 200)
	e.Text("position", out.Position, false, 0, 200)
	e.Text("unit", out.Unit, false, 0, 200)

	for line := range strings.Lines(strings.ReplaceAll(in.Phones, ",", "\n")) {
		typed := strings.TrimSpace(line)
		if typed == "" {
			continue
		}
		p, ok := NormalisePhone(typed, country)
		if !ok {
			e.Add("phones", "directory.error.phone", map[string]any{"Number": validate.Clean(typed)})
			continue
		}
		if !slices.Contains(out.Phones, p) {
			out.Phones = append(out.Phones, p)
		}
	}
	switch {
	case len(out.Phones) == 0:
		e.Add("phones", "error.required", nil)
	case len(out.Phones) > maxPhones:
		e.Add("phones", "directory.error.phones_many", map[string]any{"Max": maxPhones})
	}

	if v := strings.ToLower(strings.TrimSpace(in.LineID)); v != "" {
		if lineID.MatchString(v) {
			out.LineID = v
		} else {
			e.Add("line_id", "directory.error.line", nil)
		}
	}
	if v := strings.TrimPrefix(strings.TrimSpace(in.Telegram), "@"); v != "" {
		if telegram.MatchString(v) {
			out.Telegram = v
		} else {
			e.Add("telegram", "directory.error.telegram", nil)
		}
	}
	for _, h := range []struct {
		field, typed string
		to           *string
	}{{"whatsapp", in.WhatsApp, &out.WhatsApp}, {"signal", in.Signal, &out.Signal}} {
		if v := strings.TrimSpace(h.typed); v != "" {
			if p, ok := NormalisePhone(v, country); ok {
				*h.to = p
			} else {
				e.Add(h.field, "directory.error.messenger_phone", nil)
			}
		}
	}
	if out.Email = strings.TrimSpace(in.Email); out.Email != "" {
		e.Email("email", out.Email)
	}
	for _, l := range in.Languages {
		if !slices.Contains(Languages, l) {
			e.Add("languages", "error.choice", nil)
		} else if !slices.Contains(out.Languages, l) {
			out.Languages = append(out.Languages, l)
		}
	}
	for _, p := range in.Provinces {
		if _, ok := geo.Lookup(p); !ok {
			e.Add("provinces", "error.choice", nil)
		} else if !slices.Contains(out.Provinces, p) {
			out.Provinces = append(out.Provinces, p)
		}
	}
	validate.OneOf(e, "visibility", in.Visibility, access.ContactVisibilities)
	if out.Languages == nil {
		out.Languages = []string{}
	}
	if out.Provinces == nil {
		out.Provinces = []string{}
	}
	return out, e
}
