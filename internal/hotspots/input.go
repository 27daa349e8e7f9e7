package hotspots

import (
	"strconv"
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/validate"
)

// Input is a hotspot as the form sends it.
type Input struct {
	Name, Kind, Country, Province, District string
	Latitude, Longitude                     string // decimal degrees
	Risk, Notes                             string
	Reliability, Information                string
	HandlingCode                            access.HandlingCode
	VerifiedOn                              string // YYYY-MM-DD; today when empty
	Version                                 int32  // on edit, for optimistic locking
}

// Entry is valid input, ready to store.
type Entry struct {
	Name, Kind, Country, Province, District string
	Point                                   geo.Point
	Risk, Notes, Reliability                string
	Information                             int16
	HandlingCode                            access.HandlingCode
	VerifiedOn                              time.Time
}

// Validate checks the input field by field; field errors are message IDs.
// The last-verified date may not lie after today in the region.
func (in Input) Validate(now time.Time) (Entry, validate.Errors) {
	e := validate.Errors{}
	today := geo.Today(now)
	out := Entry{Name: strings.TrimSpace(in.Name), Kind: in.Kind, Country: in.Country,
		Province: strings.ToUpper(strings.TrimSpace(in.Province)), District: strings.TrimSpace(in.District),
		Risk: in.Risk, Notes: strings.TrimSpace(in.Notes), Reliability: in.Reliability, HandlingCode: in.HandlingCode,
		VerifiedOn: today}
	e.Text("name", out.Name, true, 2, 200)
	validate.OneOf(e, "kind", out.Kind, Kinds)
	validate.OneOf(e, "country", out.Country, access.Countries)
	if out.Province != "" {
		if p, ok := geo.Lookup(out.Province); !ok || p.Country != out.Country {
			e.Add("province", "error.province", nil)
		}
	}
	e.Text("district", out.District, false, 0, 200)
	out.Point, _ = geo.ParsePoint(e, "latitude", "longitude", in.Latitude, in.Longitude, true)
	validate.OneOf(e, "risk", out.Risk, Risks)
	e.Text("notes", out.Notes, false, 0, 10000)
	validate.OneOf(e, "reliability", out.Reliability, Reliabilities)
	if n, err := strconv.ParseInt(in.Information, 10, 16); err != nil {
		validate.OneOf(e, "information", in.Information, []string{"1", "2", "3", "4"})
	} else {
		out.Information = int16(n)
		validate.OneOf(e, "information", out.Information, Informations)
	}
	validate.OneOf(e, "handling_code", out.HandlingCode, access.HandlingCodes)
	if in.VerifiedOn != "" {
		d, err := time.Parse(time.DateOnly, in.VerifiedOn)
		switch {
		case err != nil:
			e.Add("verified_on", "error.date", nil)
		case d.After(today):
			e.Add("verified_on", "error.date_future", nil)
		case d.Year() < 1990:
			e.Add("verified_on", "error.date_past", nil)
		default:
			out.VerifiedOn = d
		}
	}
	return out, e
}
