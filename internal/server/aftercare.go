package server

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/aftercare"
	"github.com/handshake-mekong/handshake/internal/geo"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/web"
)

// Aftercare: a survivor's notes and services, under the survivor's page,
// and each caseworker's follow-ups due. What of a note a viewer sees is the
// store's answer to DESIGN §3.5.

// aftercareRoutes serves /aftercare: pages across survivors.
func (s *Server) aftercareRoutes(r chi.Router) {
	r.Use(s.allow(access.Actor.CanSeeFollowUps))
	r.Get("/followups", s.followUps)
}

// survivorAftercareRoutes serves /cases/{case}/people/{person}/aftercare,
// inside caseRoutes and its rule that only roles reading cases get there.
func (s *Server) survivorAftercareRoutes(r chi.Router) {
	r.Get("/", s.aftercareShow)
	r.Post("/notes", s.aftercareNoteCreate)
	r.Post("/services", s.serviceCreate)
	r.Post("/services/{service}", s.serviceUpdate)
}

func (s *Server) followUps(w http.ResponseWriter, r *http.Request) {
	list, err := s.aftercare.FollowUpsDue(r.Context(), actorFrom(r.Context()))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	v := web.FollowUpsView{FollowUps: list, Today: geo.Today(time.Now())}
	s.render(w, r, http.StatusOK, web.FollowUpsPage(s.page(r, "aftercare.followups"), v))
}

// aftercareForms is what the page shows in its forms: the defaults, or a
// form that failed and comes back with the user's input and its errors.
type aftercareForms struct {
	note, service, status web.Form
	statusFor             int64
}

func (s *Server) aftercareShow(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok {
		return
	}
	s.renderAftercare(w, r, caseID, personID, http.StatusOK, aftercareForms{})
}

func (s *Server) renderAftercare(w http.ResponseWriter, r *http.Request, caseID, personID int64, status int, forms aftercareForms) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	v, err := s.aftercare.Page(ctx, actor, caseID, personID)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	av := web.AftercareView{V: v, Can: web.AftercareCanFor(actor, v), NoteForm: forms.note, ServiceForm: forms.service,
		StatusForm: forms.status, StatusFor: forms.statusFor}
	if av.NoteForm.Values == nil {
		// The narrower visibility unless the caseworker chooses otherwise.
		av.NoteForm.Values = url.Values{"visibility": {string(access.AgencyOnly)}}
	}
	if av.ServiceForm.Values == nil {
		av.ServiceForm.Values = url.Values{"status": {"planned"}, "starts_on": {geo.Today(time.Now()).Format(time.DateOnly)},
			"provider": {strconv.Itoa(int(actor.AgencyID))}}
	}
	if av.Can.RecordService {
		if av.Providers, err = s.providerOptions(r); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	// Notes are case work about a survivor: not for a shared computer's
	// cache.
	w.Header().Set("Cache-Control", "no-store")
	p := s.page(r, "aftercare.title")
	p.Title = i18n.T(ctx, "aftercare.title") + " · " + v.Survivor.Code
	s.render(w, r, status, web.AftercarePage(p, av))
}

// providerOptions lists the agencies that may provide a service.
func (s *Server) providerOptions(r *http.Request) ([]web.Option, error) {
	list, err := s.aftercare.Providers(r.Context())
	if err != nil {
		return nil, err
	}
	out := []web.Option{{Value: "", Label: i18n.T(r.Context(), "form.choose")}}
	for _, a := range list {
		out = append(out, web.Option{Value: strconv.Itoa(int(a.ID)), Label: a.ShortName + " · " + a.Name})
	}
	return out, nil
}

func (s *Server) aftercareNoteCreate(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	in := aftercare.NoteInput{Category: f.Get("category"), Body: f.Get("body"), FollowUpOn: f.Get("follow_up_on"),
		Visibility: access.NoteVisibility(f.Get("visibility"))}
	_, err := s.aftercare.AddNote(r.Context(), actorFrom(r.Context()), caseID, personID, in)
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderAftercare(w, r, caseID, personID, http.StatusUnprocessableEntity, aftercareForms{note: web.Form{Values: f, Errors: verrs}})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, web.AftercareURL(caseID, personID)+"#notes", "aftercare.note_added")
}

func (s *Server) serviceCreate(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	provider, _ := strconv.ParseInt(f.Get("provider"), 10, 32)
	in := aftercare.ServiceInput{Kind: f.Get("kind"), Provider: int32(provider), Status: f.Get("status"),
		StartsOn: f.Get("starts_on"), EndsOn: f.Get("ends_on"), Note: f.Get("note")}
	_, err := s.aftercare.AddService(r.Context(), actorFrom(r.Context()), caseID, personID, in)
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderAftercare(w, r, caseID, personID, http.StatusUnprocessableEntity, aftercareForms{service: web.Form{Values: f, Errors: verrs}})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, web.AftercareURL(caseID, personID)+"#services", "aftercare.service_added")
}

func (s *Server) serviceUpdate(w http.ResponseWriter, r *http.Request) {
	caseID, personID, ok := s.personIDs(w, r)
	if !ok {
		return
	}
	serviceID, ok := idParam(r, "service")
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	err := s.aftercare.UpdateService(r.Context(), actorFrom(r.Context()), caseID, personID, serviceID, r.PostForm.Get("status"))
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderAftercare(w, r, caseID, personID, http.StatusUnprocessableEntity,
			aftercareForms{status: web.Form{Values: r.PostForm, Errors: verrs}, statusFor: serviceID})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, web.AftercareURL(caseID, personID)+"#service-"+itoa(serviceID), "aftercare.service_updated")
}
