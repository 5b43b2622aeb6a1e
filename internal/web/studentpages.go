package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// studentRoutes registers the student's pages below /student. Every
// handler reads the student from the session, never from the URL, and a
// request for another student's badge gets 403.
func (s *Server) studentRoutes(r chi.Router) {
	r.Get("/", s.studentBadgesPage)
	r.Get("/badges/{id}", s.studentBadgePage)
	r.Get("/activities", s.studentActivitiesPage)
	r.Get("/publication", s.publicationPage)
	r.Post("/publication", s.setPublicationPage)
	r.Get("/transcript", s.transcriptPage)
	r.Post("/transcript", s.requestTranscriptPage)
	r.Post("/transcript/link", s.replaceTranscriptLink)
}

// studentHomeData is the data of templates/pages/student/home.html.
type studentHomeData struct {
	Student  *issuer.Student
	Progress *issuer.Progress
	Badges   []*issuer.StudentBadge
}

// studentBadgesPage handles GET /student/: progress and every badge.
func (s *Server) studentBadgesPage(w http.ResponseWriter, r *http.Request) {
	ctx, st := r.Context(), sessionStudent(r)
	progress, err := s.Service.StudentProgress(ctx, st)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	badges, err := s.Service.StudentBadges(ctx, st)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "student/home.html", studentHomeData{Student: st, Progress: progress, Badges: badges})
}

// shareLink is one way to share a badge.
type shareLink struct {
	Label string
	Href  string
	Hint  string
}

// studentBadgeData is the data of templates/pages/student/badge.html.
type studentBadgeData struct {
	Badge         *issuer.StudentBadge
	CredentialURL string
	Share         []shareLink
}

// studentBadgePage handles GET /student/badges/{id}: one badge with its
// share options.
func (s *Server) studentBadgePage(w http.ResponseWriter, r *http.Request) {
	b, err := s.Service.StudentBadge(r.Context(), sessionStudent(r), chi.URLParam(r, "id"))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	url := s.Service.URLs.Credential(b.Award.Credential.ID)
	d := studentBadgeData{Badge: b, CredentialURL: url, Share: s.shareLinks(r.Context(), b, url)}
	s.render(w, r, http.StatusOK, "student/badge.html", d)
}

// shareLinks lists the ways to share a badge: its public page, the signed
// credential for wallets and verifiers, the baked image, the QR code and
// the certificate, LinkedIn and email.
func (s *Server) shareLinks(ctx context.Context, b *issuer.StudentBadge, url string) []shareLink {
	path := "/credentials/" + b.Award.Credential.ID
	links := []shareLink{
		{Label: "Open the public badge page", Href: path, Hint: "Anyone with this link sees the badge and whether it is valid."},
		{Label: "Download the PDF certificate", Href: path + "/certificate.pdf", Hint: "A4, with a QR code; the signed credential is attached to the file."},
	}

	// Every badge image has a PNG version, but only an SVG image has an
	// SVG version: wrapping a PNG in SVG would not make it scalable.
	links = append(links, shareLink{Label: "Download the badge image (PNG)", Href: path + "/badge.png", Hint: "The signed credential is baked into the image, so it verifies on its own."})
	if b.Achievement.Image.ContentType == "image/svg+xml" {
		links = append(links, shareLink{Label: "Download the badge image (SVG)", Href: path + "/badge.svg", Hint: "Scalable, for print; the signed credential is baked into it too."})
	}

	links = append(links,
		shareLink{Label: "Download the QR code (PNG)", Href: path + "/qr.png", Hint: "For posters and CVs; it holds the link to this badge."},
		shareLink{Label: "Download the signed credential (JWT)", Href: path + "?format=jwt", Hint: "For digital wallets and verifiers."},
		shareLink{Label: "Download the credential as JSON", Href: path + "?format=json", Hint: "The Open Badges 3.0 credential itself."},
	)

	linkedIn, err := s.linkedInURL(ctx, b.Award)
	if err != nil {
		// The other share options still work; the page shows them without LinkedIn.
		s.log.WarnContext(ctx, "build LinkedIn link", "award_id", b.Award.ID, "err", err)
	} else {
		links = append(links, shareLink{Label: "Add to your LinkedIn profile", Href: linkedIn, Hint: "Opens LinkedIn with the certification filled in."})
	}

	return append(links, shareLink{Label: "Share by email", Href: "mailto:?subject=" + mailtoEscape("My digital badge: "+b.Achievement.Name) + "&body=" + mailtoEscape(url)})
}

// studentActivitiesPage handles GET /student/activities.
func (s *Server) studentActivitiesPage(w http.ResponseWriter, r *http.Request) {
	history, err := s.Service.StudentActivities(r.Context(), sessionStudent(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "student/activities.html", history)
}

// publicationData is the data of templates/pages/student/publication.html.
type publicationData struct {
	Setting  *issuer.PublicationSetting
	Badges   []*issuer.StudentBadge
	Selected map[string]bool // awards checked in the per-badge choice
}

// publicationPage handles GET /student/publication.
func (s *Server) publicationPage(w http.ResponseWriter, r *http.Request) {
	ctx, st := r.Context(), sessionStudent(r)
	setting, err := s.Service.PublicationSetting(ctx, st)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	badges, err := s.Service.StudentBadges(ctx, st)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}

	// The per-badge boxes start from what is published now, so that
	// switching to a selection changes nothing until a box changes.
	selected := map[string]bool{}
	for _, b := range badges {
		selected[b.Award.ID] = b.Published
	}
	s.render(w, r, http.StatusOK, "student/publication.html", publicationData{Setting: setting, Badges: badges, Selected: selected})
}

// setPublicationPage handles POST /student/publication.
func (s *Server) setPublicationPage(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	mode := issuer.PublicationMode(r.PostFormValue("mode"))
	err := s.Service.SetPublication(r.Context(), sessionStudent(r), mode, r.PostForm["award"])
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/student/publication", "success", publicationMessage(mode))
}

func publicationMessage(mode issuer.PublicationMode) string {
	switch mode {
	case issuer.PublishAll:
		return "The Records of Achievement now show all your badges."
	case issuer.PublishNone:
		return "The Records of Achievement no longer show you."
	case issuer.PublishSelected:
		return "The Records of Achievement now show the badges you checked."
	}
	return "The Records of Achievement now follow the choice you made when you enrolled in each activity."
}

// transcriptData is the data of templates/pages/student/transcript.html.
type transcriptData struct {
	Requests []*issuer.TranscriptRequest
	Note     string
	Error    string
}

// transcriptPage handles GET /student/transcript.
func (s *Server) transcriptPage(w http.ResponseWriter, r *http.Request) {
	s.renderTranscript(w, r, http.StatusOK, transcriptData{})
}

func (s *Server) renderTranscript(w http.ResponseWriter, r *http.Request, status int, d transcriptData) {
	requests, err := s.Service.StudentTranscriptRequests(r.Context(), sessionStudent(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	d.Requests = requests
	s.render(w, r, status, "student/transcript.html", d)
}

// requestTranscriptPage handles POST /student/transcript.
func (s *Server) requestTranscriptPage(w http.ResponseWriter, r *http.Request) {
	note := r.PostFormValue("note")
	_, err := s.Service.RequestTranscript(r.Context(), sessionStudent(r), note)
	if errors.Is(err, issuer.ErrInvalid) {
		s.renderTranscript(w, r, http.StatusUnprocessableEntity, transcriptData{Note: note, Error: validationMessage(err)})
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/student/transcript", "success", "Your transcript request is recorded. The learning advisor will contact you when it is ready.")
}

// replaceTranscriptLink handles POST /student/transcript/link: the
// student's transcript link changes, and the old one stops working.
func (s *Server) replaceTranscriptLink(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Service.ReplaceTranscriptLink(r.Context(), sessionStudent(r)); err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.redirect(w, r, "/student/transcript", "success", "Your transcript has a new link. The old link, and the QR code on transcripts you downloaded before, no longer work; download your transcript again for the new one.")
}

// enrolData is the data of templates/pages/student/enrol.html.
type enrolData struct {
	Token    string
	Activity *issuer.Activity
	Badges   []*issuer.Achievement
}

// enrolPage handles GET /enrol/{token}, the page an enrolment link opens.
func (s *Server) enrolPage(w http.ResponseWriter, r *http.Request) {
	token := chi.URLParam(r, "token")
	a, err := s.Service.EnrolmentActivity(r.Context(), token)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	badges, err := s.Service.ActivityBadges(r.Context(), a)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "student/enrol.html", enrolData{Token: token, Activity: a, Badges: badges})
}

// enrolSubmit handles POST /enrol/{token}.
func (s *Server) enrolSubmit(w http.ResponseWriter, r *http.Request) {
	consent := r.PostFormValue("publish") == "yes"
	a, err := s.Service.EnrolByLink(r.Context(), sessionStudent(r), chi.URLParam(r, "token"), consent)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	message := "You are enrolled in " + a.Title + "."
	if consent {
		message += " Badges you earn from it will appear on the Records of Achievement."
	}
	s.redirect(w, r, "/student/activities", "success", message)
}

// transcriptRequestsPage handles GET /admin/transcripts: every transcript
// request with its student, newest first.
func (s *Server) transcriptRequestsPage(w http.ResponseWriter, r *http.Request) {
	requests, err := s.Service.TranscriptRequestsWithStudents(r.Context(), sessionUser(r))
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "admin/transcripts.html", requests)
}

// mailtoEscape escapes s for a mailto: header value. Mail programs read
// %20 as a space but may show a + literally (RFC 6068, section 2).
func mailtoEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
