package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// storedAwards counts the awards of the test activity in the store.
func (ts *testServer) storedAwards(t testing.TB) int {
	t.Helper()
	awards, err := ts.db.Awards(context.Background(), issuer.AwardFilter{ActivityID: ts.activity.ID})
	if err != nil {
		t.Fatalf("list awards: %v", err)
	}
	return len(awards)
}

func (ts *testServer) storedUploads(t testing.TB) int {
	t.Helper()
	uploads, err := ts.db.Uploads(context.Background(), ts.activity.ID)
	if err != nil {
		t.Fatalf("list uploads: %v", err)
	}
	return len(uploads)
}

func TestUploadDryRunWritesNothing(t *testing.T) {
	cases := []struct {
		name   string
		query  string
		fields map[string][]string
	}{
		{"form field", "", map[string][]string{"dry_run": {"true"}}},
		{"query parameter", "?dry_run=true", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ts := newTestServer(t)
			body, contentType := multipartBody(t, "file", "attendance.csv", goodAttendance, c.fields)
			resp := ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities/" + ts.activity.ID + "/attendance" + c.query,
				token: ts.organiser.token, body: body, header: http.Header{"Content-Type": {contentType}}})
			resp.wantStatus(t, http.StatusOK)

			var res issuer.UploadResult
			resp.decode(t, &res)
			if !res.DryRun || res.Counts.Awards != 3 || len(res.Rows) != 3 {
				t.Errorf("preview = %+v, want a dry run of 3 rows and 3 awards", res)
			}
			if res.UploadID != "" || len(res.Credentials) != 0 {
				t.Errorf("dry run returned upload %q and %d credentials, want none", res.UploadID, len(res.Credentials))
			}
			if n := ts.storedAwards(t); n != 0 {
				t.Errorf("dry run stored %d awards", n)
			}
			if n := ts.storedUploads(t); n != 0 {
				t.Errorf("dry run stored %d uploads", n)
			}
		})
	}
}

func TestUploadIssuesOnce(t *testing.T) {
	ts := newTestServer(t)

	first := ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", goodAttendance, nil).wantStatus(t, http.StatusCreated)
	var res issuer.UploadResult
	first.decode(t, &res)
	if res.DryRun || len(res.Credentials) != 3 || res.UploadID == "" {
		t.Fatalf("result = %+v, want 3 credentials and an upload id", res)
	}
	if loc := first.Header.Get("Location"); loc != "/api/v1/uploads/"+res.UploadID {
		t.Errorf("Location = %q", loc)
	}
	if n := ts.storedAwards(t); n != 3 {
		t.Errorf("stored %d awards, want 3", n)
	}

	second := ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", goodAttendance, nil).wantStatus(t, http.StatusCreated)
	var again issuer.UploadResult
	second.decode(t, &again)
	if len(again.Credentials) != 0 || again.Counts.AlreadyAwarded != 3 {
		t.Errorf("re-upload = %+v, want no credentials and 3 rows already awarded", again.Counts)
	}
	for _, row := range again.Rows {
		if row.Status != issuer.RowAlreadyAwarded {
			t.Errorf("re-upload row %d status = %q, want already_awarded", row.Line, row.Status)
		}
	}
	if n := ts.storedAwards(t); n != 3 {
		t.Errorf("stored %d awards after re-upload, want still 3", n)
	}
}

func TestUploadWithholdField(t *testing.T) {
	ts := newTestServer(t)

	fields := map[string][]string{"withhold": {"S1001", "s1003"}, "dry_run": {"1"}}
	var res issuer.UploadResult
	ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", goodAttendance, fields).wantStatus(t, http.StatusOK).decode(t, &res)
	if res.Counts.Withheld != 2 || res.Counts.Awards != 1 {
		t.Errorf("counts = %+v, want 2 withheld and 1 award", res.Counts)
	}
}

func TestUploadWithBadRowsListsProblems(t *testing.T) {
	ts := newTestServer(t)
	data := attendanceCSV(
		"S1001,CHAN Tai Man,4,4,pass,",
		"S9999,NOBODY Here,4,4,pass,",
		"S1003,WONG Siu Ming,5,4,,",
		"S1004,HO Ka Yan,4,4,,",
	)

	resp := ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", data, nil).wantStatus(t, http.StatusUnprocessableEntity)
	var body errorBody
	resp.decode(t, &body)

	if body.Error.Code != codeInvalidInput || body.Result == nil {
		t.Fatalf("body = %s, want invalid_input with the result", resp.body)
	}
	lines := map[int]string{}
	for _, p := range body.Error.Problems {
		if !p.Warning {
			lines[p.Line] = p.Code
		}
	}
	want := map[int]string{3: "unknown_student", 4: "attended_exceeds_total", 5: "student_not_current"}
	for line, code := range want {
		if lines[line] != code {
			t.Errorf("line %d problem = %q, want %q; problems: %+v", line, lines[line], code, body.Error.Problems)
		}
	}
	if !strings.Contains(body.Error.Message, "problems") {
		t.Errorf("message = %q, want it to count the problems", body.Error.Message)
	}
	if n := ts.storedAwards(t); n != 0 {
		t.Errorf("a blocked upload stored %d awards", n)
	}
}

func TestUploadTooLarge(t *testing.T) {
	ts := newTestServer(t, func(s *Server) { s.MaxUploadBytes = 1 << 10 })
	data := attendanceCSV(strings.Repeat("S1001,CHAN Tai Man,4,4,pass,\n", 200))

	resp := ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", data, nil).wantStatus(t, http.StatusRequestEntityTooLarge)
	e := resp.errorBody(t)
	if e.Error.Code != codeTooLarge || !strings.Contains(e.Error.Message, "1 KiB") {
		t.Errorf("error = %+v, want payload_too_large naming the 1 KiB limit", e.Error)
	}
	if n := ts.storedUploads(t); n != 0 {
		t.Errorf("a rejected upload stored %d uploads", n)
	}
}

func TestUploadMalformedForms(t *testing.T) {
	ts := newTestServer(t)
	path := "/api/v1/activities/" + ts.activity.ID + "/attendance"

	noFile, noFileType := multipartBody(t, "", "", nil, map[string][]string{"dry_run": {"true"}})
	wrongField, wrongFieldType := multipartBody(t, "attendance", "a.csv", goodAttendance, nil)
	badDryRun, badDryRunType := multipartBody(t, "file", "a.csv", goodAttendance, map[string][]string{"dry_run": {"maybe"}})

	cases := []struct {
		name, contentType, want string
		body                    io.Reader
	}{
		{"no file field", noFileType, `"file"`, noFile},
		{"file under another name", wrongFieldType, `"file"`, wrongField},
		{"not multipart", "application/json", "multipart/form-data", strings.NewReader(`{}`)},
		{"bad dry_run", badDryRunType, "dry_run", badDryRun},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.do(t, request{method: http.MethodPost, path: path, token: ts.organiser.token, body: c.body,
				header: http.Header{"Content-Type": {c.contentType}}}).wantStatus(t, http.StatusBadRequest)
			if msg := resp.errorBody(t).Error.Message; !strings.Contains(msg, c.want) {
				t.Errorf("message = %q, want it to mention %s", msg, c.want)
			}
		})
	}
}

func TestUploadToOthersActivityForbidden(t *testing.T) {
	ts := newTestServer(t)

	resp := ts.upload(t, ts.otherOrganiser.token, ts.activity.ID, "attendance.csv", goodAttendance, nil).wantStatus(t, http.StatusForbidden)
	if msg := resp.errorBody(t).Error.Message; strings.Contains(msg, ts.activity.ID) {
		t.Errorf("message = %q reveals the activity id", msg)
	}
	if n := ts.storedAwards(t); n != 0 {
		t.Errorf("a forbidden upload stored %d awards", n)
	}
}

func TestUploadsListAndFile(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)

	list := ts.get(t, "/api/v1/activities/"+ts.activity.ID+"/uploads", ts.organiser.token).wantStatus(t, http.StatusOK)
	var uploads struct{ Uploads []uploadView }
	list.decode(t, &uploads)
	if len(uploads.Uploads) != 1 || uploads.Uploads[0].ID != res.UploadID || uploads.Uploads[0].AwardCount != 3 {
		t.Fatalf("uploads = %+v, want the one upload with 3 awards", uploads.Uploads)
	}

	one := ts.get(t, "/api/v1/uploads/"+res.UploadID, ts.organiser.token).wantStatus(t, http.StatusOK)
	if bytes.Contains(one.body, []byte("S1001,CHAN")) || bytes.Contains(one.body, []byte("original")) {
		t.Errorf("upload JSON holds the file: %s", one.body)
	}

	file := ts.get(t, "/api/v1/uploads/"+res.UploadID+"/file", ts.organiser.token).wantStatus(t, http.StatusOK)
	if !bytes.Equal(file.body, goodAttendance) {
		t.Errorf("downloaded file differs from the upload:\n%s", file.body)
	}
	if cd := file.Header.Get("Content-Disposition"); cd != "attachment; filename=attendance.csv" {
		t.Errorf("Content-Disposition = %q", cd)
	}

	ts.get(t, "/api/v1/uploads/"+res.UploadID+"/file", ts.otherOrganiser.token).wantStatus(t, http.StatusForbidden)
}

func TestIssuedCounter(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)

	metrics := string(ts.get(t, "/metrics", "").wantStatus(t, http.StatusOK).body)
	if !strings.Contains(metrics, "laurel_credentials_issued_total 3") {
		t.Errorf("metrics do not count 3 issued credentials:\n%s", grepLines(metrics, "laurel_credentials"))
	}
}

func grepLines(s, substr string) string {
	var out []string
	for line := range strings.Lines(s) {
		if strings.Contains(line, substr) {
			out = append(out, strings.TrimSpace(line))
		}
	}
	return strings.Join(out, "\n")
}

func TestUploadedName(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "attendance.csv", "attendance.csv"},
		{"windows path", `C:\Users\organiser\attendance.xlsx`, "attendance.xlsx"},
		{"unix path", "/tmp/../attendance.csv", "attendance.csv"},
		{"empty", "", ""},
		{"slash only", "/", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := uploadedName(c.in); got != c.want {
				t.Errorf("uploadedName(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}
