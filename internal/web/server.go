// Package web is the HTTP server of Laurel. It serves the JSON API under
// /api/v1 for staff with bearer tokens and the public credential,
// achievement and issuer documents that verifiers and people fetch. It also
// serves the well-known key documents and the operations endpoints
// /healthz, /readyz and /metrics.
//
// Handlers decode the request, call issuer.Service and render its result;
// the rules live in the service. Every error goes through one mapping from
// the service's sentinel errors to HTTP statuses.
package web

import (
	"context"
	"embed"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/laurel-badges/laurel/internal/fonts"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/verifier"
)

// DefaultMaxUploadBytes is the request body limit when Server.MaxUploadBytes
// is 0: 20 MiB holds an XLSX register of some 100,000 students.
const DefaultMaxUploadBytes = 20 << 20

// KeySet publishes the issuer's public keys.
type KeySet interface {
	// JWKS returns the JWK Set of every published public key.
	JWKS() ([]byte, error)
	// DIDDocument returns the did:web document of the issuer.
	DIDDocument() ([]byte, error)
	// Refresh loads the keys again when another process rotated or
	// revoked one. It reads the store at most every few seconds unless
	// force is set.
	Refresh(ctx context.Context, force bool) error
}

// TemplateWriter writes an activity's attendance template, pre-filled with
// the enrolled students.
type TemplateWriter interface {
	WriteCSV(w io.Writer, students []issuer.Student) error
	WriteXLSX(w io.Writer, title string, students []issuer.Student) error
}

// Server is the HTTP server. Set its fields, then serve Handler.
type Server struct {
	Service   *issuer.Service
	Keys      KeySet
	Templates TemplateWriter

	// Ready checks the database for /readyz.
	Ready func(ctx context.Context) error

	// Logger receives the access log and errors; nil discards them.
	Logger *slog.Logger

	// MaxUploadBytes limits every request body; 0 means DefaultMaxUploadBytes.
	MaxUploadBytes int64

	// Metrics receives the server's collectors and is served at /metrics.
	// Nil means a new registry with the Go runtime and process collectors.
	Metrics *prometheus.Registry

	// Verifier checks badges for the public verifier at /verify and
	// /api/v1/verify; nil makes those routes return 503.
	Verifier *verifier.Verifier

	// SignInLinks emails students their one-time sign-in links; nil logs
	// an error instead of sending.
	SignInLinks LinkSender

	// VerifyRateLimit is the verifications per minute that one client
	// address may request at /verify and /api/v1/verify. 0 means 30; a
	// negative value turns the limit off, for load tests on loopback.
	VerifyRateLimit int

	// Fonts draws certificates and PNG versions of default badge images;
	// nil makes those routes, and PNG versions of SVG badge images,
	// return 503.
	Fonts *fonts.Chain

	// Logos loads the issuer's logo for certificates; nil leaves it out.
	Logos LogoSource

	// LinkedInOrganizationID is the institution's numeric LinkedIn company
	// id for "Add to profile" links; empty sends the institution's name.
	LinkedInOrganizationID string

	// BackgroundUploadBytes is the attendance file size from which a
	// non-dry-run upload runs as a background job, and the request returns
	// 202 at once. 0 means DefaultBackgroundUploadBytes. The query
	// parameter background=true sends a smaller file to the job too.
	BackgroundUploadBytes int64

	// TrustedProxies are the reverse proxies whose X-Forwarded-For header
	// names the client. Empty means the direct peer is the client.
	TrustedProxies []netip.Prefix

	log            *slog.Logger
	secureCookies  bool           // the base URL is https
	sending        sync.WaitGroup // sign-in links being sent
	metrics        *metrics
	maxUploadBytes int64
	verifyLimiter  rateLimiter
	artefacts      artefactCache
	rasters        badgeRasters

	// ownVerifier checks our own credentials for their badge pages, and
	// verdicts keeps its recent results.
	ownVerifier *verifier.Verifier
	verdicts    verdictCache
}

// LogoSource loads the image at the issuer profile's logo URL.
type LogoSource interface {
	// Logo returns a PNG or JPEG image.
	Logo(ctx context.Context, url string) ([]byte, error)
}

//go:embed templates static
var assets embed.FS

// Handler builds the router with every route and middleware.
func (s *Server) Handler() http.Handler {
	s.setDefaults()

	r := chi.NewRouter()
	r.Use(withRequestID, s.withClientAddress, s.accessLog, s.recoverPanics, securityHeaders, s.crossOriginProtection, s.rejectControlText, middleware.GetHead)
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)

	r.Get("/healthz", s.healthz)
	r.Get("/readyz", s.readyz)
	r.Method(http.MethodGet, "/metrics", promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{}))
	r.Method(http.MethodGet, "/static/*", serveHashedAsset(staticFiles()))

	r.Group(s.publicRoutes)
	r.Group(s.pageRoutes)
	r.Get("/verify", s.verifyPage)
	r.Post("/verify", s.verifySubmit)
	r.Route("/api/v1", func(r chi.Router) {
		r.Post("/verify", s.apiVerify) // public: no token
		r.Route("/student", s.studentAPIRoutes)
		r.Group(s.apiRoutes)
	})

	s.setOwnVerifier()
	return r
}

// setOwnVerifier builds the verifier of the badge pages. It reaches the
// public documents of this server through a router of its own, without the
// access log and metrics, so that page views are not logged or counted
// once for each document fetched. Without it the pages show no
// verification result.
func (s *Server) setOwnVerifier() {
	if s.Service == nil {
		return
	}
	documents := chi.NewRouter()
	documents.Group(s.publicRoutes)
	v, err := newOwnVerifier(s.Service.URLs.Base, s.Service.IssuerID, documents)
	if err != nil {
		s.log.Error("badge pages will show no verification result", "err", err)
		return
	}
	s.ownVerifier = v
}

func (s *Server) setDefaults() {
	logger := s.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s.log = slog.New(NewLogHandler(logger.Handler()))

	if s.Metrics == nil {
		s.Metrics = prometheus.NewRegistry()
		s.Metrics.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	s.metrics = newMetrics(s.Metrics)

	s.secureCookies = s.Service != nil && strings.HasPrefix(s.Service.URLs.Base, "https://")

	s.verifyLimiter.perInterval = s.VerifyRateLimit
	s.rasters.cache.limit = maxCachedBadgeImages

	s.maxUploadBytes = s.MaxUploadBytes
	if s.maxUploadBytes <= 0 {
		s.maxUploadBytes = DefaultMaxUploadBytes
	}
}

func (s *Server) publicRoutes(r chi.Router) {
	r.Use(publicCORS)
	r.Get("/", s.home)
	r.Get("/.well-known/did.json", s.didDocument)
	// A base URL with a path, such as https://host/badges, gives the DID
	// did:web:host:badges, which resolves to https://host/badges/did.json:
	// a proxy that strips /badges sends that here.
	r.Get("/did.json", s.didDocument)
	r.Get("/.well-known/jwks.json", s.jwks)
	r.Get("/issuer", s.issuerProfile)
	r.Get("/credentials/{id}", s.credential)
	for kind := range artefactTypes {
		r.Get("/credentials/{id}/"+string(kind), s.artefactRoute(kind))
	}
	r.Get("/status/{id}", s.statusList)
	r.Get("/transcripts/{token}", s.publicTranscript)
	r.Get("/achievements/{id}", s.publicAchievement)
	r.Get("/achievements/{id}/image.{ext}", s.achievementImage)
	r.Get("/activities/{id}", s.publicActivity)
	r.Get("/units/{name}", s.unitProfile)
}

// apiRoutes registers the JSON API. It is mounted as a group so that chi
// matches the route before authenticate runs, and a rejected request is
// still logged and counted under its route pattern.
func (s *Server) apiRoutes(r chi.Router) {
	r.Use(s.authenticate)

	r.Get("/achievements", s.listAchievements)

	r.Get("/activities", s.listActivities)
	r.Post("/activities", s.createActivity)
	r.Get("/activities/{id}", s.getActivity)
	r.Put("/activities/{id}", s.updateActivity)
	r.Get("/activities/{id}/promotion", s.getPromotion)
	r.Post("/activities/{id}/enrolments", s.enrol)
	r.Get("/activities/{id}/template.csv", s.templateCSV)
	r.Get("/activities/{id}/template.xlsx", s.templateXLSX)
	r.Post("/activities/{id}/attendance", s.uploadAttendance)
	r.Get("/activities/{id}/uploads", s.listUploads)

	r.Get("/uploads/{id}", s.getUpload)
	r.Get("/uploads/{id}/file", s.uploadFile)
	r.Get("/awards", s.listAwards)

	r.Get("/profile", s.getProfile)
	r.Get("/upload-runs/{id}", s.getUploadRun)
	// The service lets an admin end anyone's sessions and an organiser
	// only their own.
	r.Post("/organisers/{id}/sessions/end", s.endUserSessions)

	r.Group(s.adminAPIRoutes)
}

// adminAPIRoutes registers the routes that only admins may call. The role
// is checked before a handler reads the body, so that any other token gets
// 403 whatever it sends; the service checks it again.
func (s *Server) adminAPIRoutes(r chi.Router) {
	r.Use(s.requireTokenRole(issuer.RoleAdmin))

	r.Post("/achievements", s.importAchievements)
	r.Get("/students", s.listStudents)
	r.Post("/students", s.importStudents)
	r.Patch("/students/{student_id}", s.patchStudent)

	r.Post("/credentials/{id}/revoke", s.revokeCredential)
	r.Post("/credentials/{id}/reissue", s.reissueCredential)

	r.Get("/keys", s.listKeys)
	r.Post("/keys/rotate", s.rotateKey)
	r.Post("/keys/{id}/revoke", s.revokeKey)

	r.Put("/profile", s.putProfile)

	r.Get("/organisers", s.listOrganisers)
	r.Post("/organisers", s.createOrganiserAccount)
	r.Patch("/organisers/{id}", s.patchOrganiser)
	r.Get("/transcript-requests", s.listTranscriptRequests)

	r.Get("/jobs", s.listJobs)
	r.Get("/outbox", s.listOutbox)
}

// crossOriginProtection rejects unsafe cross-origin requests sent by
// browsers. API clients with bearer tokens send no Sec-Fetch-Site or
// Origin header and pass.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, &requestError{status: http.StatusForbidden, code: codeForbidden,
			message: "cross-origin requests that change data are not allowed; send the request from the same origin or without a browser"})
	}))
	return cop.Handler(next)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	if wantsHTML(r) {
		s.loadSession(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.renderError(w, r, http.StatusNotFound, "There is no page at this address. Check the link, or start again from the home page.")
		})).ServeHTTP(w, r)
		return
	}
	s.writeError(w, r, &requestError{status: http.StatusNotFound, code: codeNotFound,
		message: "no route matches this path; the JSON API is under /api/v1"})
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.writeError(w, r, &requestError{status: http.StatusMethodNotAllowed, code: codeMethodNotAllowed,
		message: "method " + r.Method + " is not allowed on this path"})
}

func staticFiles() http.Handler {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic("embedded static files: " + err.Error())
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A folder would be served as a listing of the embedded files.
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}
