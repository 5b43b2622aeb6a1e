package web

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// appCSP is the Content-Security-Policy of the application pages: their
// own stylesheet and images, forms that post to this origin only, and no
// scripts at all, inline or not.
const appCSP = "default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// appPages holds one template set per file under templates/pages, keyed by
// its path below that folder, such as "admin/home.html". Each set is the
// layout of templates/layout plus the page, which defines the blocks
// "title" and "main".
var appPages = loadAppPages()

var templateFuncs = template.FuncMap{
	"asset":      assetURL,
	"date":       func(t time.Time) string { return t.Format("2 January 2006") },
	"statusText": http.StatusText,
	"badgeImage": badgeImageURL,
	"percent":    func(share float64) float64 { return share * 100 },
	"outcome":    rowOutcomeText,
}

func loadAppPages() map[string]*template.Template {
	layout := template.Must(template.New("layout").Funcs(templateFuncs).ParseFS(assets, "templates/layout/*.html"))

	sets := map[string]*template.Template{}
	err := fs.WalkDir(assets, "templates/pages", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(name, ".html") {
			return err
		}
		set := template.Must(layout.Clone())
		template.Must(set.ParseFS(assets, name))
		sets[strings.TrimPrefix(name, "templates/pages/")] = set
		return nil
	})
	if err != nil {
		panic("read embedded page templates: " + err.Error())
	}
	return sets
}

// Page is the data that every application page template receives as its dot.
type Page struct {
	// Principal is the signed-in user or student, nil when anonymous.
	Principal *issuer.Principal
	// Nav is the navigation of the principal's role.
	Nav []NavLink
	// Path is the request path, to mark the current navigation link.
	Path string
	// Flash is the message of the previous request, shown once.
	Flash *Flash
	// RequestID is the reference shown on error pages.
	RequestID string
	// Data is the page's own data.
	Data any
}

// NavLink is one entry of the site navigation.
type NavLink struct {
	Href  string
	Label string
}

// navByRole lists the navigation of each role. Pages added later add
// their entry here.
var navByRole = map[issuer.Role][]NavLink{
	issuer.RoleAdmin: {
		{Href: "/admin/", Label: "Dashboard"},
		{Href: "/admin/badges", Label: "Badges"},
		{Href: "/admin/students", Label: "Students"},
		{Href: "/admin/organisers", Label: "Organisers"},
		{Href: "/admin/activities", Label: "Activities"},
		{Href: "/admin/awards", Label: "Awards"},
		{Href: "/admin/exports", Label: "Exports"},
		{Href: "/admin/keys", Label: "Keys"},
		{Href: "/admin/audit", Label: "Audit log"},
		{Href: "/admin/transcripts", Label: "Transcript requests"},
		{Href: "/admin/jobs", Label: "Failed jobs"},
		{Href: "/admin/outbox", Label: "Outbox"},
		{Href: "/account/password", Label: "Password"},
	},
	issuer.RoleOrganiser: {
		{Href: "/organiser/", Label: "My activities"},
		{Href: "/organiser/activities/new", Label: "New activity"},
		{Href: "/records", Label: "Records of Achievement"},
		{Href: "/account/password", Label: "Password"},
	},
	issuer.RoleStudent: {
		{Href: "/student/", Label: "My badges"},
		{Href: "/student/activities", Label: "Activities"},
		{Href: "/student/publication", Label: "Publication"},
		{Href: "/student/transcript", Label: "Transcript"},
		{Href: "/student/password", Label: "Password"},
	},
}

// render writes the application page name (a path below templates/pages)
// with status and data, inside the layout. It never caches: pages show
// per-user data.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, data any) {
	p := principal(r)
	page := Page{
		Principal: p,
		Nav:       navByRole[p.Role()],
		Path:      r.URL.Path,
		Flash:     s.takeFlash(w, r),
		RequestID: RequestID(r.Context()),
		Data:      data,
	}

	b, err := executePage(name, page)
	if err != nil {
		s.log.ErrorContext(r.Context(), "render page", "page", name, "err", err)
		s.renderInternalError(w, r)
		return
	}

	h := w.Header()
	h.Set("Content-Type", htmlUTF)
	h.Set("Content-Security-Policy", appCSP)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b)
}

// executePage renders the application page name (a path below
// templates/pages) inside the layout and returns the HTML. Handlers that
// send a page with their own headers, such as the cached badge page, use
// it directly.
func executePage(name string, page Page) ([]byte, error) {
	set, ok := appPages[name]
	if !ok {
		return nil, fmt.Errorf("no page template %q", name)
	}
	var b bytes.Buffer
	if err := set.ExecuteTemplate(&b, "layout", page); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// publicPage is the Page of an anonymous page on a public route, which
// loads no session. It has no principal, navigation or flash message, so
// every visitor gets the same bytes and a cache may keep them.
func publicPage(r *http.Request, data any) Page {
	return Page{Path: r.URL.Path, RequestID: RequestID(r.Context()), Data: data}
}

// renderInternalError writes the 500 page, which does not depend on the
// data that failed.
func (s *Server) renderInternalError(w http.ResponseWriter, r *http.Request) {
	var b bytes.Buffer
	page := Page{RequestID: RequestID(r.Context()), Data: errorPage{Status: http.StatusInternalServerError}}
	if err := appPages["errors/error.html"].ExecuteTemplate(&b, "layout", page); err != nil {
		s.log.ErrorContext(r.Context(), "render error page", "err", err)
		b.Reset()
		b.WriteString("internal error\n")
	}

	h := w.Header()
	h.Set("Content-Type", htmlUTF)
	h.Set("Content-Security-Policy", appCSP)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusInternalServerError)
	w.Write(b.Bytes())
}

// Flash is a one-time message shown on the page after a redirect.
type Flash struct {
	Kind    string // "success" or "error"
	Message string
}

// flashCookie carries the flash message from a POST to the page it
// redirects to. Its value is signed with a key made at start, so that a
// cookie set by a sibling subdomain cannot put words on our pages. A
// restart drops a pending message.
const flashCookie = "laurel_flash"

var flashKey = func() []byte {
	k := make([]byte, 32)
	rand.Read(k)
	return k
}()

func signFlash(payload string) string {
	m := hmac.New(sha256.New, flashKey)
	m.Write([]byte(payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)) + "." + base64.RawURLEncoding.EncodeToString([]byte(payload))
}

// redirect responds to a form POST with 303 See Other to target, which
// shows message once (post/redirect/get).
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, target, kind, message string) {
	if message != "" {
		http.SetCookie(w, &http.Cookie{
			Name:     flashCookie,
			Value:    signFlash(kind + "\n" + message),
			Path:     "/",
			MaxAge:   60,
			HttpOnly: true,
			Secure:   s.secureCookies,
			SameSite: http.SameSiteLaxMode,
		})
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// takeFlash returns the pending flash message, if any, and clears it.
func (s *Server) takeFlash(w http.ResponseWriter, r *http.Request) *Flash {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.secureCookies, SameSite: http.SameSiteLaxMode})

	_, payload, ok := strings.Cut(c.Value, ".")
	if !ok {
		return nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil || !hmac.Equal([]byte(signFlash(string(raw))), []byte(c.Value)) {
		return nil
	}
	kind, message, _ := strings.Cut(string(raw), "\n")
	if kind != "success" && kind != "error" {
		return nil
	}
	return &Flash{Kind: kind, Message: message}
}

// errorPage is the data of templates/pages/errors/error.html.
type errorPage struct {
	Status  int
	Title   string // the heading; empty means the status text, such as "Not Found"
	Message string
}

// renderError writes the HTML error page for status with a message that
// is safe to show; it never includes an error's text.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, message string) {
	s.render(w, r, status, "errors/error.html", errorPage{Status: status, Message: message})
}

// renderErrorPage writes the HTML error page of page.Status with the
// heading and message of page.
func (s *Server) renderErrorPage(w http.ResponseWriter, r *http.Request, page errorPage) {
	s.render(w, r, page.Status, "errors/error.html", page)
}
