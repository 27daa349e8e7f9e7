package server

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/web"
)

// The people on a case. Their pages show a pseudonymous code; identity
// appears only on the answer to an explicit, audited reveal.

func (s *Server) personNew(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	s.renderPersonForm(w, r, id, http.StatusOK, web.Form{Values: url.Values{"sex": {"unknown"}}})
}

func (s *Server) renderPersonForm(w http.ResponseWriter, r *http.Request, id int64, status int, f web.Form) {
	actor := actorFrom(r.Context())
	c, err := s.cases.Get(r.Context(), actor, id)
	if err == nil && !actor.CanAddToCase(c.Facts()) {
		err = cases.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	v := web.PersonFormView{Case: c, Form: f, CanRecordConsent: actor.CanRecordConsent(c.Facts())}
	s.render(w, r, status, web.PersonFormPage(s.page(r, "people.add"), v))
}

func personInput(f url.Values) cases.PersonInput {
	return cases.PersonInput{Role: access.PersonRole(f.Get("role")), Names: f.Get("names"), Aliases: f.Get("aliases"),
		Sex: f.Get("sex"), DateOfBirth: f.Get("date_of_birth"), AgeEstimate: f.Get("age_estimate"),
		Nationality: f.Get("nationality"), Languages: f.Get("languages"), Documents: f.Get("documents"),
		SuspectStatus: f.Get("suspect_status"), Consent: f.Get("consent") == "1"}
}

func (s *Server) personCreate(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	_, err := s.cases.AddPerson(r.Context(), actorFrom(r.Context()), id, personInput(r.PostForm))
	if verrs, ok := fieldErrors(err); ok {
		s.renderPersonForm(w, r, id, http.StatusUnprocessableEntity, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(id)+"#people", "flash.person_added")
}

// personIDs reads {case} and {person}.
func (s *Server) personIDs(w http.ResponseWriter, r *http.Request) (int64, int64, bool) {
	c, ok1 := idParam(r, "case")
	p, ok2 := idParam(r, "person")
	if !ok1 || !ok2 {
		s.notFound(w, r)
		return 0, 0, false
	}
	return c, p, true
}

func (s *Server) personShow(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok {
		return
	}
	s.renderPerson(w, r, caseID, personID, http.StatusOK, nil, web.Form{})
}

func (s *Server) renderPerson(w http.ResponseWriter, r *http.Request, caseID, personID int64, status int, identity *cases.Identity, override web.Form) {
	actor := actorFrom(r.Context())
	v, err := s.cases.Page(r.Context(), actor, caseID)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	for _, p := range v.People {
		if p.ID != personID {
			continue
		}
		pv := web.PersonView{Case: v.Case, Person: p, Identity: identity, MaySee: actor.CanSeeIdentity(v.Case.Facts(), p.Facts()),
			Can: web.CaseCanFor(actor, v.Case), OverrideForm: override}
		if identity != nil {
			w.Header().Set("Cache-Control", "no-store")
		}
		page := s.page(r, "people.title")
		page.Title = p.Code
		s.render(w, r, status, web.PersonPage(page, pv))
		return
	}
	s.notFound(w, r)
}

// personReveal shows who a person is, once, on the answer to a POST: the
// store records the reveal as an audit event.
func (s *Server) personReveal(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok {
		return
	}
	_, _, identity, err := s.cases.RevealIdentity(r.Context(), actorFrom(r.Context()), caseID, personID)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.renderPerson(w, r, caseID, personID, http.StatusOK, &identity, web.Form{})
}

func (s *Server) personConsent(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	if err := s.cases.SetConsent(r.Context(), actorFrom(r.Context()), caseID, personID, r.PostForm.Get("consent") == "1"); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(caseID)+"/people/"+itoa(personID), "flash.saved")
}

func (s *Server) personOverride(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.cases.Override(r.Context(), actorFrom(r.Context()), caseID, personID, r.PostForm.Get("reason"))
	if verrs, ok := fieldErrors(err); ok {
		s.renderPerson(w, r, caseID, personID, http.StatusUnprocessableEntity, nil, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(caseID)+"/people/"+itoa(personID), "flash.saved")
}

// personEdit opens a person's record for correction. It shows their
// identity, so opening it is an audited reveal.
func (s *Server) personEdit(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok {
		return
	}
	actor := actorFrom(r.Context())
	c, p, id, err := s.cases.RevealIdentity(r.Context(), actor, caseID, personID)
	if err == nil && !actor.CanEditCase(c.Facts()) {
		err = cases.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	f := url.Values{"names": {strings.Join(id.Names, "\n")}, "aliases": {strings.Join(id.Aliases, "\n")},
		"sex": {p.Sex}, "nationality": {p.Nationality}, "languages": {id.Languages}, "documents": {id.Documents}}
	if id.DateOfBirth != nil {
		f.Set("date_of_birth", id.DateOfBirth.Format(time.DateOnly))
	}
	if p.AgeEstimate != nil {
		f.Set("age_estimate", itoa(int64(*p.AgeEstimate)))
	}
	if p.SuspectStatus != nil {
		f.Set("suspect_status", *p.SuspectStatus)
	}
	w.Header().Set("Cache-Control", "no-store")
	s.render(w, r, http.StatusOK, web.PersonFormPage(s.page(r, "people.title"), web.PersonFormView{Case: c, Person: &p, Form: web.Form{Values: f}}))
}

func (s *Server) personUpdate(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	actor := actorFrom(r.Context())
	err := s.cases.UpdatePerson(r.Context(), actor, caseID, personID, personInput(r.PostForm))
	if verrs, invalid := fieldErrors(err); invalid {
		v, err := s.cases.Page(r.Context(), actor, caseID)
		if err != nil {
			s.storeFailed(w, r, err)
			return
		}
		i := slices.IndexFunc(v.People, func(p cases.Person) bool { return p.ID == personID })
		if i < 0 {
			s.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		s.render(w, r, http.StatusUnprocessableEntity, web.PersonFormPage(s.page(r, "people.title"),
			web.PersonFormView{Case: v.Case, Person: &v.People[i], Form: web.Form{Values: r.PostForm, Errors: verrs}}))
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/cases/"+itoa(caseID)+"/people/"+itoa(personID), "flash.saved")
}
