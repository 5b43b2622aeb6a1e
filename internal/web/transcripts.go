package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/internal/certificate"
	"github.com/laurel-badges/laurel/issuer"
)

// transcriptGroup is one badge of a transcript with every award of it, in
// the order the student earned them.
type transcriptGroup struct {
	Achievement *issuer.Achievement
	Awards      []transcriptAward
}

// transcriptAward is one credential as the transcript page and PDF show it.
type transcriptAward struct {
	Activity     string
	Dates        string
	IssuedOn     string
	Status       string // "Active", "Revoked" or "Expired", as on the badge page
	URL          string
	Verification *verificationView // nil on the PDF, which is checked by scanning it
}

// groupTranscript groups a student's badges by achievement, in the order
// of each achievement's first award, oldest first.
func (s *Server) groupTranscript(ctx context.Context, badges []*issuer.StudentBadge, verify bool) []transcriptGroup {
	var groups []transcriptGroup
	index := map[string]int{}
	for i := len(badges) - 1; i >= 0; i-- { // StudentBadges is newest first
		b := badges[i]
		award := transcriptAward{URL: s.Service.URLs.Credential(b.Award.Credential.ID)}
		if page, err := newCredentialPage(b.Award); err == nil {
			award.Activity, award.Dates, award.IssuedOn, award.Status = page.Activity, page.ActivityDates, page.IssuedOn, page.Status
		}
		if award.Activity == "" && b.Activity != nil {
			award.Activity = b.Activity.Title
		}
		if verify {
			award.Verification = newVerificationView(s.verifyOwnCredential(ctx, b.Award))
		}

		g, ok := index[b.Achievement.ID]
		if !ok {
			g = len(groups)
			index[b.Achievement.ID] = g
			groups = append(groups, transcriptGroup{Achievement: b.Achievement})
		}
		groups[g].Awards = append(groups[g].Awards, award)
	}
	return groups
}

// publicTranscript handles GET /transcripts/{token}: the page behind a
// transcript's QR code, which lists every credential of the student and
// checks each of them as the badge pages do.
func (s *Server) publicTranscript(w http.ResponseWriter, r *http.Request) {
	st, badges, err := s.Service.PublicTranscript(r.Context(), chi.URLParam(r, "token"))
	if errors.Is(err, issuer.ErrNotFound) {
		s.logError(r, http.StatusNotFound, err)
		s.renderErrorPage(w, r, errorPage{Status: http.StatusNotFound, Title: "Transcript link not found",
			Message: "No transcript has this address. Check that the link is complete, or scan the QR code on the transcript again."})
		return
	}
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	issuerName := ""
	if p, err := s.Service.Profile(r.Context()); err == nil {
		issuerName = p.Name
	}

	w.Header().Set("Referrer-Policy", "no-referrer") // the URL is the secret
	s.renderPublic(w, r, http.StatusOK, "public/transcript.html", pageCSP, map[string]any{
		"Student": st, "Issuer": issuerName, "Groups": s.groupTranscript(r.Context(), badges, true),
	})
}

// writeTranscriptPDF writes the student's Non-Academic Transcript, whose
// QR code leads to the public transcript page.
func (s *Server) writeTranscriptPDF(ctx context.Context, w io.Writer, st *issuer.Student) error {
	if s.Fonts == nil {
		return errNoFonts
	}
	badges, err := s.Service.StudentBadges(ctx, st)
	if err != nil {
		return err
	}
	link, err := s.Service.TranscriptLink(ctx, st)
	if err != nil {
		return err
	}

	tr := &certificate.Transcript{
		Student: st.Name, StudentNumber: st.Number, Programme: st.Programme,
		Link: link, Made: time.Now(),
	}
	if st.ChineseName != "" {
		tr.OtherNames = []string{st.ChineseName}
	}
	profile, err := s.Service.Profile(ctx)
	if err != nil && !errors.Is(err, issuer.ErrNotFound) {
		return err
	}
	if profile != nil {
		tr.Institution = profile.Name
		if profile.ImageURL != "" && s.Logos != nil {
			tr.Logo, _ = s.Logos.Logo(ctx, profile.ImageURL)
		}
	}
	for _, g := range s.groupTranscript(ctx, badges, false) {
		group := certificate.TranscriptGroup{Badge: g.Achievement.Name, Description: g.Achievement.Description}
		img, err := s.badgePNG(ctx, g.Achievement)
		if err != nil {
			// The transcript is still complete without the badge's image.
			s.log.WarnContext(ctx, "badge image for transcript", "achievement_id", g.Achievement.ID, "err", err)
		}
		group.Image = img
		for _, a := range g.Awards {
			group.Awards = append(group.Awards, certificate.TranscriptAward{
				Activity: a.Activity, Dates: a.Dates, IssuedOn: a.IssuedOn, Status: a.Status, URL: a.URL,
			})
		}
		tr.Groups = append(tr.Groups, group)
	}

	if err := certificate.WriteTranscript(w, s.Fonts, tr); err != nil {
		return fmt.Errorf("write transcript of student %s: %w", st.Number, err)
	}
	return nil
}
