package server

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/cases"
	"github.com/handshake-mekong/handshake/internal/referrals"
	"github.com/handshake-mekong/handshake/web"
)

// The referral inbox and each referral's page, for the roles that read
// cases; the store asks the rules again on every step.
func (s *Server) referralRoutes(r chi.Router) {
	r.Use(s.allow(access.Actor.ReadsCases))
	r.Get("/", s.inbox)
	r.Get("/{referral}", s.referralShow)
	r.Post("/{referral}/accept", s.referralStep((*referrals.Store).Accept))
	r.Post("/{referral}/withdraw", s.referralStep((*referrals.Store).Withdraw))
	r.Post("/{referral}/complete", s.referralStep((*referrals.Store).Complete))
	r.Post("/{referral}/decline", s.referralDecline)
	r.Post("/{referral}/assign", s.referralAssign)
}

func (s *Server) inbox(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := referrals.Filter{Direction: q.Get("direction"), State: q.Get("state"), Purpose: q.Get("purpose"),
		CrossBorder: q.Get("cross_border"), Overdue: q.Get("overdue") == "1"}
	actor := actorFrom(r.Context())
	list, err := s.referrals.Inbox(r.Context(), actor, f)
	v := web.InboxView{Filter: web.Form{Values: q}, Referrals: list, AgencyID: actor.AgencyID, Now: time.Now()}
	status := http.StatusOK
	if verrs, ok := fieldErrors(err); ok {
		v.Filter.Errors, status = verrs, http.StatusUnprocessableEntity
	} else if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.render(w, r, status, web.InboxPage(s.page(r, "referrals.title"), v))
}

func (s *Server) referralID(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := idParam(r, "referral")
	if !ok {
		s.notFound(w, r)
	}
	return id, ok
}

func (s *Server) referralShow(w http.ResponseWriter, r *http.Request) {
	id, ok := s.referralID(w, r)
	if !ok {
		return
	}
	s.renderReferral(w, r, id, http.StatusOK, web.Form{})
}

func (s *Server) renderReferral(w http.ResponseWriter, r *http.Request, id int64, status int, decline web.Form) {
	actor := actorFrom(r.Context())
	ref, err := s.referrals.Get(r.Context(), actor, id)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	f := ref.Facts()
	v := web.ReferralView{R: ref, DeclineForm: decline, Now: time.Now(), Can: web.ReferralCan{
		Respond: actor.CanRespondToReferral(f), Withdraw: actor.CanWithdrawReferral(f), Complete: actor.CanCompleteReferral(f),
		OpenCase: actor.CanOpenReferredCase(f, ref.State)}}
	if v.Can.Respond {
		people, err := s.referrals.Assignees(r.Context(), actor)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, p := range people {
			v.Assignees = append(v.Assignees, web.Option{Value: itoa(p.ID), Label: p.Name})
		}
	}
	page := s.page(r, "referrals.title")
	page.Title = ref.Reference
	s.render(w, r, status, web.ReferralPage(page, v))
}

// referralStep answers a one-button step: accept, withdraw or complete.
func (s *Server) referralStep(step func(*referrals.Store, context.Context, access.Actor, int64) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, ok := s.referralID(w, r)
		if !ok {
			return
		}
		s.afterStep(w, r, id, step(s.referrals, r.Context(), actorFrom(r.Context()), id))
	}
}

// afterStep redirects to the referral, or says why the step could not be
// taken: a referral no longer in the state the page showed gets the page
// again with a message, not an error.
func (s *Server) afterStep(w http.ResponseWriter, r *http.Request, id int64, err error) {
	switch {
	case errors.Is(err, referrals.ErrTransition):
		s.sessions.Put(r.Context(), sessionFlash, "flash.referral_moved_on")
		http.Redirect(w, r, "/referrals/"+itoa(id), http.StatusSeeOther)
	case errors.Is(err, referrals.ErrNotFound):
		s.notFound(w, r)
	case err != nil:
		s.storeFailed(w, r, err)
	default:
		s.redirect(w, r, "/referrals/"+itoa(id), "flash.saved")
	}
}

func (s *Server) referralDecline(w http.ResponseWriter, r *http.Request) {
	id, ok := s.referralID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	err := s.referrals.Decline(r.Context(), actorFrom(r.Context()), id, r.PostForm.Get("reason"))
	if verrs, ok := fieldErrors(err); ok {
		s.renderReferral(w, r, id, http.StatusUnprocessableEntity, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	s.afterStep(w, r, id, err)
}

func (s *Server) referralAssign(w http.ResponseWriter, r *http.Request) {
	id, ok := s.referralID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	user, _ := strconv.ParseInt(r.PostForm.Get("assignee"), 10, 64)
	err := s.referrals.Assign(r.Context(), actorFrom(r.Context()), id, user)
	if _, ok := fieldErrors(err); ok {
		s.renderReferral(w, r, id, http.StatusUnprocessableEntity, web.Form{})
		return
	}
	s.afterStep(w, r, id, err)
}

// referNew and refer are the referral form of a case.
func (s *Server) referNew(w http.ResponseWriter, r *http.Request) {
	id, ok := s.caseID(w, r)
	if !ok {
		return
	}
	s.renderReferForm(w, r, id, http.StatusOK, web.Form{Values: url.Values{"urgency": {"normal"}}})
}

func (s *Server) renderReferForm(w http.ResponseWriter, r *http.Request, id int64, status int, f web.Form) {
	actor := actorFrom(r.Context())
	c, err := s.cases.Get(r.Context(), actor, id)
	if err == nil && !actor.CanReferCase(c.Facts()) {
		err = cases.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	agencies, err := s.agencyOptions(r, "form.choose", actor.AgencyID)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	s.render(w, r, status, web.ReferFormPage(s.page(r, "referral.send"), web.ReferFormView{Case: c, Form: f, Agencies: agencies}))
}

func (s *Server) refer(w http.ResponseWriter, r *http.Request) {
	caseID, ok := s.caseID(w, r)
	if !ok || !s.parseForm(w, r) {
		return
	}
	f := r.PostForm
	to, _ := strconv.ParseInt(f.Get("to_agency"), 10, 32)
	in := referrals.SendInput{ToAgency: int32(to), Purpose: f.Get("purpose"), Urgency: f.Get("urgency"), Message: f.Get("message"),
		RespondBy: f.Get("respond_by"), IncludeIdentity: f.Get("include_identity") == "1", IdentityReason: f.Get("identity_reason")}
	id, err := s.referrals.Send(r.Context(), actorFrom(r.Context()), caseID, in)
	if verrs, ok := fieldErrors(err); ok {
		s.renderReferForm(w, r, caseID, http.StatusUnprocessableEntity, web.Form{Values: f, Errors: verrs})
		return
	}
	if errors.Is(err, referrals.ErrNotFound) {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/referrals/"+itoa(id), "flash.referral_sent")
}
