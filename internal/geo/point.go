package geo

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/handshake-mekong/handshake/internal/validate"
)

// Point is a place in WGS 84 decimal degrees, as GPS and map apps give it.
type Point struct {
	Lat, Lon float64
}

// String is the point as "lat, lon", the form map apps copy and accept.
func (p Point) String() string { return FormatDegrees(p.Lat) + ", " + FormatDegrees(p.Lon) }

// FormatDegrees writes a coordinate with six decimals (about 0.1 m), the
// trailing zeros dropped.
func FormatDegrees(d float64) string {
	s := strconv.FormatFloat(d, 'f', 6, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// ParsePoint reads a latitude and a longitude typed into fields latField
// and lonField, in decimal degrees. A pair pasted into the latitude field,
// "13.659, 102.563" as a phone's map app copies it, is read as both. Both
// empty is no point, which is an error only when required. Problems go into
// e under the field they concern.
func ParsePoint(e validate.Errors, latField, lonField, lat, lon string, required bool) (Point, bool) {
	lat, lon = strings.TrimSpace(lat), strings.TrimSpace(lon)
	if lon == "" {
		if a, b, ok := strings.Cut(lat, ","); ok {
			lat, lon = strings.TrimSpace(a), strings.TrimSpace(b)
		}
	}
	if lat == "" && lon == "" {
		if required {
			e.Add(latField, "error.required", nil)
		}
		return Point{}, false
	}
	y, yok := degrees(e, latField, lat, 90)
	x, xok := degrees(e, lonField, lon, 180)
	return Point{Lat: y, Lon: x}, yok && xok
}

// degrees reads one coordinate within ±limit.
func degrees(e validate.Errors, field, s string, limit float64) (float64, bool) {
	if s == "" {
		e.Add(field, "error.required", nil)
		return 0, false
	}
	d, err := strconv.ParseFloat(s, 64)
	switch {
	case err != nil || math.IsNaN(d) || math.IsInf(d, 0):
		e.Add(field, "error.coordinate", nil)
	case math.Abs(d) > limit:
		e.Add(field, "error.coordinate_range", map[string]any{"Max": fmt.Sprint(limit)})
	default:
		return d, true
	}
	return 0, false
}
