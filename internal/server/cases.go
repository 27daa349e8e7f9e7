package server

import (
	"encoding/csv"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/hotspots"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/web"
)

func (s *Server) caseRoutes(r chi.Router) {
	// Analysts and agency admins see no case content (DESIGN §3.2): for
	// them the pages do not exist.
	r.Use(s.allow(access.Actor.ReadsCases))
	r.Get("/", s.caseList)
	r.Get("/export.csv", s.caseExport)
	r.Get("/new", s.caseNew)
	r.Post("/new", s.caseCreate)
	r.Get("/{case}", s.caseShow)
	r.Get("/{case}/edit", s.caseEdit)
	r.Post("/{case}/edit", s.caseUpdate)
	r.Post("/{case}/entries", s.entryCreate)
	r.Post("/{case}/shares", s.shareCreate)
	r.Post("/{case}/shares/{share}/revoke", s.shareRevoke)
	r.Get("/{case}/people/new", s.personNew)
	r.Post("/{case}/people", s.personCreate)
	r.Get("/{case}/people/{person}", s.personShow)
	r.Post("/{case}/people/{person}/identity", s.personReveal)
	r.Get("/{case}/people/{person}/edit", s.personEdit)
	r.Post("/{case}/people/{person}/edit", s.personUpdate)
	r.Post("/{case}/people/{person}/consent", s.personConsent)
	r.Post("/{case}/people/{person}/override", s.personOverride)
	r.Route("/{case}/people/{person}/aftercare", s.survivorAftercareRoutes)
	r.Post("/{case}/hotspots", s.caseHotspotLink)
	r.Post("/{case}/hotspots/unlink", s.caseHotspotUnlink)
	r.Get("/{case}/refer", s.referNew)
	r.Post("/{case}/refer", s.refer)
}

// caseFilter reads the list's filters from the query string.
func caseFilter(q url.Values) cases.Filter {
	owner, _ := strconv.ParseInt(q.Get("owner"), 10, 32)
	lead, _ := strconv.ParseInt(q.Get("lead"), 10, 64)
	return cases.Filter{
		Query: q.Get("q"), Status: q.Get("status"), Category: q.Get("category"), Country: q.Get("country"),
		Province: q.Get("province"), Owner: int32(owner), Lead: lead, Since: q.Get("since"),
		SharedOnly: q.Get("shared") == "1", Sort: q.Get("sort"), After: q.Get("after"),
	}
}

func (s *Server) caseList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	q := r.URL.Query()
	res, err := s.cases.List(ctx, actor, caseFilter(q))
	status := http.StatusOK
	v := web.CaseListView{Filter: web.Form{Values: q}, CanCreate: actor.CanCreateCase()}
	if verrs, ok := fieldErrors(err); ok {
		v.Filter.Errors = verrs
		status = http.StatusUnprocessableEntity
	} else if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	v.Cases = res.Cases
	filters := cloneValues(q)
	filters.Del("after")
	_, v.NextURL = pageURLs("/cases", filters, false, res.Next)
	v.ExportURL = "/cases/export.csv?" + filters.Encode()
	if v.Owners, err = s.agencyOptions(r, "form.any", 0); err != nil {
		s.serverError(w, r, err)
		return
	}
	if v.Officers, err = s.officerOptions(r, "form.any"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, web.CaseListPage(s.page(r, "cases.title"), v))
}

// agencyOptions lists the agencies that hold cases, but except, for the
// owner filter (except 0) and the share form (except the owner).
func (s *Server) agencyOptions(r *http.Request, blank string, except int32) ([]web.Option, error) {
	list, err := s.cases.Agencies(r.Context())
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: i18n.T(r.Context(), blank)}}
	for _, a := range list {
		if a.ID != except {
			out = append(out, web.Option{Value: strconv.Itoa(int(a.ID)), Label: a.ShortName + " · " + a.Name})
		}
	}
	return out, nil
}

// caseExport writes the filtered list as CSV that Excel opens with Thai and
// Khmer intact: UTF-8 with a byte-order mark.
func (s *Server) caseExport(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	rows, err := s.cases.Export(ctx, actorFrom(ctx), caseFilter(r.URL.Query()))
	if _, ok := fieldErrors(err); ok {
		s.errorPage(w, r, http.StatusBadRequest, "bad_request")
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="handshake-cases-`+time.Now().In(web.Local).Format("2006-01-02")+`.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	w.Write([]byte("\uFEFF"))
	cw := csv.NewWriter(w)
	t := func(id string) string { return i18n.T(ctx, id) }
	cw.Write([]string{t("case.reference"), t("case.title"), t("case.status"), t("case.category"), t("case.priority"),
		t("field.country"), t("case.province"), t("case.owner"), t("case.handling_code"), t("case.opened_on"),
		t("case.updated"), t("people.title")})
	for _, row := range rows {
		c := row.Case
		var people []string
		for _, p := range row.People {
			entry := p.Code + " (" + t("person_role."+string(p.Role)) + ")"
			if p.Names != nil {
				entry += ": " + strings.Join(p.Names, " / ")
			}
			people = append(people, entry)
		}
		cw.Write([]string{c.Reference, csvSafe(c.Title), t("case_status." + c.Status), t("case_category." + c.Category),
			t("case_priority." + c.Priority), c.Country, web.ProvinceName(ctx, c.Province), c.OwnerShort,
			t("handling." + string(c.HandlingCode)), c.OpenedOn.Format(time.DateOnly),
			c.UpdatedAt.In(web.Local).Format("2006-01-02 15:04"), csvSafe(strings.Join(people, "; "))})
	}
	cw.Flush()
}

// csvSafe keeps a spreadsheet from running text typed into a case as a
// formula.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func caseForm(c cases.Case) url.Values {
	return url.Values{
		"title": {c.Title}, "summary": {c.Summary}, "category": {c.Category}, "status": {c.Status},
		"priority": {c.Priority}, "country": {c.Country}, "province": {c.Province},
		"handling_code": {string(c.HandlingCode)}, "opened_on": {c.OpenedOn.Format(time.DateOnly)},
		"version": {strconv.Itoa(int(c.Version))}, "lead_officer": {leadOf(c)},
		"latitude": {degreesOf(c.Lat)}, "longitude": {degreesOf(c.Lon)},
	}
}

func degreesOf(d *float64) string {
	if d == nil {
		return ""
	}
	return geo.FormatDegrees(*d)
}

func leadOf(c cases.Case) string {
	if c.LeadOfficerID == nil {
		return ""
	}
	return itoa(*c.LeadOfficerID)
}

// officerOptions lists the actor's agency's officers for a select.
func (s *Server) officerOptions(r *http.Request, blank string) ([]web.Option, error) {
	list, err := s.cases.Officers(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: i18n.T(r.Context(), blank)}}
	for _, o := range list {
		out = append(out, web.Option{Value: itoa(o.ID), Label: o.Name})
	}
	return out, nil
}

func caseInput(f url.Values) cases.CaseInput {
	v, _ := strconv.Atoi(f.Get("version"))
	lead, _ := strconv.ParseInt(f.Get("lead_officer"), 10, 64)
	return cases.CaseInput{
		Title: f.Get("title"), Summary: f.Get("summary"), Category: f.Get("category"), Status: f.Get("status"),
		Priority: f.Get("priority"), Country: f.Get("country"), Province: f.Get("province"),
		HandlingCode: access.HandlingCode(f.Get("handling_code")), OpenedOn: f.Get("opened_on"), Version: int32(v),
		LeadOfficer: lead, Latitude: f.Get("latitude"), Longitude: f.Get("longitude"),
	}
}

func (s *Server) caseNew(w http.ResponseWriter, r *http.Request) {
	actor := actorFrom(r.Context())
	if !actor.CanCreateCase() {
		s.notFound(w, r)
		return
	}
	country := accountFrom(r.Context()).Agency.Country
	f := url.Values{"priority": {"normal"}, "country": {country}, "handling_code": {string(access.Partners)},
		"opened_on": {time.Now().In(web.Local).Format(time.DateOnly)}}
	s.render(w, r, http.StatusOK, web.CaseFormPage(s.page(r, "cases.new"), web.CaseFormView{Form: web.Form{Values: f}}))
}

func (s *Server) caseCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, ref, err := s.cases.Create(r.Context(), actorFrom(r.Context()), caseInput(r.PostForm))
	if verrs, ok := fieldErrors(err); ok {
		v := web.CaseFormView{Form: web.Form{Values: r.PostForm, Errors: verrs}}
		s.render(w, r, http.StatusUnprocessableEntity, web.CaseFormPage(s.page(r, "cases.new"), v))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.log.InfoContext(r.Context(), "case created", "reference", ref)
	s.redirect(w, r, "/cases/"+itoa(id), "flash.case_created")
}

// caseID reads the {case} parameter; a malformed one is a 404.
func (s *Server) caseID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := idParam(r, "case")
	if !ok {
		s.notFound(w, r)
	}
	return id, ok
}

func (s *Server) caseShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	s.renderCase(w, r, id, http.StatusOK, web.Form{}, web.Form{})
}

// renderCase shows a case page, with a failed entry or share form when
// there is one.
func (s *Server) renderCase(w http.ResponseWriter, r *http.Request, id int64, status int, entry, share web.Form) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	v, err := s.cases.Page(ctx, actor, id)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	cv := web.CaseView{V: v, Can: web.CaseCanFor(actor, v.Case), EntryForm: entry, ShareForm: share, Now: time.Now()}
	if cv.EntryForm.Values == nil {
		cv.EntryForm.Values = url.Values{"handling_code": {string(v.Case.HandlingCode)}}
	}
	if cv.ShareForm.Values == nil {
		cv.ShareForm.Values = url.Values{"level": {"read"}}
	}
	if cv.Referrals, err = s.referrals.ForCase(ctx, actor, id); err != nil {
		s.serverError(w, r, err)
		return
	}
	if cv.ReadsHotspots = actor.ReadsHotspots(); cv.ReadsHotspots {
		if cv.Hotspots, err = s.hotspots.ForCase(ctx, actor, id); err != nil {
			s.serverError(w, r, err)
			return
		}
		if loc := v.Case.Location(); loc != nil {
			if cv.Nearby, err = s.hotspots.List(ctx, actor, hotspots.Filter{Near: loc, Km: nearKm}, 10); err != nil {
				s.serverError(w, r, err)
				return
			}
		}
	}
	if cv.Can.ManageShares {
		if cv.History, err = s.cases.History(ctx, actor, id); err != nil {
			s.storeFailed(w, r, err)
			return
		}
	}
	if cv.Can.Share {
		if cv.Partners, err = s.agencyOptions(r, "form.choose", v.Case.OwnerAgencyID); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	p := s.page(r, "cases.title")
	p.Title = v.Case.Reference
	s.render(w, r, status, web.CasePage(p, cv))
}

func (s *Server) caseEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	actor := actorFrom(r.Context())
	c, err := s.cases.Get(r.Context(), actor, id)
	if err == nil && !actor.CanEditCase(c.Facts()) {
		err = cases.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	v := web.CaseFormView{ID: c.ID, Reference: c.Reference, Form: web.Form{Values: caseForm(c)}}
	if v.Officers, err = s.officerOptions(r, "form.none"); err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, web.CaseFormPage(s.page(r, "cases.edit"), v))
}

// caseUpdate saves an edit; over someone else's newer save it shows both
// versions, so neither is lost.
func (s *Server) caseUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	current, err := s.cases.Update(r.Context(), actorFrom(r.Context()), id, caseInput(r.PostForm))
	officers, oerr := s.officerOptions(r, "form.none")
	if oerr != nil {
		s.serverError(w, r, oerr)
		return
	}
	switch verrs, invalid := fieldErrors(err); {
	case invalid:
		v := web.CaseFormView{ID: id, Form: web.Form{Values: r.PostForm, Errors: verrs}, Officers: officers}
		s.render(w, r, http.StatusUnprocessableEntity, web.CaseFormPage(s.page(r, "cases.edit"), v))
	case errors.Is(err, cases.ErrConflict):
		v := web.ConflictView{Current: current, Mine: web.Form{Values: r.PostForm}, Officers: officers}
		s.render(w, r, http.StatusConflict, web.ConflictPage(s.page(r, "conflict.title"), v))
	case err != nil:
		s.storeFailed(w, r, err)
	default:
		s.redirect(w, r, "/cases/"+itoa(id), "flash.saved")
	}
}
