package web

import (
	"net/http"
	"strings"
	"testing"
)

func (ts *testServer) patchJSON(t testing.TB, path, token, body string) response {
	t.Helper()
	return ts.do(t, request{method: http.MethodPatch, path: path, token: token, body: strings.NewReader(body),
		header: http.Header{"Content-Type": {"application/json"}}})
}

func TestPatchStudentGraduates(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	resp := ts.patchJSON(t, "/api/v1/students/S1001", ts.admin.token, `{"status": "graduated", "personal_email": "chan.taiman@example.com"}`).wantStatus(t, http.StatusOK)
	var st studentView
	resp.decode(t, &st)
	if st.StudentID != "S1001" || st.Status != "graduated" || st.PersonalEmail != "chan.taiman@example.com" {
		t.Errorf("response = %+v", st)
	}

	page := string(ts.do(t, request{path: "/credentials/" + award.Credential.ID, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusOK).body)
	if !strings.Contains(page, "Status: <strong>Active</strong>") {
		t.Error("the credential of a graduate no longer shows as active")
	}
	if ts.statusListBits(t, ts.statusListPath(t, award)).Get(award.Credential.StatusEntry.Index) {
		t.Error("the credential of a graduate reads as revoked")
	}

	again := ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", attendanceCSV("S1001,CHAN Tai Man,4,4,,"), nil)
	again.wantStatus(t, http.StatusUnprocessableEntity)
	if !strings.Contains(string(again.body), "student_not_current") {
		t.Errorf("upload for a graduate: %s", again.body)
	}

	var listed struct {
		Students []studentView `json:"students"`
	}
	ts.get(t, "/api/v1/students?status=graduated", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &listed)
	numbers := map[string]bool{}
	for _, s := range listed.Students {
		numbers[s.StudentID] = true
	}
	if !numbers["S1001"] || !numbers["S1004"] || len(numbers) != 2 {
		t.Errorf("graduated students = %v, want S1001 and S1004", numbers)
	}
}

func TestPatchStudentErrors(t *testing.T) {
	ts := newTestServer(t)
	tests := []struct {
		name, path, token, body string
		want                    int
	}{
		{"no token", "/api/v1/students/S1001", "", `{"status": "graduated"}`, http.StatusUnauthorized},
		{"organiser", "/api/v1/students/S1001", "organiser", `{"status": "graduated"}`, http.StatusForbidden},
		{"unknown student", "/api/v1/students/S9999", "admin", `{"status": "graduated"}`, http.StatusNotFound},
		{"unknown status", "/api/v1/students/S1001", "admin", `{"status": "expelled"}`, http.StatusUnprocessableEntity},
		{"bad email", "/api/v1/students/S1001", "admin", `{"personal_email": "nope"}`, http.StatusUnprocessableEntity},
		{"no field", "/api/v1/students/S1001", "admin", `{}`, http.StatusUnprocessableEntity},
		{"unknown field", "/api/v1/students/S1001", "admin", `{"graduated": true}`, http.StatusBadRequest},
	}
	tokens := map[string]string{"admin": ts.admin.token, "organiser": ts.organiser.token}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts.patchJSON(t, tt.path, tokens[tt.token], tt.body).wantStatus(t, tt.want)
		})
	}

	var listed struct {
		Students []studentView `json:"students"`
	}
	ts.get(t, "/api/v1/students?q=S1001", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &listed)
	if len(listed.Students) != 1 || listed.Students[0].Status != "current" || listed.Students[0].PersonalEmail != "" {
		t.Errorf("S1001 after rejected requests = %+v, want current without a personal email", listed.Students)
	}
}
