package web

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// statusListOffers are the representations of a status list, the compact
// JWS first: verifiers need the signed form, and a client that states no
// preference gets it.
var statusListOffers = []string{typeText, typeVCJWT, typeJWT, typeJSON, typeVCLD, typeLD}

// statusListFormats maps the ?format= values and the .json and .jwt URL
// suffixes to the media type they select.
var statusListFormats = map[string]string{"json": typeJSON, "jwt": typeText}

// cacheStatusList lets caches keep a status list for as long as its ttl
// states, so that a revocation reaches every verifier within that time.
var cacheStatusList = "public, max-age=" + strconv.Itoa(int(issuer.StatusListTTL/time.Second))

// statusList serves a BitstringStatusListCredential by content negotiation:
// the compact JWS as text/plain, or the credential JSON.
func (s *Server) statusList(w http.ResponseWriter, r *http.Request) {
	id, format := splitCredentialID(chi.URLParam(r, "id"))
	if f := r.URL.Query().Get("format"); f != "" {
		format = f
	}
	mediaType, err := statusListMediaType(r, format)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Add("Vary", "Accept")

	if !isUUID(id) {
		s.writeError(w, r, issuer.ErrNotFound)
		return
	}
	list, err := s.Service.StatusListCredential(r.Context(), id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}

	body := []byte(list.JWS)
	contentType := textPlainUTF
	if mediaType == typeJSON || mediaType == typeVCLD || mediaType == typeLD {
		body, contentType = list.Document, mediaType
	}
	w.Header().Set("Content-Type", contentType)
	serveWithETag(w, r, body, strongETag(body), cacheStatusList)
}

func statusListMediaType(r *http.Request, format string) (string, error) {
	if format != "" {
		mediaType, ok := statusListFormats[strings.ToLower(format)]
		if !ok {
			return "", badRequest("format=%q: use json or jwt", format)
		}
		return mediaType, nil
	}

	mediaType := negotiate(r.Header.Get("Accept"), statusListOffers)
	if mediaType == "" {
		return "", &requestError{status: http.StatusNotAcceptable, code: codeNotAcceptable,
			message: "a status list is available as " + strings.Join(statusListOffers, ", ") + "; accept one of these types"}
	}
	return mediaType, nil
}

// strongETag returns a strong entity tag over body: 144 bits of its
// SHA-256, enough that two bodies never share one.
func strongETag(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}
