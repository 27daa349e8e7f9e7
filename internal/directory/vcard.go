package directory

import (
	"io"
	"strings"

	"github.com/emersion/go-vcard"

	"github.com/handshake-mekong/handshake/internal/geo"
)

// Card is an entry as a vCard 3.0, which phones' contacts apps import:
// the name in its own script, every phone as a mobile, the agency as the
// organisation and the messaging handles in the note.
func Card(c Contact) vcard.Card {
	card := vcard.Card{}
	card.SetValue(vcard.FieldVersion, "3.0")
	card.SetValue(vcard.FieldFormattedName, c.Name)
	// Names in Thai and Khmer do not split reliably into given and family
	// names: the whole name is the given name.
	card.SetName(&vcard.Name{GivenName: c.Name})
	for _, p := range c.Phones {
		card.Add(vcard.FieldTelephone, &vcard.Field{Value: p, Params: vcard.Params{vcard.ParamType: {vcard.TypeCell}}})
	}
	if c.Email != "" {
		card.SetValue(vcard.FieldEmail, c.Email)
	}
	org := c.AgencyName
	if c.Unit != "" {
		org += ";" + strings.ReplaceAll(c.Unit, ";", ",")
	}
	card.Add(vcard.FieldOrganization, &vcard.Field{Value: org})
	if c.Position != "" {
		card.SetValue(vcard.FieldTitle, c.Position)
	}
	var note []string
	for _, h := range []struct{ label, value string }{
		{"LINE", c.LineID}, {"WhatsApp", c.WhatsApp}, {"Telegram", prefixed("@", c.Telegram)}, {"Signal", c.Signal},
	} {
		if h.value != "" {
			note = append(note, h.label+": "+h.value)
		}
	}
	if c.FocalPoint {
		note = append(note, "24/7 focal point")
	}
	if len(c.Provinces) > 0 {
		names := make([]string, len(c.Provinces))
		for i, code := range c.Provinces {
			names[i] = code
			if p, ok := geo.Lookup(code); ok {
				names[i] = p.NameEN
			}
		}
		note = append(note, "Provinces: "+strings.Join(names, ", "))
	}
	if len(note) > 0 {
		card.SetValue(vcard.FieldNote, strings.Join(note, "\n"))
	}
	return card
}

func prefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

// WriteCards writes entries as one UTF-8 .vcf file.
func WriteCards(w io.Writer, list []Contact) error {
	enc := vcard.NewEncoder(w)
	for _, c := range list {
		if err := enc.Encode(Card(c)); err != nil {
			return err
		}
	}
	return nil
}
