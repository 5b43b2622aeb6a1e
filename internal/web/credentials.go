package web

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// Media types a credential URL serves, in the order of preference used
// when an Accept header rates several equally: people first, then the
// decoded credential, then the compact JWS.
const (
	typeHTML     = "text/html"
	typeJSON     = "application/json"
	typeVCLD     = "application/vc+ld+json"
	typeLD       = "application/ld+json"
	typeText     = "text/plain"
	typeVCJWT    = "application/vc+jwt"
	typeJWT      = "application/jwt"
	textPlainUTF = "text/plain; charset=utf-8"
	htmlUTF      = "text/html; charset=utf-8"
)

var credentialOffers = []string{typeHTML, typeJSON, typeVCLD, typeLD, typeText, typeVCJWT, typeJWT}

// credentialFormats maps the ?format= values and the .json and .jwt URL
// suffixes to the media type they select.
var credentialFormats = map[string]string{"html": typeHTML, "json": typeJSON, "jwt": typeText}

// pageCSP allows the badge page its own stylesheet and images from this
// server or any HTTPS origin (an issuer logo may live elsewhere), and
// nothing else: the page has no scripts.
const pageCSP = "default-src 'none'; img-src 'self' https: data:; style-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// credential serves one credential by content negotiation: the HTML badge
// page, the credential JSON or the compact JWS as stored at issue time.
func (s *Server) credential(w http.ResponseWriter, r *http.Request) {
	id, format := splitCredentialID(chi.URLParam(r, "id"))
	if f := r.URL.Query().Get("format"); f != "" {
		format = f
	}
	// Every response, a 406 too, depends on Accept, so caches must key on it.
	w.Header().Add("Vary", "Accept")
	mediaType, err := credentialMediaType(r, format)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	award, err := s.findCredential(r, id)
	if err != nil {
		s.writeCredentialError(w, r, mediaType, err)
		return
	}

	w.Header().Set("Link", fmt.Sprintf(`<%s>; rel="canonical"`, s.Service.URLs.Credential(award.Credential.ID)))
	switch mediaType {
	case typeHTML:
		s.serveCredentialPage(w, r, award)
	case typeJSON, typeVCLD, typeLD:
		w.Header().Set("Content-Type", mediaType)
		serveCached(w, r, award.Credential.Document, cacheCredential)
	default:
		w.Header().Set("Content-Type", jwsContentType(mediaType))
		serveCached(w, r, []byte(award.Credential.JWS), cacheCredential)
	}
}

// splitCredentialID separates a .json or .jwt suffix from the id.
func splitCredentialID(param string) (id, format string) {
	for _, ext := range []string{"json", "jwt"} {
		if base, ok := strings.CutSuffix(param, "."+ext); ok {
			return base, ext
		}
	}
	return param, ""
}

// credentialMediaType picks the representation from the format, when the
// URL names one, or else from the Accept header.
func credentialMediaType(r *http.Request, format string) (string, error) {
	if format != "" {
		mediaType, ok := credentialFormats[strings.ToLower(format)]
		if !ok {
			return "", badRequest("format=%q: use html, json or jwt", format)
		}
		return mediaType, nil
	}

	mediaType := negotiate(r.Header.Get("Accept"), credentialOffers)
	if mediaType == "" {
		return "", &requestError{status: http.StatusNotAcceptable, code: codeNotAcceptable,
			message: "a credential is available as " + strings.Join(credentialOffers, ", ") + "; accept one of these types"}
	}
	return mediaType, nil
}

// jwsContentType is text/plain whichever JWT media type was requested: the
// OB 3.0 document formats name text/plain for a compact JWS on the web, and
// some verifiers reject application/jwt.
func jwsContentType(string) string {
	return textPlainUTF
}

func (s *Server) findCredential(r *http.Request, id string) (*issuer.Award, error) {
	if !isUUID(id) {
		return nil, issuer.ErrNotFound
	}
	return s.Service.CredentialByID(r.Context(), id)
}

// writeCredentialError sends the error of a failed credential lookup as an
// HTML page when the client requested HTML, and as the JSON error otherwise.
func (s *Server) writeCredentialError(w http.ResponseWriter, r *http.Request, mediaType string, err error) {
	if mediaType != typeHTML {
		s.writeError(w, r, err)
		return
	}

	status, _, _ := classify(err)
	s.logError(r, status, err)
	if status == http.StatusNotFound {
		s.renderErrorPage(w, r, errorPage{Status: status, Title: "Credential not found",
			Message: "No credential has this address. Check that the link is complete; credential links end in a long code of letters, digits and dashes."})
		return
	}
	s.renderErrorPage(w, r, errorPage{Status: http.StatusInternalServerError,
		Message: "The credential cannot be shown right now. Try again in a few minutes; if it keeps failing, tell the issuer and give them the reference below."})
}

// serveCredentialPage sends the badge page of award. It goes through the
// shared layout without a session, so that every visitor gets the same
// bytes and caches may keep them under their ETag.
func (s *Server) serveCredentialPage(w http.ResponseWriter, r *http.Request, award *issuer.Award) {
	view, err := newCredentialPage(award)
	if err != nil {
		s.writeCredentialError(w, r, typeHTML, fmt.Errorf("read credential %s: %w", award.Credential.ID, err))
		return
	}
	view.setPreview(s.Service.URLs.Credential(award.Credential.ID))
	view.Verification = newVerificationView(s.verifyOwnCredential(r.Context(), award))

	body, err := executePage("public/credential.html", publicPage(r, view))
	if err != nil {
		s.writeCredentialError(w, r, typeHTML, fmt.Errorf("render credential page: %w", err))
		return
	}
	w.Header().Set("Content-Type", htmlUTF)
	w.Header().Set("Content-Security-Policy", pageCSP)
	serveCached(w, r, body, cacheCredential)
}

// renderPublic sends a public page in the shared layout, without a session
// and uncached, with the Content-Security-Policy csp.
func (s *Server) renderPublic(w http.ResponseWriter, r *http.Request, status int, name, csp string, data any) {
	body, err := executePage(name, publicPage(r, data))
	if err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		s.renderInternalError(w, r)
		return
	}

	h := w.Header()
	h.Set("Content-Type", htmlUTF)
	h.Set("Content-Security-Policy", csp)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}
