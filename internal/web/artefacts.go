package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"github.com/go-chi/chi/v5"
	"golang.org/x/sync/singleflight"

	"github.com/laurel-badges/laurel/bake"
	"github.com/laurel-badges/laurel/internal/artefact"
	"github.com/laurel-badges/laurel/internal/certificate"
	"github.com/laurel-badges/laurel/issuer"
)

// artefactVersion changes whenever the drawing of certificates, QR codes
// or badge PNG images changes, so that caches and ETags renew.
const artefactVersion = "2"

// maxCachedArtefacts bounds the files kept in memory. A certificate is
// about 50 KB and a baked image a few KB more than its badge image, so
// the cache stays under some tens of megabytes.
const maxCachedArtefacts = 512

// artefactKind names one file made from a credential.
type artefactKind string

const (
	kindBadgePNG    artefactKind = "badge.png"
	kindBadgeSVG    artefactKind = "badge.svg"
	kindQRPNG       artefactKind = "qr.png"
	kindQRSVG       artefactKind = "qr.svg"
	kindCertificate artefactKind = "certificate.pdf"
)

var artefactTypes = map[artefactKind]string{
	kindBadgePNG:    "image/png",
	kindBadgeSVG:    "image/svg+xml",
	kindQRPNG:       "image/png",
	kindQRSVG:       "image/svg+xml",
	kindCertificate: "application/pdf",
}

// maxCachedBadgeImages bounds the PNG versions of badge images kept in
// memory: one for each achievement in use, each under about 100 KB at
// 512 × 512 pixels.
const maxCachedBadgeImages = 128

// artefactCache keeps recently made files by ETag, oldest out first.
type artefactCache struct {
	mu    sync.Mutex
	limit int // files kept; 0 means maxCachedArtefacts
	files map[string][]byte
	order []string
}

func (c *artefactCache) get(etag string) ([]byte, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	data, ok := c.files[etag]
	return data, ok
}

func (c *artefactCache) put(etag string, data []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.files == nil {
		c.files = map[string][]byte{}
	}
	if _, ok := c.files[etag]; ok {
		return
	}
	limit := c.limit
	if limit == 0 {
		limit = maxCachedArtefacts
	}
	if len(c.order) >= limit {
		delete(c.files, c.order[0])
		c.order = c.order[1:]
	}
	c.files[etag] = data
	c.order = append(c.order, etag)
}

// artefactRoute returns the handler of one file of a credential. Revoked
// and replaced credentials get their files too: the files only carry the
// credential, and a verifier reports its revocation.
func (s *Server) artefactRoute(kind artefactKind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		award, err := s.findCredential(r, chi.URLParam(r, "id"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		ach, err := s.Service.Achievement(r.Context(), award.AchievementID)
		if err != nil {
			s.writeError(w, r, fmt.Errorf("load achievement of credential %s: %w", award.Credential.ID, err))
			return
		}

		data, etag, err := s.artefactBytes(r.Context(), kind, award, ach, r.Header.Get("If-None-Match"))
		if err != nil {
			s.writeError(w, r, err)
			return
		}

		h := w.Header()
		h.Set("Content-Type", artefactTypes[kind])
		if kind == kindBadgeSVG || kind == kindQRSVG {
			h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
		}
		if kind == kindCertificate {
			h.Set("Content-Disposition", `inline; filename="certificate-`+award.Credential.ID+`.pdf"`)
		}
		serveWithETag(w, r, data, etag, cacheImage)
	}
}

// artefactBytes returns a file of a credential and its ETag, from the
// cache when it was made before. The data is nil when ifNoneMatch is
// exactly this ETag, so that the reply is 304 and nothing is drawn.
func (s *Server) artefactBytes(ctx context.Context, kind artefactKind, award *issuer.Award, ach *issuer.Achievement, ifNoneMatch string) ([]byte, string, error) {
	etag := artefactETag(kind, award, ach)
	if data, ok := s.artefacts.get(etag); ok {
		return data, etag, nil
	}
	if ifNoneMatch == etag {
		return nil, etag, nil
	}

	data, err := s.makeArtefact(ctx, kind, award, ach)
	if err != nil {
		return nil, "", err
	}
	s.artefacts.put(etag, data)
	return data, etag, nil
}

// artefactETag hashes everything a file is made from, so that a request
// that revalidates costs no drawing.
func artefactETag(kind artefactKind, award *issuer.Award, ach *issuer.Achievement) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", artefactVersion, kind, award.Credential.ID, award.Credential.JWS)
	if kind != kindQRPNG && kind != kindQRSVG {
		fmt.Fprintf(h, "%s\x00%s\x00%s\x00", ach.Image.ContentType, ach.Code, ach.Name)
		h.Write(ach.Image.Data)
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:16]) + `"`
}

func (s *Server) makeArtefact(ctx context.Context, kind artefactKind, award *issuer.Award, ach *issuer.Achievement) ([]byte, error) {
	credURL := s.Service.URLs.Credential(award.Credential.ID)
	switch kind {
	case kindQRPNG, kindQRSVG:
		qr, err := artefact.NewQR(credURL)
		if err != nil {
			return nil, err
		}
		if kind == kindQRSVG {
			return qr.SVG(), nil
		}
		return qr.PNG()
	case kindBadgeSVG:
		if ach.Image.ContentType != "image/svg+xml" {
			return nil, &requestError{status: http.StatusNotFound, code: codeNotFound,
				message: "this badge's image is a PNG image, so there is no SVG version; download badge.png instead"}
		}
		return bakeImage(bake.SVG(ach.Image.Data, award.Credential.JWS))
	case kindBadgePNG:
		img, err := s.badgePNG(ctx, ach)
		if err != nil {
			return nil, err
		}
		return bakeImage(bake.PNG(img, award.Credential.JWS))
	case kindCertificate:
		return s.certificatePDF(ctx, award, ach)
	}
	return nil, fmt.Errorf("unknown artefact %q", kind)
}

// badgeRasters keeps the PNG versions of SVG badge images, which every
// credential of an achievement shares, by badgeRasterKey.
type badgeRasters struct {
	cache artefactCache
	group singleflight.Group
}

// badgePNG returns the PNG image of a badge: a PNG image as stored, or the
// PNG version of its SVG image, drawn once and then kept in memory.
func (s *Server) badgePNG(ctx context.Context, ach *issuer.Achievement) ([]byte, error) {
	if ach.Image.ContentType == "image/png" {
		return ach.Image.Data, nil
	}
	if s.Fonts == nil {
		return nil, errNoFonts
	}

	key := badgeRasterKey(ach)
	if img, ok := s.rasters.cache.get(key); ok {
		return img, nil
	}
	v, err, _ := s.rasters.group.Do(key, func() (any, error) {
		// Other requests may wait for this drawing, so the first request's
		// cancellation does not stop it; svgraster bounds its work.
		img, err := artefact.BadgePNG(context.WithoutCancel(ctx), ach, s.Fonts)
		if err == nil {
			s.rasters.cache.put(key, img)
		}
		return img, err
	})
	if errors.Is(err, artefact.ErrNoRaster) {
		s.log.WarnContext(ctx, "draw badge image as PNG", "achievement_id", ach.ID, "err", err)
		return nil, &requestError{status: http.StatusNotFound, code: codeNotFound,
			message: "this badge's SVG image was stored before Laurel checked that SVG images can be drawn as PNG, and it cannot be; download badge.svg, or ask the issuer to upload the badge image again"}
	}
	if err != nil {
		return nil, fmt.Errorf("draw badge image of achievement %s: %w", ach.ID, err)
	}
	return v.([]byte), nil
}

// badgeRasterKey hashes what the PNG version of a badge image is drawn
// from.
func badgeRasterKey(ach *issuer.Achievement) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s\x00", artefactVersion, ach.Image.ContentType, ach.Code, ach.Name)
	h.Write(ach.Image.Data)
	return hex.EncodeToString(h.Sum(nil))
}

// bakeImage wraps a baking error: a stored image that cannot be baked is a
// fault of the catalogue, not of the request.
func bakeImage(img []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, fmt.Errorf("bake badge image: %w", err)
	}
	return img, nil
}

// errNoFonts is returned when the server started without its fonts.
var errNoFonts = &requestError{status: http.StatusServiceUnavailable, code: codeUnavailable,
	message: "this server has no fonts for drawing PNG badges, certificates and transcripts; the operator must install the font packages or set LAUREL_FONT_DIR"}

func (s *Server) certificatePDF(ctx context.Context, award *issuer.Award, ach *issuer.Achievement) ([]byte, error) {
	if s.Fonts == nil {
		return nil, errNoFonts
	}
	page, err := newCredentialPage(award)
	if err != nil {
		return nil, fmt.Errorf("read credential %s: %w", award.Credential.ID, err)
	}

	c := &certificate.Certificate{
		Institution:   page.IssuerName,
		Achievement:   page.AchievementName,
		Description:   page.Description,
		Activity:      page.Activity,
		ActivityDates: page.ActivityDates,
		Unit:          page.Unit,
		IssuedOn:      page.IssuedOn,
		ExpiresOn:     page.ExpiresOn,
		URL:           s.Service.URLs.Credential(award.Credential.ID),
		VerifyURL:     s.Service.URLs.Base + "/verify",
		JWS:           award.Credential.JWS,
		IssuedAt:      award.Credential.IssuedAt,
	}
	if len(page.RecipientNames) > 0 {
		c.Recipient, c.OtherNames = page.RecipientNames[0], page.RecipientNames[1:]
	}
	img, err := s.badgePNG(ctx, ach)
	if err != nil {
		// The certificate is still valid without the badge image.
		s.log.WarnContext(ctx, "badge image for certificate", "achievement_id", ach.ID, "err", err)
	}
	c.BadgeImage = img
	if profile, err := s.Service.Profile(ctx); err == nil && profile.ImageURL != "" && s.Logos != nil {
		logo, err := s.Logos.Logo(ctx, profile.ImageURL)
		if err != nil {
			// The certificate is still valid without the logo.
			s.log.WarnContext(ctx, "load issuer logo for certificate", "url", profile.ImageURL, "err", err)
		}
		c.Logo = logo
	}

	var b bytes.Buffer
	if err := certificate.Write(&b, s.Fonts, c); err != nil {
		return nil, fmt.Errorf("write certificate of credential %s: %w", award.Credential.ID, err)
	}
	return b.Bytes(), nil
}
