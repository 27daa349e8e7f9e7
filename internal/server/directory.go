package server

import (
	"bytes"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/handshake-mekong/handshake/internal/access"
	"github.com/handshake-mekong/handshake/internal/directory"
	"github.com/handshake-mekong/handshake/internal/i18n"
	"github.com/handshake-mekong/handshake/web"
)

// The partner directory (DESIGN §2 Contact): every signed-in user searches
// it; an agency's admins and coordinators keep their agency's entries.

// directoryRoutes serves /directory.
func (s *Server) directoryRoutes(r chi.Router) {
	r.Get("/", s.directoryList)
	r.Get("/export.vcf", s.directoryVCard)
	r.Group(func(r chi.Router) {
		r.Use(s.allow(access.Actor.ManagesContacts))
		r.Get("/new", s.contactNew)
		r.Post("/new", s.contactCreate)
		r.Get("/stale", s.contactsStale)
		r.Get("/{id}/edit", s.contactEdit)
		r.Post("/{id}/edit", s.contactUpdate)
		r.Post("/{id}/verify", s.contactVerify)
		r.Post("/{id}/delete", s.contactDelete)
	})
	r.Get("/{id}", s.contactShow) // also {id}.vcf
}

// directoryFilter reads a search from the query string.
func directoryFilter(q url.Values) directory.Filter {
	agency, _ := strconv.ParseInt(q.Get("agency"), 10, 32)
	return directory.Filter{Name: strings.TrimSpace(q.Get("name")), AgencyID: int32(agency), Country: q.Get("country"),
		Province: q.Get("province"), Language: q.Get("language"), FocalPoint: q.Get("focal") == "1"}
}

func (s *Server) directoryList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	actor := actorFrom(ctx)
	q := r.URL.Query()
	after, verrs := directory.ParseCursor(q.Get("after"))
	status := http.StatusOK
	var res directory.Result
	if len(verrs) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		var err error
		if res, err = s.directory.SearchPage(ctx, actor, directoryFilter(q), after); err != nil {
			s.storeFailed(w, r, err)
			return
		}
	}
	agencies, err := s.directory.Agencies(ctx)
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	opts := []web.Option{{Value: "", Label: i18n.T(ctx, "directory.any")}}
	for _, a := range agencies {
		opts = append(opts, web.Option{Value: strconv.Itoa(int(a.ID)), Label: a.ShortName + " · " + a.Name})
	}
	// Later pages keep the filters; the first page, and the download, are
	// the search without a cursor.
	search := cloneValues(q)
	search.Del("after")
	v := web.DirectoryView{Filter: web.Form{Values: q, Errors: verrs}, Agencies: opts, Contacts: res.Contacts,
		Today: s.directory.Today(), Manages: actor.ManagesContacts(), Query: search.Encode()}
	v.FirstURL, v.NextURL = pageURLs("/directory", search, q.Get("after") != "", res.Next)
	s.render(w, r, status, web.DirectoryPage(s.page(r, "directory.title"), v))
}

// writeVCard sends entries as a .vcf file.
func (s *Server) writeVCard(w http.ResponseWriter, r *http.Request, name string, list []directory.Contact) {
	var buf bytes.Buffer
	if err := directory.WriteCards(&buf, list); err != nil {
		s.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/vcard; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	buf.WriteTo(w)
}

// directoryVCard downloads the filtered list, as the search shows it.
func (s *Server) directoryVCard(w http.ResponseWriter, r *http.Request) {
	list, err := s.directory.Search(r.Context(), actorFrom(r.Context()), directoryFilter(r.URL.Query()))
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.writeVCard(w, r, "handshake-directory.vcf", list)
}

func (s *Server) contactShow(w http.ResponseWriter, r *http.Request) {
	raw := chi.URLParam(r, "id")
	vcf := strings.HasSuffix(raw, ".vcf")
	id, err := strconv.ParseInt(strings.TrimSuffix(raw, ".vcf"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	ctx := r.Context()
	actor := actorFrom(ctx)
	c, err := s.directory.Get(ctx, actor, id)
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	if vcf {
		s.writeVCard(w, r, "contact-"+itoa(id)+".vcf", []directory.Contact{c})
		return
	}
	p := s.page(r, "directory.title")
	p.Title = c.Name
	s.render(w, r, http.StatusOK, web.ContactPage(p, web.ContactView{C: c, Today: s.directory.Today(),
		Manage: actor.CanManageContacts(c.AgencyID)}))
}

// contactInput reads the entry form.
func contactInput(f url.Values) directory.Input {
	return directory.Input{Name: f.Get("name"), Position: f.Get("position"), Unit: f.Get("unit"), Phones: f.Get("phones"),
		LineID: f.Get("line_id"), WhatsApp: f.Get("whatsapp"), Telegram: f.Get("telegram"), Signal: f.Get("signal"),
		Email: f.Get("email"), Languages: f["languages"], Provinces: f["provinces"], FocalPoint: f.Get("focal_point") == "1",
		Visibility: access.ContactVisibility(f.Get("visibility")), Active: f.Get("active") == "1"}
}

func (s *Server) renderContactForm(w http.ResponseWriter, r *http.Request, status int, id int64, f web.Form) {
	title := "directory.new"
	if id != 0 {
		title = "directory.edit"
	}
	s.render(w, r, status, web.ContactFormPage(s.page(r, title), web.ContactFormView{ID: id, Form: f}))
}

func (s *Server) contactNew(w http.ResponseWriter, r *http.Request) {
	s.renderContactForm(w, r, http.StatusOK, 0, web.Form{Values: url.Values{
		"visibility": {string(access.ContactPartners)}, "active": {"1"}}})
}

func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	id, err := s.directory.Create(r.Context(), actorFrom(r.Context()), contactInput(r.PostForm))
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderContactForm(w, r, http.StatusUnprocessableEntity, 0, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/directory/"+itoa(id), "directory.saved")
}

func (s *Server) contactEdit(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	actor := actorFrom(r.Context())
	c, err := s.directory.Get(r.Context(), actor, id)
	if err == nil && !actor.CanManageContacts(c.AgencyID) {
		err = directory.ErrNotFound
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	v := url.Values{"name": {c.Name}, "position": {c.Position}, "unit": {c.Unit}, "phones": {strings.Join(c.Phones, "\n")},
		"line_id": {c.LineID}, "whatsapp": {c.WhatsApp}, "telegram": {c.Telegram}, "signal": {c.Signal}, "email": {c.Email},
		"languages": c.Languages, "provinces": c.Provinces, "visibility": {string(c.Visibility)}}
	if c.FocalPoint {
		v.Set("focal_point", "1")
	}
	if c.Active {
		v.Set("active", "1")
	}
	s.renderContactForm(w, r, http.StatusOK, id, web.Form{Values: v})
}

func (s *Server) contactUpdate(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	err := s.directory.Update(r.Context(), actorFrom(r.Context()), id, contactInput(r.PostForm))
	if verrs, invalid := fieldErrors(err); invalid {
		s.renderContactForm(w, r, http.StatusUnprocessableEntity, id, web.Form{Values: r.PostForm, Errors: verrs})
		return
	}
	if err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/directory/"+itoa(id), "directory.saved")
}

func (s *Server) contactVerify(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	if err := s.directory.Verify(r.Context(), actorFrom(r.Context()), id); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	to := "/directory/" + itoa(id)
	if r.PostForm.Get("back") == "stale" {
		// Back to the page the entry was on: the entry, now checked, has
		// left the list, and the page's cursor still holds.
		to = "/directory/stale"
		if after := r.PostForm.Get("after"); after != "" {
			to += "?" + url.Values{"after": {after}}.Encode()
		}
	}
	s.redirect(w, r, to, "directory.verified")
}

func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request) {
	id, ok := idParam(r, "id")
	if !ok {
		s.notFound(w, r)
		return
	}
	if err := s.directory.Delete(r.Context(), actorFrom(r.Context()), id); err != nil {
		s.storeFailed(w, r, err)
		return
	}
	s.redirect(w, r, "/directory", "directory.deleted")
}

func (s *Server) contactsStale(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, verrs := directory.ParseStaleCursor(q.Get("after"))
	status := http.StatusOK
	v := web.StaleView{Today: s.directory.Today(), After: q.Get("after")}
	if len(verrs) > 0 {
		status, v.Broken, v.After = http.StatusUnprocessableEntity, true, ""
	} else {
		res, err := s.directory.Stale(r.Context(), actorFrom(r.Context()), after)
		if err != nil {
			s.storeFailed(w, r, err)
			return
		}
		v.Contacts = res.Contacts
		v.FirstURL, v.NextURL = pageURLs("/directory/stale", url.Values{}, q.Get("after") != "", res.Next)
	}
	s.render(w, r, status, web.StalePage(s.page(r, "directory.stale_title"), v))
}
