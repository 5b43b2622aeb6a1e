package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/go-chi/chi/v5"

	"github.com/laurel-badges/laurel/issuer"
)

// nonPageRoutes lists the GET routes that return a file, JSON or plain
// text instead of an HTML page, with what they return. Every other
// GET route outside /api/ must have a case in pageCases, so that a page
// added later fails TestEveryPageAccessible until it is checked.
var nonPageRoutes = map[string]string{
	"GET /healthz":                                 "plain text",
	"GET /readyz":                                  "plain text",
	"GET /metrics":                                 "Prometheus text format",
	"GET /static/*":                                "stylesheets",
	"GET /.well-known/did.json":                    "DID document",
	"GET /did.json":                                "DID document",
	"GET /.well-known/jwks.json":                   "JWK Set",
	"GET /credentials/{id}/badge.png":              "baked badge image",
	"GET /credentials/{id}/badge.svg":              "baked badge image",
	"GET /credentials/{id}/qr.png":                 "QR code",
	"GET /credentials/{id}/qr.svg":                 "QR code",
	"GET /credentials/{id}/certificate.pdf":        "PDF certificate",
	"GET /status/{id}":                             "status list credential",
	"GET /achievements/{id}/image.{ext}":           "badge image",
	"GET /activities/{id}":                         "activity JSON",
	"GET /units/{name}":                            "unit profile JSON",
	"GET /admin/uploads/{id}/file":                 "the uploaded attendance file",
	"GET /admin/exports/{file}":                    "XLSX or CSV export",
	"GET /organiser/activities/{id}/poster.svg":    "SVG badge strip",
	"GET /organiser/activities/{id}/template.csv":  "attendance template",
	"GET /organiser/activities/{id}/template.xlsx": "attendance template",
	"GET /student/transcript.pdf":                  "PDF transcript",
	"GET /student/archive.zip":                     "ZIP of every credential",
}

// pageCase is one page that TestEveryPageAccessible opens.
type pageCase struct {
	name   string      // names the screenshots and failures
	role   issuer.Role // the role signed in; "" for a visitor
	path   string
	status int // the expected status; 0 means 200

	// form, when set, is filled in and submitted after the page loads,
	// and the page it leads to is the one checked.
	form *formStep

	// storeFails makes the store fail while the page loads, to show the
	// page of an internal error.
	storeFails bool
}

// formStep fills fields (CSS selector to value) and clicks button.
type formStep struct {
	fields map[string]string
	button string
}

// pageFixture holds the records that the page cases open.
type pageFixture struct {
	ts          *testServer
	credential  string // active credential of S1001
	revoked     string // revoked credential of S1003
	award       string // award of S1001
	uploadID    string
	previewID   string
	runID       string
	outboxID    string
	transcript  string // path of S1001's public transcript
	enrolment   string // path of the activity's enrolment link
	achievement string
}

// seedEveryPage issues awards and makes one record of every kind that a
// page shows: a kept preview with problems, a finished background run, a
// revoked credential, an outbox message, a failed job, a transcript
// request and published records.
func seedEveryPage(t *testing.T, ts *testServer) *pageFixture {
	t.Helper()
	ctx := context.Background()
	f := &pageFixture{ts: ts, achievement: ts.achievement.ID}

	// Programmes and years fill the columns of the student lists; the
	// long programme name tests wrapping.
	programmes := []string{"BBA (Hons) in Accounting and Finance", "BSc in Computing", "BA in Translation", "BSc in Computing"}
	students := make([]*issuer.Student, len(testStudents))
	for i, st := range testStudents {
		copied := *st
		copied.Programme, copied.YearOfEntry = programmes[i], 2022+i%3
		students[i] = &copied
	}
	if _, _, err := ts.svc.ImportStudents(ctx, issuer.System, students); err != nil {
		t.Fatalf("import students with programmes: %v", err)
	}

	res := ts.issue(t)
	f.uploadID = res.UploadID
	chanAward := ts.credentialOf(t, res, "S1001")
	f.credential, f.award = chanAward.Credential.ID, chanAward.ID
	f.revoked = ts.credentialOf(t, res, "S1003").Credential.ID
	if _, err := ts.svc.Revoke(ctx, ts.admin.user, f.revoked, "awarded to the wrong student"); err != nil {
		t.Fatalf("revoke: %v", err)
	}

	chan_ := ts.student(t, "S1001")
	if err := ts.svc.SetPublication(ctx, chan_, issuer.PublishAll, nil); err != nil {
		t.Fatalf("publish: %v", err)
	}
	if _, err := ts.svc.RequestTranscript(ctx, chan_, "I will collect it in person from the Student Affairs Office."); err != nil {
		t.Fatalf("request transcript: %v", err)
	}
	link, err := ts.svc.TranscriptLink(ctx, chan_)
	if err != nil {
		t.Fatalf("transcript link: %v", err)
	}
	f.transcript = strings.TrimPrefix(link, ts.URL)
	if link, err = ts.svc.EnrolmentLink(ctx, ts.organiser.user, ts.activity.ID); err != nil {
		t.Fatalf("enrolment link: %v", err)
	}
	f.enrolment = strings.TrimPrefix(link, ts.URL)

	rows := attendanceCSV(
		"S1001,CHAN Tai Man,4,4,pass,Asked for a certificate in Chinese as well",
		"S1002,<script>alert(1)</script> LEE,1,4,,",
		"S1004,HO Ka Yan,4,4,,",
		"S9999,Nobody,4,4,,",
		"S1003,WONG Siu Ming,five,4,,",
	)
	f.previewID, _, err = ts.svc.PreviewUpload(ctx, ts.organiser.user, issuer.UploadRequest{
		ActivityID: ts.activity.ID, Filename: "attendance-week-2-final-version.csv", Data: rows,
	})
	if err != nil {
		t.Fatalf("preview upload: %v", err)
	}

	run, err := ts.svc.StartUploadRun(ctx, ts.organiser.user, issuer.UploadRequest{
		ActivityID: ts.activity.ID, Filename: "attendance.csv", Data: goodAttendance,
	})
	if err != nil {
		t.Fatalf("start upload run: %v", err)
	}
	if err := ts.svc.RunUpload(ctx, run.ID, nil); err != nil {
		t.Fatalf("run upload: %v", err)
	}
	f.runID = run.ID

	msg := &issuer.OutboxMessage{
		Kind: "upload_summary", To: []string{"careers.centre.organiser@example.edu"}, Subject: "Badges issued for CV Writing Workshop",
		Text: "3 badges were issued to 3 students.\nSee " + ts.URL + "/organiser/uploads/" + f.uploadID + " for the list of every credential issued by this upload.",
	}
	if err := ts.db.AddOutboxMessage(ctx, msg); err != nil {
		t.Fatalf("add outbox message: %v", err)
	}
	f.outboxID = msg.ID

	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	ts.store.jobs.Store(&[]*issuer.JobRecord{{
		ID: 7, Kind: "award_notice", State: issuer.JobRetryable, Attempt: 2, MaxAttempts: 25,
		Errors: []issuer.JobError{
			{Attempt: 1, At: at, Message: "dial tcp 192.0.2.10:587: connect: connection refused"},
			{Attempt: 2, At: at.Add(time.Minute), Message: "smtp: 451 4.7.1 <s1001@stu.example.edu>: Recipient address rejected: try again later"},
		},
		CreatedAt: at, ScheduledAt: at.Add(10 * time.Minute),
	}})
	return f
}

// pageCases maps every GET route that serves a page to the pages that
// show it.
func (f *pageFixture) pageCases() map[string][]pageCase {
	const (
		admin     = issuer.RoleAdmin
		organiser = issuer.RoleOrganiser
		student   = issuer.RoleStudent
		visitor   = issuer.Role("")
	)
	activity := "/organiser/activities/" + f.ts.activity.ID
	return map[string][]pageCase{
		"GET /":       {{name: "home", role: visitor, path: "/"}},
		"GET /issuer": {{name: "issuer", role: visitor, path: "/issuer"}},
		"GET /credentials/{id}": {
			{name: "credential", role: visitor, path: "/credentials/" + f.credential},
			{name: "credential-revoked", role: visitor, path: "/credentials/" + f.revoked},
			{name: "credential-not-found", role: visitor, path: "/credentials/" + "00000000-0000-4000-8000-000000000000", status: http.StatusNotFound},
		},
		"GET /transcripts/{token}": {
			{name: "transcript-share", role: visitor, path: f.transcript},
			{name: "transcript-share-not-found", role: visitor, path: "/transcripts/no-such-token", status: http.StatusNotFound},
		},
		"GET /achievements/{id}": {{name: "achievement", role: visitor, path: "/achievements/" + f.achievement}},
		"GET /verify": {
			{name: "verify", role: visitor, path: "/verify"},
			{name: "verify-result", role: visitor, path: "/verify", form: &formStep{
				fields: map[string]string{"#credential": f.ts.URL + "/credentials/" + f.credential}, button: "main form button"}},
			{name: "verify-revoked", role: visitor, path: "/verify", form: &formStep{
				fields: map[string]string{"#credential": f.ts.URL + "/credentials/" + f.revoked}, button: "main form button"}},
			{name: "verify-error", role: visitor, path: "/verify", status: http.StatusBadRequest, form: &formStep{button: "main form button"}},
		},
		"GET /signin": {
			{name: "signin", role: visitor, path: "/signin"},
			{name: "signin-failed", role: visitor, path: "/signin", status: http.StatusUnauthorized, form: &formStep{
				fields: map[string]string{"#login": "nobody@example.edu", "#password": "not the password"}, button: "main form button"}},
		},
		"GET /signin/link": {
			{name: "signin-link", role: visitor, path: "/signin/link"},
			{name: "signin-link-sent", role: visitor, path: "/signin/link", form: &formStep{
				fields: map[string]string{"#email": "someone@example.com"}, button: "main form button"}},
		},
		"GET /signin/link/{token}": {{name: "signin-link-confirm", role: visitor, path: "/signin/link/aGVsbG8"}},
		"GET /records": {
			{name: "records", role: visitor, path: "/records"},
			{name: "records-bad-filter", role: visitor, path: "/records?year=last", status: http.StatusBadRequest},
		},
		"GET /enrol/{token}": {{name: "enrol", role: student, path: f.enrolment}},

		"GET /admin/":                {{name: "admin-dashboard", role: admin, path: "/admin/"}},
		"GET /admin/organisers":      {{name: "admin-organisers", role: admin, path: "/admin/organisers"}},
		"GET /admin/transcripts":     {{name: "admin-transcripts", role: admin, path: "/admin/transcripts"}},
		"GET /admin/badges":          {{name: "admin-badges", role: admin, path: "/admin/badges"}},
		"GET /admin/badges/{id}":     {{name: "admin-badge-edit", role: admin, path: "/admin/badges/" + f.achievement}},
		"GET /admin/students":        {{name: "admin-students", role: admin, path: "/admin/students"}},
		"GET /admin/activities":      {{name: "admin-activities", role: admin, path: "/admin/activities"}},
		"GET /admin/activities/{id}": {{name: "admin-activity", role: admin, path: "/admin/activities/" + f.ts.activity.ID}},
		"GET /admin/awards":          {{name: "admin-awards", role: admin, path: "/admin/awards"}},
		"GET /admin/awards/{credential}": {
			{name: "admin-award", role: admin, path: "/admin/awards/" + f.credential},
			{name: "admin-award-revoked", role: admin, path: "/admin/awards/" + f.revoked},
		},
		"GET /admin/keys":        {{name: "admin-keys", role: admin, path: "/admin/keys"}},
		"GET /admin/exports":     {{name: "admin-exports", role: admin, path: "/admin/exports"}},
		"GET /admin/audit":       {{name: "admin-audit", role: admin, path: "/admin/audit"}},
		"GET /admin/jobs":        {{name: "admin-jobs", role: admin, path: "/admin/jobs"}},
		"GET /admin/outbox":      {{name: "admin-outbox", role: admin, path: "/admin/outbox"}},
		"GET /admin/outbox/{id}": {{name: "admin-outbox-message", role: admin, path: "/admin/outbox/" + f.outboxID}},

		"GET /staff/upload-runs/{id}": {{name: "upload-run", role: organiser, path: "/staff/upload-runs/" + f.runID}},
		"GET /account/password": {
			{name: "account-password-admin", role: admin, path: "/account/password"},
			{name: "account-password-organiser", role: organiser, path: "/account/password"},
		},

		"GET /organiser/":                     {{name: "organiser-home", role: organiser, path: "/organiser/"}},
		"GET /organiser/activities/new":       {{name: "organiser-activity-new", role: organiser, path: "/organiser/activities/new?hours=6"}},
		"GET /organiser/activities/{id}":      {{name: "organiser-activity", role: organiser, path: activity}},
		"GET /organiser/activities/{id}/edit": {{name: "organiser-activity-edit", role: organiser, path: activity + "/edit"}},
		"GET /organiser/activities/{id}/upload": {
			{name: "organiser-upload", role: organiser, path: activity + "/upload"},
		},
		"GET /organiser/previews/{id}": {{name: "organiser-upload-preview", role: organiser, path: "/organiser/previews/" + f.previewID}},
		"GET /organiser/uploads/{id}":  {{name: "organiser-upload-result", role: organiser, path: "/organiser/uploads/" + f.uploadID}},

		"GET /student/":            {{name: "student-home", role: student, path: "/student/"}},
		"GET /student/badges/{id}": {{name: "student-badge", role: student, path: "/student/badges/" + f.award}},
		"GET /student/activities":  {{name: "student-activities", role: student, path: "/student/activities"}},
		"GET /student/publication": {{name: "student-publication", role: student, path: "/student/publication"}},
		"GET /student/transcript":  {{name: "student-transcript", role: student, path: "/student/transcript"}},
		"GET /student/password":    {{name: "student-password", role: student, path: "/student/password"}},
	}
}

// errorCases are the error pages that no route pattern stands for.
func errorCases() []pageCase {
	return []pageCase{
		{name: "error-not-found", role: "", path: "/no/such/page", status: http.StatusNotFound},
		{name: "error-not-found-signed-in", role: issuer.RoleStudent, path: "/no/such/page", status: http.StatusNotFound},
		{name: "error-forbidden", role: issuer.RoleStudent, path: "/admin/", status: http.StatusForbidden},
		{name: "error-record-not-found", role: issuer.RoleAdmin, path: "/admin/awards/00000000-0000-4000-8000-000000000000", status: http.StatusNotFound},
		{name: "error-internal", role: issuer.RoleAdmin, path: "/admin/organisers", status: http.StatusInternalServerError, storeFails: true},
	}
}

// TestEveryPageAccessible walks the router and opens every GET route that
// serves a page, signed in with a role that may see it, at a phone and a
// desktop width. Each page must return its expected status with a
// Content-Security-Policy, be built on the shared layout, pass axe-core
// without serious or critical violations at both widths, and fit a 360 px
// screen without scrolling sideways. A page route without a case, or a
// case without a route, fails the test.
func TestEveryPageAccessible(t *testing.T) {
	ts := newTestServer(t, withVerifier(t))
	f := seedEveryPage(t, ts)
	cases := f.pageCases()

	router, ok := ts.handler.(chi.Routes)
	if !ok {
		t.Fatal("the server's handler is not a chi router")
	}
	var pages []pageCase
	covered := map[string]bool{}
	err := chi.Walk(router, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		key := method + " " + route
		switch {
		case method != http.MethodGet, strings.HasPrefix(route, "/api/"), nonPageRoutes[key] != "":
			return nil
		case len(cases[key]) == 0:
			t.Errorf("%s serves a page with no case in pageCases; add one, or list the route in nonPageRoutes if it returns no HTML", key)
			return nil
		}
		covered[key] = true
		pages = append(pages, cases[key]...)
		return nil
	})
	if err != nil {
		t.Fatalf("walk routes: %v", err)
	}
	for key := range cases {
		if !covered[key] {
			t.Errorf("pageCases has %s, which the router does not serve", key)
		}
	}
	sort.Slice(pages, func(i, j int) bool { return pages[i].name < pages[j].name })
	pages = append(pages, errorCases()...)

	// The pages took about 40 seconds with the race detector on two cores
	// that other tests kept busy; the timeout only stops a hung browser.
	b := newBrowserWithin(t, ts.URL, 5*time.Minute)
	sessions := map[issuer.Role]string{}
	for role, p := range map[issuer.Role]*issuer.Principal{
		issuer.RoleAdmin:     {User: ts.admin.user},
		issuer.RoleOrganiser: {User: ts.organiser.user},
		issuer.RoleStudent:   {Student: ts.student(t, "S1001")},
	} {
		secret, err := ts.svc.StartSession(context.Background(), p)
		if err != nil {
			t.Fatalf("start %s session: %v", role, err)
		}
		sessions[role] = secret
	}

	for _, p := range pages {
		ts.store.fail.Store(p.storeFails)
		b.checkPage(p, sessions[p.role])
	}
	ts.store.fail.Store(false)
	t.Logf("checked %d pages at %d widths; screenshots in %s", len(pages), len(screenshotSizes), b.dir)
}

// checkPage opens one page case with the session cookie secret (none when
// empty), then checks it at every size in screenshotSizes.
func (b *browser) checkPage(p pageCase, secret string) {
	b.t.Helper()
	b.setSession(secret)

	first := screenshotSizes[0]
	b.do(chromedp.EmulateViewport(first.width, first.height))
	res, err := chromedp.RunResponse(b.ctx, chromedp.Navigate(b.base+p.path))
	if err != nil {
		b.t.Fatalf("browser: open %s: %v", p.path, err)
	}
	if p.form != nil {
		for sel, value := range p.form.fields {
			b.do(chromedp.SetValue(chromedp.CSS(sel), value))
		}
		if res, err = chromedp.RunResponse(b.ctx, chromedp.Click(chromedp.CSS(p.form.button))); err != nil {
			b.t.Fatalf("browser: submit the form of %s: %v", p.path, err)
		}
	}
	if res == nil {
		b.t.Fatalf("browser: no response for %s", p.path)
	}
	want := p.status
	if want == 0 {
		want = http.StatusOK
	}
	if int(res.Status) != want {
		b.t.Errorf("page %s (%s): status %d, want %d", p.name, p.path, res.Status, want)
	}
	b.checkPolicy(p.name, res.Headers)
	b.checkLayout(p.name)

	for i, size := range screenshotSizes {
		if i > 0 {
			b.do(chromedp.EmulateViewport(size.width, size.height))
		}
		name := p.name + " at " + size.name + " width"
		if size.width <= 360 {
			b.checkNoSidewaysScroll(name)
		}
		b.checkAccessibility(name)
		b.saveScreenshot(p.name + "-" + size.name)
	}
}

// checkPolicy fails the test unless the page came with a
// Content-Security-Policy that allows nothing by default and no inline
// code or styles.
func (b *browser) checkPolicy(name string, headers network.Headers) {
	b.t.Helper()
	var csp string
	for k, v := range headers {
		if strings.EqualFold(k, "Content-Security-Policy") {
			csp, _ = v.(string)
		}
	}
	switch {
	case csp == "":
		b.t.Errorf("page %s has no Content-Security-Policy", name)
	case !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "unsafe-"):
		b.t.Errorf("page %s: Content-Security-Policy %q must start from default-src 'none' and allow nothing unsafe", name, csp)
	}
}

// layoutParts names the parts of templates/layout/base.html that every
// page must have, with a CSS selector that finds each.
var layoutParts = []struct{ name, selector string }{
	{"lang attribute", "html[lang]"},
	{"skip link", `a.skip-link[href="#main"]`},
	{"site header", "header.site-header"},
	{"main content", "main#main"},
	{"one h1", "main h1"},
	{"site footer", "footer.site-footer"},
}

// checkLayout fails the test unless the page is built on the shared
// layout, so that every page has the same landmarks and skip link.
func (b *browser) checkLayout(name string) {
	b.t.Helper()
	for _, part := range layoutParts {
		n, err := chromedp.Run(b.ctx, chromedp.Evaluate[int](fmt.Sprintf("document.querySelectorAll(%q).length", part.selector)))
		if err != nil {
			b.t.Fatalf("browser: look for the %s of %s: %v", part.name, name, err)
		}
		if n != 1 {
			b.t.Errorf("page %s has %d of %s (%s), want 1", name, n, part.name, part.selector)
		}
	}
}

// setSession replaces the browser's session cookie with secret, or
// removes it when secret is empty.
func (b *browser) setSession(secret string) {
	b.t.Helper()
	b.do(chromedp.Func(func(ctx context.Context, target *chromedp.Target) error {
		if secret == "" {
			_, err := cdp.Call(ctx, target, network.DeleteCookies, network.DeleteCookiesParams{Name: "laurel_session", URL: b.base + "/"})
			return err
		}
		httpOnly := true
		_, err := cdp.Call(ctx, target, network.SetCookie, network.SetCookieParams{
			Name: "laurel_session", Value: secret, URL: b.base + "/", Path: "/",
			HTTPOnly: &httpOnly, SameSite: network.CookieSameSiteLax,
		})
		return err
	}))
}

// sidewaysScroll measures the page's width against the viewport's and
// names up to five of the widest elements that stick out to the right.
const sidewaysScroll = `(() => {
	const root = document.documentElement;
	const out = [];
	for (const el of document.body.querySelectorAll("*")) {
		const r = el.getBoundingClientRect();
		if (r.right > root.clientWidth + 0.5 && out.length < 5) {
			out.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") + (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") + " (right edge " + Math.round(r.right) + ")");
		}
	}
	return JSON.stringify({scroll: root.scrollWidth, client: root.clientWidth, wide: out});
})()`

// checkNoSidewaysScroll fails the test when the page is wider than the
// viewport, so that a phone user would have to scroll sideways.
func (b *browser) checkNoSidewaysScroll(name string) {
	b.t.Helper()
	raw, err := chromedp.Run(b.ctx, chromedp.Evaluate[string](sidewaysScroll))
	if err != nil {
		b.t.Fatalf("browser: measure %s: %v", name, err)
	}
	var m struct {
		Scroll, Client int
		Wide           []string
	}
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		b.t.Fatalf("read page width: %v", err)
	}
	if m.Scroll > m.Client {
		b.t.Errorf("page %s scrolls sideways: %d px wide in a %d px viewport; wide elements: %s", name, m.Scroll, m.Client, strings.Join(m.Wide, ", "))
	}
}

// saveScreenshot saves the whole page as name.png in the screenshot folder.
func (b *browser) saveScreenshot(name string) {
	b.t.Helper()
	png, err := chromedp.Run(b.ctx, chromedp.FullScreenshot(100))
	if err != nil {
		b.t.Fatalf("browser: screenshot %s: %v", name, err)
	}
	file := filepath.Join(b.dir, safeFileName(name)+".png")
	if err := os.WriteFile(file, png, 0o644); err != nil {
		b.t.Fatalf("save screenshot: %v", err)
	}
}
