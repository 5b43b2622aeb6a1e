package web

import (
	"context"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// pageUpload posts an attendance file from the upload page's form.
func (ts *testServer) pageUpload(t testing.TB, c *http.Client, path, filename string, data []byte) response {
	t.Helper()
	body, contentType := multipartBody(t, "file", filename, data, nil)
	r, err := http.NewRequest(http.MethodPost, ts.URL+path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("Content-Type", contentType)
	res, err := c.Do(r)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read POST %s: %v", path, err)
	}
	return response{Response: res, body: b}
}

// location returns the Location of a 303, failing unless it starts with prefix.
func (r response) location(t testing.TB, prefix string) string {
	t.Helper()
	loc := r.Header.Get("Location")
	if r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, prefix) {
		t.Fatalf("status %d, Location %q; want 303 to %s…; body:\n%s", r.StatusCode, loc, prefix, r.body)
	}
	return loc
}

func (ts *testServer) organiserClient(t testing.TB, a account) *http.Client {
	t.Helper()
	return ts.signedIn(t, &issuer.Principal{User: a.user})
}

func (ts *testServer) studentClient(t testing.TB, number string) *http.Client {
	t.Helper()
	return ts.signedIn(t, &issuer.Principal{Student: ts.student(t, number)})
}

func activityFormValues(title string, extra url.Values) url.Values {
	v := url.Values{
		"title": {title}, "unit": {"Careers Centre"}, "start_date": {"2025-04-01"}, "end_date": {"2025-04-02"},
		"hours": {"4"}, "min_attendance": {"75"}, "achievements": {"IPC"},
	}
	for k, vs := range extra {
		v[k] = vs
	}
	return v
}

func TestOrganiserCreatesActivity(t *testing.T) {
	ts := newTestServer(t)
	c := ts.organiserClient(t, ts.organiser)

	ts.page(t, c, "/organiser/", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "CV Writing Workshop")
	ts.page(t, c, "/organiser/activities/new?hours=2", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "Checked against 2 hours")

	curricular := ts.page(t, c, "/organiser/activities", activityFormValues("Accounting Lab", url.Values{"curricular": {"yes"}}))
	curricular.wantStatus(t, http.StatusUnprocessableEntity).wantBodyContains(t, "extracurricular activities only")
	curricular.wantBodyContains(t, `value="Accounting Lab"`)

	badHours := ts.page(t, c, "/organiser/activities", activityFormValues("Talk", url.Values{"hours": {"three"}}))
	badHours.wantStatus(t, http.StatusUnprocessableEntity).wantBodyContains(t, "hours &#34;three&#34;: give a number")

	loc := ts.page(t, c, "/organiser/activities", activityFormValues("Mock Interviews", nil)).location(t, "/organiser/activities/")
	page := ts.page(t, c, loc, nil).wantStatus(t, http.StatusOK)
	page.wantBodyContains(t, "Mock Interviews")
	page.wantBodyContains(t, "will receive the digital badge &#34;Informed and Professionally Competent&#34; (IPC)")
	page.wantBodyContains(t, ts.URL+"/enrol/")

	poster := ts.page(t, c, loc+"/poster.svg", nil).wantStatus(t, http.StatusOK)
	if err := xml.Unmarshal(poster.body, new(struct{})); err != nil {
		t.Errorf("poster strip is not XML: %v", err)
	}
	if got := poster.Header.Get("Content-Type"); got != "image/svg+xml" {
		t.Errorf("poster Content-Type = %q, want image/svg+xml", got)
	}

	edit := activityFormValues("Mock Interviews, two rounds", url.Values{"hours": {"8"}})
	ts.page(t, c, loc+"/edit", edit).wantRedirect(t, loc)
	ts.page(t, c, loc, nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "Mock Interviews, two rounds")

	for _, ext := range []string{"csv", "xlsx"} {
		ts.page(t, c, loc+"/template."+ext, nil).wantStatus(t, http.StatusOK)
	}
}

var previewPath = regexp.MustCompile(`^/organiser/previews/[0-9a-f-]{36}$`)

func TestOrganiserUploadWithholdsAndConfirms(t *testing.T) {
	ts := newTestServer(t)
	c := ts.organiserClient(t, ts.organiser)
	base := "/organiser/activities/" + ts.activity.ID
	file := attendanceCSV(
		"S1001,CHAN Tai Man,4,4,pass,",
		"S1003,WONG Siu Ming,4,4,,",
		"S9999,Nobody,4,4,,",
	)

	ts.page(t, c, base+"/upload", nil).wantStatus(t, http.StatusOK)
	preview := ts.pageUpload(t, c, base+"/upload", "attendance.csv", file).location(t, "/organiser/previews/")
	if !previewPath.MatchString(preview) {
		t.Fatalf("preview path %q", preview)
	}

	page := ts.page(t, c, preview, nil).wantStatus(t, http.StatusOK)
	page.wantBodyContains(t, "Problem: No student has ID S9999")
	page.wantBodyContains(t, `name="withhold" value="S9999"`)

	blocked := ts.page(t, c, preview+"/confirm", url.Values{})
	blocked.wantStatus(t, http.StatusUnprocessableEntity).wantBodyContains(t, "Nothing was issued")
	if n := len(ts.awards(t)); n != 0 {
		t.Fatalf("a blocked confirm issued %d awards", n)
	}

	again := ts.page(t, c, preview+"?withhold=S9999&withhold=S1003", nil).wantStatus(t, http.StatusOK)
	again.wantBodyContains(t, `value="S1003" checked`)

	result := ts.page(t, c, preview+"/confirm", url.Values{"withhold": {"S9999", "S1003"}}).location(t, "/organiser/uploads/")
	done := ts.page(t, c, result, nil).wantStatus(t, http.StatusOK)
	done.wantBodyContains(t, "Issued 1 badge to 1 student; 2 rows withheld.")
	done.wantBodyContains(t, "/credentials/")
	if n := len(ts.awards(t)); n != 1 {
		t.Errorf("awards after confirm = %d, want 1", n)
	}

	ts.page(t, c, preview+"/confirm", url.Values{}).wantStatus(t, http.StatusNotFound)
}

func (ts *testServer) awards(t testing.TB) []*issuer.Award {
	t.Helper()
	awards, err := ts.db.Awards(context.Background(), issuer.AwardFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return awards
}

func TestOrganiserOnAnotherActivity(t *testing.T) {
	ts := newTestServer(t)
	owner := ts.organiserClient(t, ts.organiser)
	other := ts.organiserClient(t, ts.otherOrganiser)
	base := "/organiser/activities/" + ts.activity.ID

	preview := ts.pageUpload(t, owner, base+"/upload", "attendance.csv", goodAttendance).location(t, "/organiser/previews/")
	result := ts.page(t, owner, preview+"/confirm", url.Values{}).location(t, "/organiser/uploads/")

	tests := []struct {
		method, path string
		form         url.Values
		want         int
	}{
		{http.MethodGet, base, nil, http.StatusForbidden},
		{http.MethodGet, base + "/edit", nil, http.StatusForbidden},
		{http.MethodPost, base + "/edit", activityFormValues("Taken over", nil), http.StatusForbidden},
		{http.MethodPost, base + "/edit", activityFormValues("Taken over", url.Values{"hours": {"x"}}), http.StatusForbidden},
		{http.MethodGet, base + "/poster.svg", nil, http.StatusForbidden},
		{http.MethodGet, base + "/template.csv", nil, http.StatusForbidden},
		{http.MethodGet, base + "/upload", nil, http.StatusForbidden},
		{http.MethodGet, result, nil, http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			got := ts.pageMethod(t, other, tt.method, tt.path, tt.form)
			if got.StatusCode != tt.want {
				t.Errorf("status %d, want %d", got.StatusCode, tt.want)
			}
			if strings.Contains(string(got.body), "CV Writing Workshop") {
				t.Error("the page shows the other organiser's activity")
			}
		})
	}

	upload := ts.pageUpload(t, other, base+"/upload", "attendance.csv", goodAttendance)
	if upload.StatusCode != http.StatusForbidden {
		t.Errorf("upload to another's activity: status %d, want 403", upload.StatusCode)
	}

	again := ts.pageUpload(t, owner, base+"/upload", "attendance.csv", goodAttendance).location(t, "/organiser/previews/")
	if got := ts.page(t, other, again, nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("another's preview: status %d, want 404", got)
	}
	if got := ts.page(t, other, again+"/confirm", url.Values{}).StatusCode; got != http.StatusNotFound {
		t.Errorf("confirming another's preview: status %d, want 404", got)
	}

	student := ts.studentClient(t, "S1001")
	if got := ts.page(t, student, base, nil).StatusCode; got != http.StatusForbidden {
		t.Errorf("student on an organiser page: status %d, want 403", got)
	}
}

func TestStudentPagesAndConsent(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	mine := ts.credentialOf(t, res, "S1001")
	theirs := ts.credentialOf(t, res, "S1003")
	c := ts.studentClient(t, "S1001")

	home := ts.page(t, c, "/student/", nil).wantStatus(t, http.StatusOK)
	home.wantBodyContains(t, "<strong>1 of 1</strong> graduate-attribute badges")
	home.wantBodyContains(t, "/student/badges/"+mine.ID)
	home.wantBodyContains(t, "Not published")

	badge := ts.page(t, c, "/student/badges/"+mine.ID, nil).wantStatus(t, http.StatusOK)
	badge.wantBodyContains(t, ts.URL+"/credentials/"+mine.Credential.ID)
	for _, link := range []string{
		"/credentials/" + mine.Credential.ID + "/certificate.pdf",
		"/credentials/" + mine.Credential.ID + "/qr.png",
		"/credentials/" + mine.Credential.ID + "/badge.svg",
		"https://www.linkedin.com/profile/add?",
	} {
		badge.wantBodyContains(t, `href="`+link)
	}
	if got := ts.page(t, c, "/credentials/"+mine.Credential.ID+"/qr.png", nil).StatusCode; got != http.StatusOK {
		t.Errorf("QR code linked from the badge page: status %d, want 200", got)
	}
	home.wantBodyContains(t, `href="/student/transcript.pdf"`)
	home.wantBodyContains(t, `href="/student/archive.zip"`)

	other := ts.page(t, c, "/student/badges/"+theirs.ID, nil)
	if other.StatusCode != http.StatusForbidden {
		t.Errorf("another student's badge: status %d, want 403", other.StatusCode)
	}
	if strings.Contains(string(other.body), theirs.Credential.ID) {
		t.Error("the refusal shows the other student's credential")
	}

	ts.page(t, c, "/records", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "0 students")
	ts.page(t, c, "/student/publication", url.Values{"mode": {"all"}}).wantRedirect(t, "/student/publication")
	records := ts.page(t, c, "/records", nil).wantStatus(t, http.StatusOK)
	records.wantBodyContains(t, "CHAN Tai Man")
	records.wantBodyContains(t, `<abbr title="Informed and Professionally Competent">IPC</abbr>`)

	selectOther := url.Values{"mode": {"selected"}, "award": {theirs.ID}}
	if got := ts.page(t, c, "/student/publication", selectOther).StatusCode; got != http.StatusUnprocessableEntity {
		t.Errorf("publishing another student's badge: status %d, want 422", got)
	}
	if got := ts.page(t, c, "/student/publication", url.Values{"mode": {"everyone"}}).StatusCode; got != http.StatusUnprocessableEntity {
		t.Errorf("unknown publication choice: status %d, want 422", got)
	}

	ts.page(t, c, "/student/activities", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "CV Writing Workshop")

	ts.page(t, c, "/student/transcript", url.Values{"note": {"Post to 1 Main Street"}}).wantRedirect(t, "/student/transcript")
	ts.page(t, c, "/student/transcript", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "Post to 1 Main Street")
	long := ts.page(t, c, "/student/transcript", url.Values{"note": {strings.Repeat("x", 1001)}})
	long.wantStatus(t, http.StatusUnprocessableEntity).wantBodyContains(t, "shorten it to at most 1000")

	admin := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
	ts.page(t, admin, "/admin/transcripts", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "S1001")
	if got := ts.page(t, c, "/admin/transcripts", nil).StatusCode; got != http.StatusForbidden {
		t.Errorf("student on the transcript requests: status %d, want 403", got)
	}
}

func TestEnrolmentLinkPages(t *testing.T) {
	ts := newTestServer(t)
	link, err := ts.svc.EnrolmentLink(context.Background(), ts.organiser.user, ts.activity.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, ts.URL)

	anonymous := ts.page(t, browserClient(t), path, nil)
	anonymous.location(t, "/signin?next=")

	c := ts.studentClient(t, "S1001")
	ts.page(t, c, path, nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "Enrol in <bdi>CV Writing Workshop</bdi>")
	ts.page(t, c, path, url.Values{"publish": {"yes"}}).wantRedirect(t, "/student/activities")
	ts.page(t, c, "/student/activities", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "may be published")

	if got := ts.page(t, c, path+"x", nil).StatusCode; got != http.StatusNotFound {
		t.Errorf("unknown enrolment token: status %d, want 404", got)
	}
	graduate := ts.studentClient(t, "S1004")
	if got := ts.page(t, graduate, path, url.Values{}).StatusCode; got != http.StatusUnprocessableEntity {
		t.Errorf("graduate enrolling: status %d, want 422", got)
	}

	ts.issue(t)
	records := ts.page(t, browserClient(t), "/records", nil).wantStatus(t, http.StatusOK)
	records.wantBodyContains(t, "CHAN Tai Man")
	if strings.Contains(string(records.body), "WONG Siu Ming") {
		t.Error("the records list a student who did not consent")
	}
}

func TestRecordsPageQuery(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)
	for _, number := range []string{"S1001", "S1003"} {
		st := ts.student(t, number)
		if err := ts.svc.SetPublication(context.Background(), st, issuer.PublishAll, nil); err != nil {
			t.Fatal(err)
		}
	}
	c := browserClient(t)

	tests := []struct {
		query  string
		status int
		want   []string
		absent []string
	}{
		{"", http.StatusOK, []string{"2 students", "CHAN Tai Man", "WONG Siu Ming"}, nil},
		{"?q=wong", http.StatusOK, []string{"1 student.", "WONG Siu Ming"}, []string{"CHAN Tai Man"}},
		{"?q=%25", http.StatusOK, []string{"0 students"}, []string{"CHAN Tai Man"}},
		{"?year=1850", http.StatusBadRequest, []string{"is not a year of entry"}, nil},
		{"?page=0", http.StatusBadRequest, []string{"pages start at 1"}, nil},
		{"?page=9", http.StatusOK, []string{"No published records match", `href="/records?page=8"`}, nil},
		{"?q=" + strings.Repeat("a", 101), http.StatusUnprocessableEntity, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			got := ts.page(t, c, "/records"+tt.query, nil).wantStatus(t, tt.status)
			for _, want := range tt.want {
				got.wantBodyContains(t, want)
			}
			for _, absent := range tt.absent {
				if strings.Contains(string(got.body), absent) {
					t.Errorf("body contains %q", absent)
				}
			}
		})
	}
}

func TestPublicPagesNegotiate(t *testing.T) {
	ts := newTestServer(t)
	achievement := "/achievements/" + ts.achievement.ID

	for _, path := range []string{achievement, "/issuer"} {
		page := ts.page(t, browserClient(t), path, nil).wantStatus(t, http.StatusOK)
		if got := page.Header.Get("Content-Type"); !strings.HasPrefix(got, "text/html") {
			t.Errorf("%s for a browser: Content-Type %q, want HTML", path, got)
		}
		doc := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/json"}}}).wantStatus(t, http.StatusOK)
		if got := doc.Header.Get("Content-Type"); !strings.HasPrefix(got, "application/json") {
			t.Errorf("%s for JSON: Content-Type %q", path, got)
		}
		if got := doc.Header.Get("Vary"); !strings.Contains(got, "Accept") {
			t.Errorf("%s: Vary %q, want Accept", path, got)
		}
	}

	ts.page(t, browserClient(t), achievement, nil).wantBodyContains(t, "Attend at least three quarters of the sessions.")
	ts.page(t, browserClient(t), "/issuer", nil).wantBodyContains(t, "<bdi>Caring and Responsible Citizen</bdi> (CIT)")
}
