package web

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestAPIRejectsControlText sends U+0000 in every kind of text the API
// takes, on both stores. PostgreSQL cannot store it and SQLite would, so
// either way the response must be a 4xx naming the field or parameter,
// and nothing may be stored.
func TestAPIRejectsControlText(t *testing.T) {
	for _, db := range sharedDatabases {
		t.Run(db.name, func(t *testing.T) {
			ts := newTestServerOn(t, db.url(t))
			testAPIRejectsControlText(t, ts)
		})
	}
}

func testAPIRejectsControlText(t *testing.T, ts *testServer) {
	activity := `{"title":%s,"unit":%s,"description":%s,"start_date":"2025-09-01","end_date":"2025-09-02","hours":3,"achievements":["IPC"]}`
	activityWith := func(title, unit, description string) string {
		return jsonFormat(activity, title, unit, description)
	}
	credential := ts.credentialOf(t, ts.issue(t), "S1001").Credential.ID

	tests := []struct {
		name, method, path, body string
		status                   int
		want                     string
	}{
		{"activity title", http.MethodPost, "/api/v1/activities", activityWith("a\x00b", "Careers Centre", ""),
			http.StatusUnprocessableEntity, "title: contains a control character U+0000 at position 2; remove it"},
		{"activity description", http.MethodPost, "/api/v1/activities", activityWith("Talk", "Careers Centre", "one\n\x00"),
			http.StatusUnprocessableEntity, "description: contains a control character U+0000 at position 5"},
		{"activity unit slash", http.MethodPost, "/api/v1/activities", activityWith("Talk", "U/../..", ""),
			http.StatusUnprocessableEntity, `unit: "U/../.." contains a slash`},
		{"student name", http.MethodPost, "/api/v1/students", `[{"student_id":"S3001","name":"a\u0000b","email":"s3001@stu.example.edu"}]`,
			http.StatusUnprocessableEntity, "student S3001: name: contains a control character U+0000 at position 2"},
		{"student personal email", http.MethodPatch, "/api/v1/students/S1001", `{"personal_email":"chan\u0000@example.com"}`,
			http.StatusUnprocessableEntity, "personal_email: contains a control character U+0000 at position 5"},
		{"profile name", http.MethodPut, "/api/v1/profile", `{"name":"Example\u0000University"}`,
			http.StatusUnprocessableEntity, "name: contains a control character U+0000 at position 8"},
		{"achievement name", http.MethodPost, "/api/v1/achievements", `{"achievements":[{"code":"NEW","name":"a\u0000","description":"d","criteria":"c"}]}`,
			http.StatusUnprocessableEntity, "name: contains a control character U+0000 at position 2"},
		{"revoke reason", http.MethodPost, "/api/v1/credentials/" + credential + "/revoke", `{"reason":"typo\u0000"}`,
			http.StatusUnprocessableEntity, "reason: contains a control character U+0000 at position 5"},
		{"enrolment student", http.MethodPost, "/api/v1/activities/" + ts.activity.ID + "/enrolments", `{"student_id":"S10\u000001"}`,
			http.StatusUnprocessableEntity, "student_id: contains a control character U+0000 at position 4"},
		{"search query", http.MethodGet, "/api/v1/students?q=a%00b", "",
			http.StatusBadRequest, "query parameter q contains a control character U+0000 at position 2; remove it"},
		{"search query not UTF-8", http.MethodGet, "/api/v1/students?q=caf%E9", "",
			http.StatusBadRequest, "query parameter q is not valid UTF-8 text: byte 0xE9 at position 4"},
		{"id in the path", http.MethodGet, "/api/v1/activities/a%00b", "",
			http.StatusBadRequest, "the path contains a control character U+0000 at position 21"},
		{"public credential path", http.MethodGet, "/credentials/a%00b", "",
			http.StatusBadRequest, "the path contains a control character U+0000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := request{method: tt.method, path: tt.path, token: ts.admin.token}
			if tt.body != "" {
				req.body = strings.NewReader(tt.body)
				req.header = http.Header{"Content-Type": {"application/json"}}
			}
			e := ts.do(t, req).wantStatus(t, tt.status).errorBody(t).Error
			if !strings.Contains(e.Message, tt.want) {
				t.Errorf("message %q, want it to contain %q", e.Message, tt.want)
			}
		})
	}

	t.Run("nothing stored", func(t *testing.T) {
		var p profileView
		ts.get(t, "/api/v1/profile", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &p)
		if p.Name != "Example University" {
			t.Errorf("profile name = %q, want it unchanged", p.Name)
		}
		var list struct{ Activities []activityView }
		ts.get(t, "/api/v1/activities", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
		if len(list.Activities) != 1 {
			t.Errorf("%d activities, want only the seeded one", len(list.Activities))
		}
		var students struct{ Students []studentView }
		ts.get(t, "/api/v1/students?q=S3001", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &students)
		if len(students.Students) != 0 {
			t.Errorf("students matching S3001 = %+v, want none", students.Students)
		}
		a, err := ts.db.AwardByCredential(t.Context(), credential)
		if err != nil || a.Credential.Status != "active" {
			t.Errorf("credential %s: %+v, %v; want it active", credential, a, err)
		}
	})
}

// jsonFormat fills the %s verbs of format with the JSON strings of args.
func jsonFormat(format string, args ...string) string {
	for _, a := range args {
		b, _ := json.Marshal(a)
		format = strings.Replace(format, "%s", string(b), 1)
	}
	return format
}

// TestPagesRejectControlText checks the web forms and page queries: a
// form field goes through the same service rule as the API, and a query
// parameter gets the same 400 as an HTML page.
func TestPagesRejectControlText(t *testing.T) {
	ts := newTestServer(t)
	c := ts.organiserClient(t, ts.organiser)

	form := activityFormValues("Talk\x00", nil)
	ts.page(t, c, "/organiser/activities", form).wantStatus(t, http.StatusUnprocessableEntity).
		wantBodyContains(t, "title: contains a control character U&#43;0000 at position 5; remove it")

	ts.page(t, browserClient(t), "/records?q=a%00b", nil).wantStatus(t, http.StatusBadRequest).
		wantBodyContains(t, "query parameter q contains a control character U&#43;0000 at position 2; remove it")

	// The form's badge check sends a multi-line description by GET.
	guidance := url.Values{"title": {"Talk"}, "description": {"Day one\r\nDay two"}, "hours": {"3"}}
	ts.page(t, c, "/organiser/activities/new?"+guidance.Encode(), nil).wantStatus(t, http.StatusOK)
}

// TestUnitURLs checks that every unit name that the rules admit has a
// profile URL that resolves to it, and that names that would split or
// shorten the URL are refused.
func TestUnitURLs(t *testing.T) {
	ts := newTestServer(t)
	base := `{"title":"Talk","unit":%s,"start_date":"2025-09-01","end_date":"2025-09-02","hours":3,"achievements":["IPC"]}`

	for _, unit := range []string{"R&D? Club #1 (100%)", "Café Società", "学生事务处", "a.b"} {
		t.Run(unit, func(t *testing.T) {
			ts.postJSON(t, "/api/v1/activities", ts.admin.token, jsonFormat(base, unit)).wantStatus(t, http.StatusCreated)
			path := strings.TrimPrefix(ts.svc.URLs.Unit(unit), ts.svc.URLs.Base)
			var doc unitDoc
			if err := json.Unmarshal(ts.get(t, path, "").wantStatus(t, http.StatusOK).body, &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Name != unit || doc.ID != ts.svc.URLs.Unit(unit) {
				t.Errorf("unit profile at %s = %+v, want %q", path, doc, unit)
			}
		})
	}

	for _, unit := range []string{"U/../..", `Careers\Centre`, "..", "."} {
		t.Run(unit, func(t *testing.T) {
			e := ts.postJSON(t, "/api/v1/activities", ts.admin.token, jsonFormat(base, unit)).wantStatus(t, http.StatusUnprocessableEntity).errorBody(t).Error
			if !strings.HasPrefix(e.Message, "unit: ") {
				t.Errorf("message %q, want it to name the unit", e.Message)
			}
		})
	}
}

// TestImportStudentsBlankStudyMode checks that the JSON import reads a
// blank or missing study mode as full-time, as the CSV import does, also
// for a stored part-time student.
func TestImportStudentsBlankStudyMode(t *testing.T) {
	ts := newTestServer(t)
	body := `[{"student_id":"S4001","name":"NEW One","email":"s4001@stu.example.edu"},
		{"student_id":"S4002","name":"NEW Two","email":"s4002@stu.example.edu","study_mode":""},
		{"student_id":"S4003","name":"NEW Three","email":"s4003@stu.example.edu","study_mode":"part-time"},
		{"student_id":"S1003","name":"WONG Siu Ming","email":"s1003@stu.example.edu","study_mode":" "}]`
	var counts importCounts
	ts.postJSON(t, "/api/v1/students", ts.admin.token, body).wantStatus(t, http.StatusOK).decode(t, &counts)
	if counts != (importCounts{Created: 3, Updated: 1}) {
		t.Errorf("counts = %+v, want 3 created and 1 updated", counts)
	}

	want := map[string]string{"S4001": "full-time", "S4002": "full-time", "S4003": "part-time", "S1003": "full-time"}
	for number, mode := range want {
		var list struct{ Students []studentView }
		ts.get(t, "/api/v1/students?q="+number, ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
		if len(list.Students) != 1 || list.Students[0].StudyMode != mode {
			t.Errorf("student %s = %+v, want one %s student", number, list.Students, mode)
		}
	}

	bad := `[{"student_id":"S4004","name":"NEW Four","email":"s4004@stu.example.edu","study_mode":"evenings"}]`
	e := ts.postJSON(t, "/api/v1/students", ts.admin.token, bad).wantStatus(t, http.StatusUnprocessableEntity).errorBody(t).Error
	if !strings.Contains(e.Message, `study_mode: "evenings": use full-time or part-time, or leave it empty for full-time`) {
		t.Errorf("message %q, want it to name the study mode and the choices", e.Message)
	}
}
