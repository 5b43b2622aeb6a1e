package web

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// sendJSON sends a JSON request with method and body from the browser
// client c, with its session cookie and extra headers.
func (ts *testServer) sendJSON(t testing.TB, c *http.Client, method, path, body string, header http.Header) response {
	t.Helper()
	r, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, vs := range header {
		r.Header[k] = vs
	}
	res, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("read %s %s: %v", method, path, err)
	}
	return response{Response: res, body: b}
}

// wantError checks the status and that the error message contains want,
// such as the name of the field at fault.
func (r response) wantError(t testing.TB, status int, want string) {
	t.Helper()
	r.wantStatus(t, status)
	var e errorBody
	r.decode(t, &e)
	if !strings.Contains(e.Error.Message, want) {
		t.Errorf("%s %s: error message %q does not contain %q", r.Request.Method, r.Request.URL.Path, e.Error.Message, want)
	}
}

func TestAPIOrganisers(t *testing.T) {
	ts := newTestServer(t)

	var list struct{ Organisers []userView }
	ts.get(t, "/api/v1/organisers", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
	if len(list.Organisers) != 2 {
		t.Fatalf("organisers = %+v, want the 2 test organisers", list.Organisers)
	}
	for _, o := range list.Organisers {
		if o.Role != "organiser" || !o.CanUpload {
			t.Errorf("organiser %s: role %q, can_upload %v; want organiser with the upload right", o.Name, o.Role, o.CanUpload)
		}
	}
	ts.get(t, "/api/v1/organisers", ts.organiser.token).wantError(t, http.StatusForbidden, "may not")

	body := `{"name": "Library Organiser", "email": "library@example.edu", "password": "` + adminPassword + `"}`
	created := ts.postJSON(t, "/api/v1/organisers", ts.admin.token, body).wantStatus(t, http.StatusCreated)
	var u userView
	created.decode(t, &u)
	if u.Name != "Library Organiser" || u.Role != "organiser" || created.Header.Get("Location") != "/api/v1/organisers/"+u.ID {
		t.Errorf("created %+v at %q, want the new organiser at its URL", u, created.Header.Get("Location"))
	}
	c := browserClient(t)
	ts.page(t, c, "/signin", map[string][]string{"login": {"library@example.edu"}, "password": {adminPassword}}).wantRedirect(t, "/organiser/")

	ts.postJSON(t, "/api/v1/organisers", ts.organiser.token, body).wantError(t, http.StatusForbidden, "may not")

	bad := []struct {
		name, body string
		status     int
		want       string
	}{
		{"bad email", `{"name": "X", "email": "not-an-address", "password": "` + adminPassword + `"}`, http.StatusUnprocessableEntity, "email"},
		{"missing name", `{"email": "x@example.edu", "password": "` + adminPassword + `"}`, http.StatusUnprocessableEntity, "name"},
		{"short password", `{"name": "X", "email": "x@example.edu", "password": "short"}`, http.StatusUnprocessableEntity, "password"},
		{"taken email", `{"name": "Y", "email": "library@example.edu", "password": "` + adminPassword + `"}`, http.StatusUnprocessableEntity, "email"},
		{"name as number", `{"name": 7}`, http.StatusBadRequest, `"name"`},
		{"unknown field", `{"name": "X", "role": "admin"}`, http.StatusBadRequest, "role"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			ts.postJSON(t, "/api/v1/organisers", ts.admin.token, tt.body).wantError(t, tt.status, tt.want)
		})
	}
}

func TestAPIUploadRight(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/organisers/" + ts.organiser.user.ID
	patch := func(token, body string) response {
		return ts.do(t, request{method: http.MethodPatch, path: path, token: token, body: strings.NewReader(body),
			header: http.Header{"Content-Type": {"application/json"}}})
	}

	var u userView
	patch(ts.admin.token, `{"can_upload": false}`).wantStatus(t, http.StatusOK).decode(t, &u)
	if u.ID != ts.organiser.user.ID || u.CanUpload {
		t.Fatalf("after withdrawing: %+v, want the organiser without the upload right", u)
	}
	ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", goodAttendance, map[string][]string{"dry_run": {"true"}}).
		wantStatus(t, http.StatusForbidden)

	patch(ts.admin.token, `{"can_upload": true}`).wantStatus(t, http.StatusOK).decode(t, &u)
	if !u.CanUpload {
		t.Fatalf("after granting: %+v, want the upload right", u)
	}
	ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", goodAttendance, map[string][]string{"dry_run": {"true"}}).
		wantStatus(t, http.StatusOK)

	entries, err := ts.db.AuditLog(context.Background(), issuer.AuditFilter{Subject: ts.organiser.user.ID})
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	var actions []string
	for _, e := range entries {
		if strings.HasPrefix(e.Action, "user.upload_") {
			actions = append(actions, e.Action)
		}
	}
	if strings.Join(actions, " ") != "user.upload_grant user.upload_withdraw" {
		t.Errorf("audit actions = %v, want the grant after the withdrawal", actions)
	}

	tests := []struct {
		name, token, path, body string
		status                  int
		want                    string
	}{
		{"organiser grants itself", ts.organiser.token, path, `{"can_upload": true}`, http.StatusForbidden, "may not"},
		{"organiser on another organiser", ts.organiser.token, "/api/v1/organisers/" + ts.otherOrganiser.user.ID, `{"can_upload": false}`, http.StatusForbidden, "may not"},
		{"missing field", ts.admin.token, path, `{}`, http.StatusBadRequest, "can_upload"},
		{"not a boolean", ts.admin.token, path, `{"can_upload": "yes"}`, http.StatusBadRequest, "can_upload"},
		{"admin account", ts.admin.token, "/api/v1/organisers/" + ts.admin.user.ID, `{"can_upload": false}`, http.StatusUnprocessableEntity, "user"},
		{"unknown account", ts.admin.token, "/api/v1/organisers/no-such-user", `{"can_upload": false}`, http.StatusNotFound, "no record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.do(t, request{method: http.MethodPatch, path: tt.path, token: tt.token, body: strings.NewReader(tt.body)}).
				wantError(t, tt.status, tt.want)
		})
	}
}

func TestAPIEndSessions(t *testing.T) {
	ts := newTestServer(t)
	c := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})
	ts.page(t, c, "/organiser/", nil).wantStatus(t, http.StatusOK)

	path := "/api/v1/organisers/" + ts.organiser.user.ID + "/sessions/end"
	ts.postJSON(t, path, ts.otherOrganiser.token, "").wantError(t, http.StatusForbidden, "may not")
	ts.page(t, c, "/organiser/", nil).wantStatus(t, http.StatusOK)

	var ended struct {
		UserID        string `json:"user_id"`
		SessionsEnded int    `json:"sessions_ended"`
	}
	ts.postJSON(t, path, ts.admin.token, "").wantStatus(t, http.StatusOK).decode(t, &ended)
	if ended.UserID != ts.organiser.user.ID || ended.SessionsEnded != 1 {
		t.Errorf("response %+v, want 1 session of the organiser ended", ended)
	}
	ts.page(t, c, "/organiser/", nil).wantRedirect(t, "/signin?next=%2Forganiser%2F")
}

// activityBody is a valid PUT /api/v1/activities/{id} body with title.
func activityBody(title string) string {
	return `{"title": "` + title + `", "description": "Write a CV.", "unit": "Careers Centre",
		"start_date": "2025-03-01", "end_date": "2025-03-15", "hours": 8, "achievements": ["IPC", "CIT"], "min_attendance": 0.8}`
}

func TestAPIUpdateActivity(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/activities/" + ts.activity.ID
	put := func(token, body string) response {
		return ts.do(t, request{method: http.MethodPut, path: path, token: token, body: strings.NewReader(body),
			header: http.Header{"Content-Type": {"application/json"}}})
	}

	var a activityView
	put(ts.organiser.token, activityBody("CV Clinic")).wantStatus(t, http.StatusOK).decode(t, &a)
	if a.Title != "CV Clinic" || a.EndDate != "2025-03-15" || a.Hours != 8 || len(a.AchievementIDs) != 2 || a.MinAttendance != 0.8 {
		t.Errorf("updated activity = %+v, want the new title, dates, hours, two badges and 80%%", a)
	}
	if a.OrganiserID != ts.organiser.user.ID || !a.CreatedAt.Equal(ts.activity.CreatedAt) {
		t.Errorf("organiser %s, created %v; want both kept", a.OrganiserID, a.CreatedAt)
	}
	var got activityView
	ts.get(t, path, ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &got)
	if got.Title != "CV Clinic" {
		t.Errorf("stored title = %q, want CV Clinic", got.Title)
	}

	put(ts.admin.token, activityBody("CV Clinic by the advisor")).wantStatus(t, http.StatusOK).decode(t, &a)
	if a.OrganiserID != ts.organiser.user.ID {
		t.Errorf("organiser after the admin's edit = %s, want it kept", a.OrganiserID)
	}

	entries, err := ts.db.AuditLog(context.Background(), issuer.AuditFilter{Action: "activity.update", Subject: ts.activity.ID})
	if err != nil {
		t.Fatalf("read audit log: %v", err)
	}
	if len(entries) != 2 {
		t.Errorf("audit entries of the edits = %d, want 2", len(entries))
	}

	tests := []struct {
		name, token, path, body string
		status                  int
		want                    string
	}{
		{"another organiser's activity", ts.otherOrganiser.token, path, activityBody("Taken over"), http.StatusForbidden, "may not"},
		{"unknown activity", ts.organiser.token, "/api/v1/activities/no-such-activity", activityBody("X"), http.StatusNotFound, "no record"},
		{"zero hours", ts.organiser.token, path, strings.Replace(activityBody("X"), `"hours": 8`, `"hours": 0`, 1), http.StatusUnprocessableEntity, "hours"},
		{"missing title", ts.organiser.token, path, activityBody(""), http.StatusUnprocessableEntity, "title"},
		{"unknown badge", ts.organiser.token, path, strings.Replace(activityBody("X"), `"CIT"`, `"NOPE"`, 1), http.StatusUnprocessableEntity, "achievements"},
		{"curricular", ts.organiser.token, path, strings.Replace(activityBody("X"), `"hours": 8`, `"hours": 8, "curricular": true`, 1), http.StatusUnprocessableEntity, "curricular"},
		{"bad date", ts.organiser.token, path, strings.Replace(activityBody("X"), `"2025-03-01"`, `"1 March 2025"`, 1), http.StatusUnprocessableEntity, "start_date"},
		{"organiser field", ts.organiser.token, path, strings.Replace(activityBody("X"), `"hours": 8`, `"hours": 8, "organiser_id": "`+ts.otherOrganiser.user.ID+`"`, 1), http.StatusBadRequest, "organiser_id"},
		{"hours as text", ts.organiser.token, path, strings.Replace(activityBody("X"), `"hours": 8`, `"hours": "8"`, 1), http.StatusBadRequest, "hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.do(t, request{method: http.MethodPut, path: tt.path, token: tt.token, body: strings.NewReader(tt.body)}).
				wantError(t, tt.status, tt.want)
		})
	}

	ts.get(t, path, ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &got)
	if got.Title != "CV Clinic by the advisor" {
		t.Errorf("title after the rejected edits = %q, want the last accepted one", got.Title)
	}
}

func TestAPIPromotion(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/activities/" + ts.activity.ID + "/promotion"

	var p promotionView
	ts.get(t, path, ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &p)
	if !strings.Contains(p.Remark, `"Informed and Professionally Competent" (IPC)`) || !strings.Contains(p.Remark, "Example University") {
		t.Errorf("remark = %q, want the badge and the institution named", p.Remark)
	}
	if !strings.HasPrefix(p.EnrolmentURL, ts.URL+"/enrol/") || strings.Join(p.Achievements, ",") != "IPC" {
		t.Errorf("promotion = %+v, want an enrolment link of this server and IPC", p)
	}

	var again promotionView
	ts.get(t, path, ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &again)
	if again.EnrolmentURL != p.EnrolmentURL {
		t.Errorf("enrolment link changed from %q to %q, want it kept", p.EnrolmentURL, again.EnrolmentURL)
	}
	ts.get(t, path, ts.otherOrganiser.token).wantError(t, http.StatusForbidden, "may not")
}

func TestAPITranscriptRequestsForAdmin(t *testing.T) {
	ts := newTestServer(t)
	st := ts.student(t, "S1001")
	if _, err := ts.svc.RequestTranscript(context.Background(), st, "Post to 1 Main Street"); err != nil {
		t.Fatal(err)
	}

	var list struct {
		TranscriptRequests []transcriptRequestView `json:"transcript_requests"`
	}
	ts.get(t, "/api/v1/transcript-requests", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
	if len(list.TranscriptRequests) != 1 {
		t.Fatalf("requests = %+v, want 1", list.TranscriptRequests)
	}
	got := list.TranscriptRequests[0]
	if got.Note != "Post to 1 Main Street" || got.Student == nil || got.Student.StudentID != "S1001" {
		t.Errorf("request = %+v, want the note and student S1001", got)
	}
	ts.get(t, "/api/v1/transcript-requests", ts.organiser.token).wantError(t, http.StatusForbidden, "may not")
}

// publicationOf reads the student's publication through the API.
func (ts *testServer) publicationOf(t testing.TB, c *http.Client) publicationView {
	t.Helper()
	var v publicationView
	ts.sendJSON(t, c, http.MethodGet, "/api/v1/student/publication", "", nil).wantStatus(t, http.StatusOK).decode(t, &v)
	return v
}

func publishedAwards(v publicationView) []string {
	var out []string
	for _, b := range v.Badges {
		if b.Published {
			out = append(out, b.AwardID)
		}
	}
	return out
}

func TestAPIStudentPublication(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	second, err := ts.svc.CreateActivity(context.Background(), ts.organiser.user, issuer.ActivityInput{
		Title: "Beach Clean-up", Unit: "Careers Centre", Hours: 4, AchievementCodes: []string{"CIT"},
		StartDate: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	ts.upload(t, ts.organiser.token, second.ID, "attendance.csv", goodAttendance, nil).wantStatus(t, http.StatusCreated)

	st := ts.student(t, "S1001")
	c := ts.signedIn(t, &issuer.Principal{Student: st})
	theirs := ts.credentialOf(t, res, "S1002")

	v := ts.publicationOf(t, c)
	if v.Mode != "enrolment" || len(v.Badges) != 2 || len(publishedAwards(v)) != 0 || v.UpdatedAt != nil {
		t.Fatalf("first publication = %+v, want mode enrolment, 2 badges, none published", v)
	}
	for _, b := range v.Badges {
		if b.AchievementCode == "" || b.ActivityTitle == "" || b.CredentialID == "" || b.Status != "active" {
			t.Errorf("badge %+v, want its code, activity, credential and status", b)
		}
	}
	mine := v.Badges[0].AwardID

	steps := []struct {
		body      string
		mode      string
		published int
	}{
		{`{"mode": "all"}`, "all", 2},
		{`{"mode": "none"}`, "none", 0},
		{`{"mode": "selected", "award_ids": ["` + mine + `"]}`, "selected", 1},
		{`{"mode": "enrolment"}`, "enrolment", 0},
	}
	for _, step := range steps {
		var got publicationView
		ts.sendJSON(t, c, http.MethodPut, "/api/v1/student/publication", step.body, nil).wantStatus(t, http.StatusOK).decode(t, &got)
		if got.Mode != step.mode || len(publishedAwards(got)) != step.published {
			t.Errorf("after %s: mode %q with %d published, want %q with %d", step.body, got.Mode, len(publishedAwards(got)), step.mode, step.published)
		}
		if step.mode == "selected" && (len(got.AwardIDs) != 1 || got.AwardIDs[0] != mine || publishedAwards(got)[0] != mine) {
			t.Errorf("selected awards = %v, published %v; want only %s", got.AwardIDs, publishedAwards(got), mine)
		}
	}

	ts.sendJSON(t, c, http.MethodPut, "/api/v1/student/publication", `{"mode": "all"}`, nil).wantStatus(t, http.StatusOK)
	bad := []struct {
		name, body string
		status     int
		want       string
	}{
		{"another student's award", `{"mode": "selected", "award_ids": ["` + mine + `", "` + theirs.ID + `"]}`, http.StatusUnprocessableEntity, "award_ids"},
		{"unknown award", `{"mode": "selected", "award_ids": ["no-such-award"]}`, http.StatusUnprocessableEntity, "award_ids"},
		{"unknown mode", `{"mode": "everyone"}`, http.StatusUnprocessableEntity, "mode"},
		{"missing mode", `{}`, http.StatusUnprocessableEntity, "mode"},
		{"mode as number", `{"mode": 1}`, http.StatusBadRequest, `"mode"`},
		{"award ids as text", `{"mode": "selected", "award_ids": "` + mine + `"}`, http.StatusBadRequest, "award_ids"},
		{"unknown field", `{"mode": "all", "publish": true}`, http.StatusBadRequest, "publish"},
		{"empty body", ``, http.StatusBadRequest, "empty"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			ts.sendJSON(t, c, http.MethodPut, "/api/v1/student/publication", tt.body, nil).wantError(t, tt.status, tt.want)
		})
	}
	if v := ts.publicationOf(t, c); v.Mode != "all" || len(publishedAwards(v)) != 2 {
		t.Errorf("after rejected changes: mode %q with %d published, want all with 2", v.Mode, len(publishedAwards(v)))
	}

	// The other student's choice is their own.
	other := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1002")})
	if v := ts.publicationOf(t, other); v.Mode != "enrolment" || len(v.Badges) != 2 || v.Badges[0].AwardID == mine {
		t.Errorf("other student's publication = %+v, want their own badges and the default mode", v)
	}

	entries, err := ts.db.AuditLog(context.Background(), issuer.AuditFilter{Action: "publication.set", Subject: st.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(steps)+1 {
		t.Errorf("audit entries = %d, want one per accepted change, %d", len(entries), len(steps)+1)
	}
}

func TestAPIStudentRoutesAccess(t *testing.T) {
	ts := newTestServer(t)
	student := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})
	admin := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})

	routes := []struct{ method, path, body string }{
		{http.MethodGet, "/api/v1/student/publication", ""},
		{http.MethodPut, "/api/v1/student/publication", `{"mode": "all"}`},
		{http.MethodPost, "/api/v1/student/transcript-link", ""},
		{http.MethodGet, "/api/v1/student/transcript-requests", ""},
		{http.MethodPost, "/api/v1/student/transcript-requests", `{"note": ""}`},
		{http.MethodPut, "/api/v1/student/enrolments/some-token", `{"publish_consent": true}`},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			ts.sendJSON(t, browserClient(t), rt.method, rt.path, rt.body, nil).wantError(t, http.StatusUnauthorized, "sign in")
			ts.sendJSON(t, admin, rt.method, rt.path, rt.body, nil).wantError(t, http.StatusForbidden, "for signed-in students")
			ts.do(t, request{method: rt.method, path: rt.path, token: ts.admin.token, body: strings.NewReader(rt.body)}).
				wantError(t, http.StatusForbidden, "API tokens belong to staff")
			ts.do(t, request{method: rt.method, path: rt.path, token: "laurel_unknown", body: strings.NewReader(rt.body)}).
				wantStatus(t, http.StatusUnauthorized)

			if rt.method != http.MethodGet {
				cross := http.Header{"Sec-Fetch-Site": {"cross-site"}}
				ts.sendJSON(t, student, rt.method, rt.path, rt.body, cross).wantError(t, http.StatusForbidden, "cross-origin")
			}
		})
	}

	if v := ts.publicationOf(t, student); v.Mode != "enrolment" {
		t.Errorf("mode after the rejected requests = %q, want enrolment", v.Mode)
	}
}

func TestAPIStudentTranscriptLink(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)
	chanClient := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})
	wongClient := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1003")})

	link := func(c *http.Client) string {
		var v struct{ URL string }
		ts.sendJSON(t, c, http.MethodPost, "/api/v1/student/transcript-link", "", nil).wantStatus(t, http.StatusOK).decode(t, &v)
		if !strings.HasPrefix(v.URL, ts.URL+"/transcripts/") {
			t.Fatalf("transcript link %q is not a transcript page of this server", v.URL)
		}
		return v.URL
	}
	first := link(chanClient)
	if again := link(chanClient); again != first {
		t.Errorf("second link %q, want the first one %q again", again, first)
	}
	theirs := link(wongClient)
	if theirs == first {
		t.Fatal("two students got the same transcript link")
	}

	page := ts.page(t, browserClient(t), strings.TrimPrefix(first, ts.URL), nil).wantStatus(t, http.StatusOK)
	page.wantBodyContains(t, "CHAN Tai Man")
	if strings.Contains(string(page.body), "WONG Siu Ming") {
		t.Error("one student's transcript page shows another student")
	}
}

func TestAPIStudentTranscriptRequests(t *testing.T) {
	ts := newTestServer(t)
	c := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})
	other := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1002")})

	var created transcriptRequestView
	ts.sendJSON(t, c, http.MethodPost, "/api/v1/student/transcript-requests", `{"note": "  Post to 1 Main Street "}`, nil).
		wantStatus(t, http.StatusCreated).decode(t, &created)
	if created.ID == "" || created.Note != "Post to 1 Main Street" || created.Student != nil {
		t.Errorf("created request %+v, want an id and the trimmed note", created)
	}

	ts.sendJSON(t, c, http.MethodPost, "/api/v1/student/transcript-requests", `{"note": "`+strings.Repeat("x", 1001)+`"}`, nil).
		wantError(t, http.StatusUnprocessableEntity, "note")
	ts.sendJSON(t, c, http.MethodPost, "/api/v1/student/transcript-requests", `{"note": ["a"]}`, nil).
		wantError(t, http.StatusBadRequest, "note")

	var list struct {
		TranscriptRequests []transcriptRequestView `json:"transcript_requests"`
	}
	ts.sendJSON(t, c, http.MethodGet, "/api/v1/student/transcript-requests", "", nil).wantStatus(t, http.StatusOK).decode(t, &list)
	if len(list.TranscriptRequests) != 1 || list.TranscriptRequests[0].ID != created.ID {
		t.Errorf("own requests = %+v, want the one created", list.TranscriptRequests)
	}
	ts.sendJSON(t, other, http.MethodGet, "/api/v1/student/transcript-requests", "", nil).wantStatus(t, http.StatusOK).decode(t, &list)
	if len(list.TranscriptRequests) != 0 {
		t.Errorf("another student's requests = %+v, want none", list.TranscriptRequests)
	}
}

func TestAPIStudentEnrolment(t *testing.T) {
	ts := newTestServer(t)
	link, err := ts.svc.EnrolmentLink(context.Background(), ts.organiser.user, ts.activity.ID)
	if err != nil {
		t.Fatal(err)
	}
	path := "/api/v1/student/enrolments/" + strings.TrimPrefix(link, ts.URL+"/enrol/")
	c := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1001")})

	var got struct {
		ActivityID     string `json:"activity_id"`
		PublishConsent bool   `json:"publish_consent"`
	}
	ts.sendJSON(t, c, http.MethodPut, path, `{"publish_consent": true}`, nil).wantStatus(t, http.StatusOK).decode(t, &got)
	if got.ActivityID != ts.activity.ID || !got.PublishConsent {
		t.Errorf("enrolment = %+v, want the activity with consent", got)
	}
	ts.sendJSON(t, c, http.MethodPut, path, `{"publish_consent": false}`, nil).wantStatus(t, http.StatusOK)

	enrolled, err := ts.db.StudentEnrolments(context.Background(), ts.student(t, "S1001").ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(enrolled) != 1 || enrolled[0].ActivityID != ts.activity.ID || enrolled[0].PublishConsent {
		t.Errorf("stored enrolments = %+v, want one without consent", enrolled)
	}

	graduate := ts.signedIn(t, &issuer.Principal{Student: ts.student(t, "S1004")})
	tests := []struct {
		name   string
		c      *http.Client
		path   string
		body   string
		status int
		want   string
	}{
		{"graduate", graduate, path, `{"publish_consent": true}`, http.StatusUnprocessableEntity, "student"},
		{"unknown token", c, "/api/v1/student/enrolments/no-such-token", `{"publish_consent": true}`, http.StatusNotFound, "no record"},
		{"missing consent", c, path, `{}`, http.StatusBadRequest, "publish_consent"},
		{"consent as text", c, path, `{"publish_consent": "yes"}`, http.StatusBadRequest, "publish_consent"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.sendJSON(t, tt.c, http.MethodPut, tt.path, tt.body, nil).wantError(t, tt.status, tt.want)
		})
	}
}
