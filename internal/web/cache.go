package web

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/google/uuid"
)

// Cache-Control values of the public documents. They let a CDN carry
// verification traffic; the ETag makes revalidation cheap.
const (
	// cachePublicDocument applies to the keys, the issuer profile and
	// achievement definitions, which change rarely.
	cachePublicDocument = "public, max-age=300"

	// cacheImage applies to badge images.
	cacheImage = "public, max-age=3600"

	// cacheCredential makes caches revalidate every time, so that a
	// revocation shows on the badge page at once.
	cacheCredential = "public, no-cache"
)

// serveCached sends body with a strong ETag over its bytes and the given
// Cache-Control. http.ServeContent returns 304 for a matching If-None-Match
// and handles HEAD and Range. The caller sets Content-Type.
func serveCached(w http.ResponseWriter, r *http.Request, body []byte, cacheControl string) {
	serveWithETag(w, r, body, strongETag(body), cacheControl)
}

// serveWithETag is serveCached with an entity tag the caller computed.
func serveWithETag(w http.ResponseWriter, r *http.Request, body []byte, etag, cacheControl string) {
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", cacheControl)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// serveCachedJSON marshals v and sends it with serveCached.
func serveCachedJSON(w http.ResponseWriter, r *http.Request, contentType string, v any, cacheControl string) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"error":{"code":"internal_error","message":"internal error"}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	serveCached(w, r, append(body, '\n'), cacheControl)
}

// isUUID reports whether s is a UUID in its canonical 36-character form,
// the only form that record ids take.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}
