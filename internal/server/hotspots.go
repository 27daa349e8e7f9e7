package server

import (
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/hotspots"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/internal/validate"
	"github.com/handshake-mekong/handshake/web"
)

// Hotspots (DESIGN §2): the list with its map, the GeoJSON the map draws,
// and each hotspot's page and form.

// hotspotRoutes serves /hotspots.
func (s *Server) hotspotRoutes(r chi.Router) {
	r.Use(s.allow(access.Actor.ReadsHotspots))
	r.Get("/", s.hotspotList)
	r.Get("/map.geojson", s.hotspotGeoJSON)
	r.Group(func(r chi.Router) {
		r.Use(s.allow(access.Actor.WritesHotspots))
		r.Get("/new", s.hotspotNew)
		r.Post("/new", s.hotspotCreate)
		r.Get("/{id}/edit", s.hotspotEdit)
		r.Post("/{id}/edit", s.hotspotUpdate)
	})
	r.Get("/{id}", s.hotspotShow)
}

// nearKm is the radius of a "near" search when none is given.
const nearKm = 25

// hotspotFilter reads the list's filters from the query string. A "near"
// search needs a point; its problems go into verrs.
func hotspotFilter(q url.Values) (hotspots.Filter, validate.Errors) {
	f := hotspots.Filter{Name: validate.Clean(q.Get("q")), Kind: q.Get("kind"), Risk: q.Get("risk"),
		Country: q.Get("country"), Province: q.Get("province")}
	e := validate.Errors{}
	if p, ok := geo.ParsePoint(e, "near_lat", "near_lon", q.Get("near_lat"), q.Get("near_lon"), false); ok {
		f.Near, f.Km = &p, nearKm
		if km := strings.TrimSpace(q.Get("km")); km != "" {
			n, err := strconv.ParseFloat(km, 64)
			if err != nil || !(n > 0 && n <= hotspots.MaxKm) {
				e.Add("km", "error.km", map[string]any{"Max": hotspots.MaxKm})
			} else {
				f.Km = n
			}
		}
	}
	return f, e
}

func (s *Server) hotspotList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	q := r.URL.Query()
	f, verrs := hotspotFilter(q)
	after, cerrs := hotspots.ParseCursor(f, q.Get("after"))
	maps.Copy(verrs, cerrs)
	status := http.StatusOK
	var res hotspots.Result
	if len(verrs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		var err error
		if res, err = s.hotspots.ListPage(ctx, actor, f, after); err != nil {
			s.storeFailed(w, r, err)
			return
		}
	}
	// The map asks for the same filters, without the page's own.
	mq := url.Values{}
	for _, k := range []string{"q", "kind", "risk", "country", "province"} {
		if v := q.Get(k); v != "" {
			mq.Set(k, v)
		}
	}
	v := web.HotspotsView{Filter: web.Form{Values: q, Errors: verrs}, Hotspots: res.Hotspots, Writes: actor.WritesHotspots(),
		Near: f.Near != nil, MapQuery: mq.Encode(), TileURL: s.cfg.Tiles.URL, TileAttribution: s.cfg.Tiles.Attribution}
	// Later pages keep the filters; the first page is the link without a
	// cursor.
	filters := cloneValues(q)
	filters.Del("after")
	v.FirstURL, v.NextURL = pageURLs("/hotspots", filters, q.Get("after") != "", res.Next)
	s.render(w, r, status, web.HotspotsPage(s.page(r, "hotspots.title"), v))
}

// geoJSON is the map's data, RFC 7946.
type geoJSON struct {
	Type     string       `json:"type"`
	Features []geoFeature `json:"features"`
	// Capped: the box held more hotspots than one answer carries.
	Capped bool `json:"capped"`
	// Grouped: some features are groups of hotspots.
	Grouped bool `json:"grouped"`
}

// geoFeature is a hotspot, with its id, or a group of hotspots, with a
// count and, as the feature's bbox (RFC 7946 §5), the area to zoom to.
type geoFeature struct {
	Type       string         `json:"type"`
	ID         int64          `json:"id,omitempty"`
	BBox       []float64      `json:"bbox,omitempty"`
	Geometry   geoPoint       `json:"geometry"`
	Properties map[string]any `json:"properties"`
}

type geoPoint struct {
	Type        string     `json:"type"`
	Coordinates [2]float64 `json:"coordinates"` // longitude, latitude
}

// parseBox reads "west,south,east,north" in degrees. A box must have four
// numbers in range, its west edge left of its east and its south below its
// north.
func parseBox(s string) (hotspots.Box, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 {
		return hotspots.Box{}, false
	}
	var n [4]float64
	for i, p := range parts {
		v, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || v != v {
			return hotspots.Box{}, false
		}
		n[i] = v
	}
	b := hotspots.Box{West: n[0], South: n[1], East: n[2], North: n[3]}
	ok := b.West >= -180 && b.East <= 180 && b.South >= -90 && b.North <= 90 && b.West < b.East && b.South < b.North
	return b, ok
}

// hotspotGeoJSON serves what the map draws of the hotspots the user may
// see in its box (the whole world without one), with the same filters as
// the list: the hotspots, or groups of them in a box that holds many.
// Labels come translated, so the map's script has no words of its own.
func (s *Server) hotspotGeoJSON(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	f, verrs := hotspotFilter(q)
	box := hotspots.Box{West: -180, South: -90, East: 180, North: 90}
	if raw := q.Get("bbox"); raw != "" {
		b, ok := parseBox(raw)
		if !ok {
			verrs.Add("bbox", "error.bbox", nil)
		}
		box = b
	}
	w.Header().Set("Cache-Control", "no-store")
	if len(verrs) > 0 {
		msgs := map[string]string{}
		for field, m := range verrs {
			msgs[field] = i18n.Tf(ctx, m.ID, m.Data)
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusBadRequest)
		json.NewEncoder(w).Encode(map[string]any{"errors": msgs})
		return
	}
	m, err := s.hotspots.Map(ctx, actorFrom(ctx), f, box)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	out := geoJSON{Type: "FeatureCollection", Features: make([]geoFeature, 0, len(m.Groups)+len(m.Markers)),
		Capped: m.Capped, Grouped: len(m.Groups) > 0}
	for _, g := range m.Groups {
		out.Features = append(out.Features, geoFeature{Type: "Feature",
			BBox:     []float64{g.Area.West, g.Area.South, g.Area.East, g.Area.North},
			Geometry: geoPoint{Type: "Point", Coordinates: [2]float64{g.Lon, g.Lat}},
			Properties: map[string]any{"count": g.Count, "risk": g.Risk,
				"label": i18n.Tf(ctx, "hotspots.group", map[string]any{"Count": g.Count, "Risk": i18n.T(ctx, "risk."+g.Risk)})},
		})
	}
	for _, h := range m.Markers {
		out.Features = append(out.Features, geoFeature{Type: "Feature", ID: h.ID,
			Geometry: geoPoint{Type: "Point", Coordinates: [2]float64{h.Lon, h.Lat}},
			Properties: map[string]any{
				"name": h.Name, "kind": h.Kind, "risk": h.Risk, "url": "/hotspots/" + itoa(h.ID),
				"kind_mark": web.KindMark(h.Kind), "kind_label": i18n.T(ctx, "hotspot_kind."+h.Kind), "risk_label": i18n.T(ctx, "risk."+h.Risk),
				"open_label": i18n.T(ctx, "hotspots.open"),
			}})
	}
	w.Header().Set("Content-Type", "application/geo+json")
	json.NewEncoder(w).Encode(out)
}

func (s *Server) hotspotShow(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	actor := actorFrom(ctx)
	pg, err := s.hotspots.Page(ctx, actor, id)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	p := s.page(r, "hotspots.title")
	p.Title = pg.Hotspot.Name
	s.render(w, r, http.StatusOK, web.HotspotPage(p, web.HotspotView{P: pg,
		Edit: actor.CanEditHotspot(pg.Hotspot.Facts()), ReadsCases: actor.ReadsCases()}))
}

// hotspotInput reads the hotspot form.
func hotspotInput(f url.Values) hotspots.Input {
	version, _ := strconv.ParseInt(f.Get("version"), 10, 32)
	return hotspots.Input{Name: f.Get("name"), Kind: f.Get("kind"), Country: f.Get("country"), Province: f.Get("province"),
		District: f.Get("district"), Latitude: f.Get("latitude"), Longitude: f.Get("longitude"), Risk: f.Get("risk"),
		Notes: f.Get("notes"), Reliability: f.Get("reliability"), Information: f.Get("information"),
		HandlingCode: access.HandlingCode(f.Get("handling_code")), VerifiedOn: f.Get("verified_on"), Version: int32(version)}
}

func (s *Server) renderHotspotForm(w http.ResponseWriter, r *http.Request, status int, id int64, f web.Form, message string) {
	title := "hotspots.new"
	if id != 0 {
		title = "hotspots.edit"
	}
	s.render(w, r, status, web.HotspotFormPage(s.page(r, title), web.HotspotFormView{ID: id, Form: f, Message: message}))
}

func (s *Server) hotspotNew(w http.ResponseWriter, r *http.Request) {
	v := url.Values{"handling_code": {string(access.Partners)}, "verified_on": {s.hotspots.Today().Format("2006-01-02")}}
	// "Mark a hotspot here" from a map or a case passes the point along.
	for _, k := range []string{"latitude", "longitude", "country"} {
		if x := r.URL.Query().Get(k); x != "" {
			v.Set(k, x)
		}
	}
	s.renderHotspotForm(w, r, http.StatusOK, 0, web.Form{Values: v}, "")
}

func (s *Server) hotspotCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := s.hotspots.Create(r.Context(), actorFrom(r.Context()), hotspotInput(r.PostForm))
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderHotspotForm(w, r, http.StatusUnprocessableEntity, 0, web.Form{Values: r.PostForm, Errors: verrs}, "")
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/hotspots/"+itoa(id), "hotspots.saved")
}

// hotspotValues fills the form from a stored hotspot.
func hotspotValues(h hotspots.Hotspot) url.Values {
	return url.Values{"name": {h.Name}, "kind": {h.Kind}, "country": {h.Country}, "province": {h.Province},
		"district": {h.District}, "latitude": {geo.FormatDegrees(h.Lat)}, "longitude": {geo.FormatDegrees(h.Lon)},
		"risk": {h.Risk}, "notes": {h.Notes}, "reliability": {h.Reliability},
		"information": {strconv.Itoa(int(h.Information))}, "handling_code": {string(h.HandlingCode)},
		"verified_on": {h.VerifiedOn.Format("2006-01-02")}, "version": {strconv.Itoa(int(h.Version))}}
}

func (s *Server) hotspotEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	actor := actorFrom(ctx)
	h, err := s.hotspots.Get(ctx, actor, id)
	if err == nil && !actor.CanEditHotspot(h.Facts()) {
		err = hotspots.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.renderHotspotForm(w, r, http.StatusOK, id, web.Form{Values: hotspotValues(h)}, "")
}

func (s *Server) hotspotUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	ctx := r.Context()
	actor := actorFrom(ctx)
	err := s.hotspots.Update(ctx, actor, id, hotspotInput(r.PostForm))
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderHotspotForm(w, r, http.StatusUnprocessableEntity, id, web.Form{Values: r.PostForm, Errors: verrs}, "")
		return
	}
	if errors.Is(err, hotspots.ErrConflict) {
		// Keep what the user typed; saving again replaces the other version.
		h, gerr := s.hotspots.Get(ctx, actor, id)
		if gerr != nil {
			s.storeFailed(w, r, gerr)
			return
		}
		r.PostForm.Set("version", strconv.Itoa(int(h.Version)))
		s.renderHotspotForm(w, r, http.StatusConflict, id, web.Form{Values: r.PostForm}, i18n.T(ctx, "hotspots.conflict"))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/hotspots/"+itoa(id), "hotspots.saved")
}

// caseHotspotLink links the case to a hotspot, given by its number.
func (s *Server) caseHotspotLink(w http.ResponseWriter, r *http.Request) {
	s.caseHotspotChange(w, r, true)
}

// caseHotspotUnlink removes a case's link to a hotspot.
func (s *Server) caseHotspotUnlink(w http.ResponseWriter, r *http.Request) {
	s.caseHotspotChange(w, r, false)
}

func (s *Server) caseHotspotChange(w http.ResponseWriter, r *http.Request, link bool) {
	caseID, ok := idParam(r, "case")
	if !ok || !s.parseForm(w, r) {
		if !ok {
			s.notFound(w, r)
		}
		return
	}
	ctx := r.Context()
	back := "/cases/" + itoa(caseID) + "#hotspots"
	hotspotID, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(r.PostForm.Get("hotspot")), "#"), 10, 64)
	if err != nil || hotspotID <= 0 {
		s.redirect(w, r, back, "hotspots.link_number")
		return
	}
	flash := "hotspots.linked"
	if link {
		err = s.hotspots.Link(ctx, actorFrom(ctx), caseID, hotspotID)
	} else {
		err, flash = s.hotspots.Unlink(ctx, actorFrom(ctx), caseID, hotspotID), "hotspots.unlinked"
	}
	if errors.Is(err, hotspots.ErrNotFound) {
		// The case was found by the page; a number that names no hotspot the
		// user may see says so, without telling which.
		if _, cerr := s.cases.Get(ctx, actorFrom(ctx), caseID); cerr == nil {
			s.redirect(w, r, back, "hotspots.link_missing")
			return
		}
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, back, flash)
}
