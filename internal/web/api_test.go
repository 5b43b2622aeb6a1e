package web

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestAPIRequiresToken(t *testing.T) {
	ts := newTestServer(t)

	routes := []struct{ method, path string }{
		{http.MethodGet, "/api/v1/achievements"},
		{http.MethodPost, "/api/v1/achievements"},
		{http.MethodGet, "/api/v1/students"},
		{http.MethodGet, "/api/v1/activities"},
		{http.MethodGet, "/api/v1/activities/" + ts.activity.ID},
		{http.MethodPost, "/api/v1/activities/" + ts.activity.ID + "/attendance"},
		{http.MethodGet, "/api/v1/awards"},
		{http.MethodGet, "/api/v1/profile"},
		{http.MethodPut, "/api/v1/profile"},
	}
	credentials := []struct {
		name          string
		authorization string
	}{
		{"no header", ""},
		{"unknown token", "Bearer laurel_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"token without prefix", "Bearer " + strings.TrimPrefix(ts.admin.token, "laurel_")},
		{"basic scheme", "Basic " + ts.admin.token},
		{"empty bearer", "Bearer "},
	}

	for _, c := range credentials {
		for _, rt := range routes {
			t.Run(c.name+" "+rt.method+" "+rt.path, func(t *testing.T) {
				header := http.Header{}
				if c.authorization != "" {
					header.Set("Authorization", c.authorization)
				}
				resp := ts.do(t, request{method: rt.method, path: rt.path, header: header}).wantStatus(t, http.StatusUnauthorized)

				if got := resp.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", got)
				}
				if e := resp.errorBody(t); e.Error.Code != codeUnauthenticated {
					t.Errorf("error code = %q, want %q", e.Error.Code, codeUnauthenticated)
				}
			})
		}
	}
}

func TestBearerSchemeIsCaseInsensitive(t *testing.T) {
	ts := newTestServer(t)

	resp := ts.do(t, request{path: "/api/v1/achievements", header: http.Header{"Authorization": {"bearer " + ts.admin.token}}})
	resp.wantStatus(t, http.StatusOK)
}

func TestAdminOnlyEndpointsForbidOrganisers(t *testing.T) {
	ts := newTestServer(t)

	cases := []struct {
		name, method, path, body string
	}{
		{"import achievements", http.MethodPost, "/api/v1/achievements", testCatalogue},
		{"list students", http.MethodGet, "/api/v1/students", ""},
		{"import students", http.MethodPost, "/api/v1/students", `[{"student_id":"S2001","name":"NEW Student","email":"s2001@stu.example.edu","study_mode":"full-time"}]`},
		{"set profile", http.MethodPut, "/api/v1/profile", `{"name":"Another University"}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.do(t, request{method: c.method, path: c.path, token: ts.organiser.token, body: strings.NewReader(c.body)})
			resp.wantStatus(t, http.StatusForbidden)

			if e := resp.errorBody(t); e.Error.Code != codeForbidden {
				t.Errorf("error code = %q, want %q", e.Error.Code, codeForbidden)
			}
		})
	}

	profile, err := ts.svc.Profile(context.Background())
	if err != nil {
		t.Fatalf("profile: %v", err)
	}
	if profile.Name != "Example University" {
		t.Errorf("profile name = %q after a forbidden PUT, want it unchanged", profile.Name)
	}
}

func TestOrganiserCannotReadOthersActivity(t *testing.T) {
	ts := newTestServer(t)

	paths := []string{
		"/api/v1/activities/" + ts.activity.ID,
		"/api/v1/activities/" + ts.activity.ID + "/uploads",
		"/api/v1/activities/" + ts.activity.ID + "/template.csv",
		"/api/v1/awards?activity=" + ts.activity.ID,
	}
	for _, path := range paths {
		t.Run(path, func(t *testing.T) {
			ts.get(t, path, ts.otherOrganiser.token).wantStatus(t, http.StatusForbidden)
		})
	}
}

func TestImportStudents(t *testing.T) {
	ts := newTestServer(t)

	t.Run("created and updated", func(t *testing.T) {
		body := `[
		 {"student_id":"S2001","name":"NEW Student","email":"s2001@stu.example.edu","study_mode":"Full Time","status":"active","year_of_entry":2024},
		 {"student_id":"S1001","name":"CHAN Tai Man","chinese_name":"陳大文","email":"s1001@stu.example.edu","study_mode":"FT","programme":"BSc Nursing"}
		]`
		var counts importCounts
		ts.postJSON(t, "/api/v1/students", ts.admin.token, body).wantStatus(t, http.StatusOK).decode(t, &counts)
		if counts != (importCounts{Created: 1, Updated: 1}) {
			t.Errorf("counts = %+v, want 1 created and 1 updated", counts)
		}

		var list struct{ Students []studentView }
		ts.get(t, "/api/v1/students?q=S2001", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
		if len(list.Students) != 1 || list.Students[0].StudyMode != "full-time" || list.Students[0].Status != "current" {
			t.Errorf("students matching S2001 = %+v, want one full-time current student", list.Students)
		}
	})

	t.Run("graduation and personal email kept", func(t *testing.T) {
		graduate := `[{"student_id":"S2003","name":"OLD Grad","email":"s2003@stu.example.edu","study_mode":"full-time","status":"graduated","personal_email":"grad@example.com"}]`
		ts.postJSON(t, "/api/v1/students", ts.admin.token, graduate).wantStatus(t, http.StatusOK)
		again := `[{"student_id":"S2003","name":"OLD Grad","email":"s2003@stu.example.edu","study_mode":"full-time","status":""}]`
		var counts importCounts
		ts.postJSON(t, "/api/v1/students", ts.admin.token, again).wantStatus(t, http.StatusOK).decode(t, &counts)
		if counts != (importCounts{}) {
			t.Errorf("counts = %+v, want nothing created or updated", counts)
		}

		var list struct{ Students []studentView }
		ts.get(t, "/api/v1/students?q=S2003", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
		if len(list.Students) != 1 {
			t.Fatalf("students matching S2003 = %+v, want one", list.Students)
		}
		if got := list.Students[0]; got.Status != "graduated" || got.PersonalEmail != "grad@example.com" {
			t.Errorf("student S2003 = %+v, want graduated with personal email grad@example.com", got)
		}
	})

	t.Run("invalid personal email names the value", func(t *testing.T) {
		body := `[{"student_id":"S2004","name":"BAD Personal","email":"s2004@stu.example.edu","study_mode":"full-time","personal_email":"grad@"}]`
		resp := ts.postJSON(t, "/api/v1/students", ts.admin.token, body).wantStatus(t, http.StatusUnprocessableEntity)
		if e := resp.errorBody(t); !strings.Contains(e.Error.Message, `personal_email: "grad@"`) {
			t.Errorf("message = %q, want it to name the personal email", e.Error.Message)
		}
	})

	t.Run("invalid email names the value", func(t *testing.T) {
		body := `[{"student_id":"S2002","name":"BAD Email","email":"not-an-address","study_mode":"full-time"}]`
		resp := ts.postJSON(t, "/api/v1/students", ts.admin.token, body).wantStatus(t, http.StatusUnprocessableEntity)

		e := resp.errorBody(t)
		if e.Error.Code != codeInvalidInput || !strings.Contains(e.Error.Message, "not-an-address") || !strings.Contains(e.Error.Message, "student S2002") {
			t.Errorf("error = %+v, want invalid_input naming student S2002 and the address", e.Error)
		}
	})

	bad := []struct{ name, body, want string }{
		{"malformed JSON", `[{"student_id":`, "JSON"},
		{"object instead of array", `{"student_id":"S1"}`, "expected an array"},
		{"unknown field", `[{"student_id":"S1","nmae":"x"}]`, `"nmae"`},
		{"wrong type", `[{"student_id":"S1","year_of_entry":"2024"}]`, `"year_of_entry"`},
		{"empty body", ``, "empty"},
	}
	for _, c := range bad {
		t.Run(c.name, func(t *testing.T) {
			resp := ts.postJSON(t, "/api/v1/students", ts.admin.token, c.body).wantStatus(t, http.StatusBadRequest)
			if e := resp.errorBody(t); !strings.Contains(e.Error.Message, c.want) {
				t.Errorf("message = %q, want it to mention %q", e.Error.Message, c.want)
			}
		})
	}
}

func TestListStudentsRejectsBadParameters(t *testing.T) {
	ts := newTestServer(t)

	for _, query := range []string{"limit=-1", "limit=abc", "limit=5000", "offset=x", "status=alumni-ish"} {
		t.Run(query, func(t *testing.T) {
			ts.get(t, "/api/v1/students?"+query, ts.admin.token).wantStatus(t, http.StatusBadRequest)
		})
	}
}

func TestImportAchievements(t *testing.T) {
	ts := newTestServer(t)

	t.Run("update by code", func(t *testing.T) {
		var counts importCounts
		ts.postJSON(t, "/api/v1/achievements", ts.admin.token, testCatalogue).wantStatus(t, http.StatusOK).decode(t, &counts)
		if counts != (importCounts{Updated: 2}) {
			t.Errorf("counts = %+v, want 2 updated", counts)
		}
	})

	t.Run("every problem listed", func(t *testing.T) {
		body := `{"achievements":[{"code":"bad code!","name":"","description":"x","criteria":"y"}]}`
		resp := ts.postJSON(t, "/api/v1/achievements", ts.admin.token, body).wantStatus(t, http.StatusUnprocessableEntity)

		msg := resp.errorBody(t).Error.Message
		for _, want := range []string{"achievement 1", `"BAD CODE!"`, "name: missing"} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not mention %q", msg, want)
			}
		}
	})

	t.Run("malformed JSON", func(t *testing.T) {
		ts.postJSON(t, "/api/v1/achievements", ts.admin.token, `{"achievements": [`).wantStatus(t, http.StatusBadRequest)
	})

	t.Run("list", func(t *testing.T) {
		var list struct{ Achievements []achievementView }
		ts.get(t, "/api/v1/achievements", ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &list)
		if len(list.Achievements) != 2 || list.Achievements[0].Code != "CIT" || list.Achievements[1].ImageURL == "" {
			t.Errorf("achievements = %+v, want CIT and IPC with image URLs", list.Achievements)
		}
	})
}

func TestCreateActivity(t *testing.T) {
	ts := newTestServer(t)
	valid := `{"title":"Mentoring Scheme","unit":"Student Affairs","start_date":"2025-09-01","end_date":"2025-12-01","hours":20,"achievements":["IPC","cit"]}`

	t.Run("created for the organiser", func(t *testing.T) {
		resp := ts.postJSON(t, "/api/v1/activities", ts.organiser.token, valid).wantStatus(t, http.StatusCreated)

		var a activityView
		resp.decode(t, &a)
		if a.OrganiserID != ts.organiser.user.ID || a.StartDate != "2025-09-01" || len(a.AchievementIDs) != 2 || !a.OpenToAll {
			t.Errorf("activity = %+v, want the organiser's, from 2025-09-01, offering 2 badges, open to all", a)
		}
		if loc := resp.Header.Get("Location"); loc != "/api/v1/activities/"+a.ID {
			t.Errorf("Location = %q, want the activity's API path", loc)
		}
		ts.get(t, "/api/v1/activities/"+a.ID, ts.organiser.token).wantStatus(t, http.StatusOK)
	})

	t.Run("rule violations", func(t *testing.T) {
		body := `{"title":"Closed Club","unit":"Sports","start_date":"2025-09-01","end_date":"2025-08-01","hours":5,"achievements":["NOPE"],"open_to_all":false}`
		resp := ts.postJSON(t, "/api/v1/activities", ts.admin.token, body).wantStatus(t, http.StatusUnprocessableEntity)

		msg := resp.errorBody(t).Error.Message
		for _, want := range []string{"open_to_all", "end_date", `"NOPE"`} {
			if !strings.Contains(msg, want) {
				t.Errorf("message %q does not mention %q", msg, want)
			}
		}
	})

	t.Run("invalid field values", func(t *testing.T) {
		tests := []struct{ name, from, to, want string }{
			{"date format", `"start_date":"2025-09-01"`, `"start_date":"01/09/2025"`, `start_date: "01/09/2025" is not a date; write it as YYYY-MM-DD`},
			{"month 13", `"end_date":"2025-12-01"`, `"end_date":"2026-13-01"`, `end_date: "2026-13-01" is not a date`},
			{"end before start", `"end_date":"2025-12-01"`, `"end_date":"2025-08-01"`, "end_date: 2025-08-01 is before the start date 2025-09-01"},
			{"zero attendance", `"hours":20`, `"hours":20,"min_attendance":0`, "min_attendance: 0 would award the badges to students who attended no session"},
			{"attendance above 1", `"hours":20`, `"hours":20,"min_attendance":75`, "min_attendance: 75: give a share above 0 and at most 1"},
			{"not extracurricular", `"hours":20`, `"hours":20,"extracurricular":false`, "curricular activities cannot offer badges"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				body := strings.Replace(valid, tt.from, tt.to, 1)
				resp := ts.postJSON(t, "/api/v1/activities", ts.admin.token, body).wantStatus(t, http.StatusUnprocessableEntity)
				e := resp.errorBody(t).Error
				if e.Code != codeInvalidInput || !strings.Contains(e.Message, tt.want) {
					t.Errorf("error = %+v, want invalid_input with %q", e, tt.want)
				}
			})
		}
	})

	t.Run("malformed JSON", func(t *testing.T) {
		resp := ts.postJSON(t, "/api/v1/activities", ts.admin.token, `{"title":`).wantStatus(t, http.StatusBadRequest)
		if code := resp.errorBody(t).Error.Code; code != codeBadRequest {
			t.Errorf("code = %q, want %q", code, codeBadRequest)
		}
	})

	t.Run("minimum attendance kept", func(t *testing.T) {
		tests := []struct {
			name, field string
			want        float64
		}{
			{"absent", ``, issuer.DefaultMinAttendance},
			{"half", `,"min_attendance":0.5`, 0.5},
			{"all", `,"min_attendance":1`, 1},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				body := strings.Replace(valid, `"hours":20`, `"hours":20`+tt.field, 1)
				var a activityView
				ts.postJSON(t, "/api/v1/activities", ts.admin.token, body).wantStatus(t, http.StatusCreated).decode(t, &a)
				var got activityView
				ts.get(t, "/api/v1/activities/"+a.ID, ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &got)
				if got.MinAttendance != tt.want {
					t.Errorf("min_attendance = %g, want %g", got.MinAttendance, tt.want)
				}
			})
		}
	})

	t.Run("fields that GET returns", func(t *testing.T) {
		body := strings.Replace(valid, `"hours":20`, `"hours":20,"extracurricular":true,"open_to_all":true`, 1)
		var a activityView
		ts.postJSON(t, "/api/v1/activities", ts.admin.token, body).wantStatus(t, http.StatusCreated).decode(t, &a)
		if !a.Extracurricular || !a.OpenToAll {
			t.Errorf("activity = %+v, want extracurricular and open to all", a)
		}
	})

	t.Run("listed for its organiser only", func(t *testing.T) {
		var mine, others struct{ Activities []activityView }
		ts.get(t, "/api/v1/activities", ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &mine)
		ts.get(t, "/api/v1/activities", ts.otherOrganiser.token).wantStatus(t, http.StatusOK).decode(t, &others)
		if len(mine.Activities) != 2 || len(others.Activities) != 0 {
			t.Errorf("organiser sees %d activities and the other organiser %d, want 2 and 0", len(mine.Activities), len(others.Activities))
		}
		var all struct{ Activities []activityView }
		ts.get(t, "/api/v1/activities", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &all)
		if len(all.Activities) != 6 {
			t.Errorf("admin sees %d activities, want 6: the seeded one, the organiser's and 4 of the admin's", len(all.Activities))
		}
	})
}

func TestEnrolAndTemplates(t *testing.T) {
	ts := newTestServer(t)
	base := "/api/v1/activities/" + ts.activity.ID

	ts.postJSON(t, base+"/enrolments", ts.organiser.token, `{"student_id":"S1003","publish_consent":true}`).wantStatus(t, http.StatusOK)
	resp := ts.postJSON(t, base+"/enrolments", ts.organiser.token, `{"student_id":"S9999"}`).wantStatus(t, http.StatusUnprocessableEntity)
	if msg := resp.errorBody(t).Error.Message; !strings.Contains(msg, "S9999") {
		t.Errorf("unknown student message = %q, want it to name S9999", msg)
	}

	csv := ts.get(t, base+"/template.csv", ts.organiser.token).wantStatus(t, http.StatusOK)
	if ct := csv.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Errorf("CSV Content-Type = %q", ct)
	}
	if cd := csv.Header.Get("Content-Disposition"); cd != "attachment; filename=attendance-CV-Writing-Workshop.csv" {
		t.Errorf("CSV Content-Disposition = %q", cd)
	}
	if !bytes.Contains(csv.body, []byte("S1003")) || bytes.Contains(csv.body, []byte("S1001")) {
		t.Errorf("CSV template lists %q, want the enrolled S1003 only", csv.body)
	}

	xlsx := ts.get(t, base+"/template.xlsx", ts.organiser.token).wantStatus(t, http.StatusOK)
	if ct := xlsx.Header.Get("Content-Type"); ct != xlsxType {
		t.Errorf("XLSX Content-Type = %q", ct)
	}
	if !bytes.HasPrefix(xlsx.body, []byte("PK")) {
		t.Errorf("XLSX template does not start with the zip signature")
	}
}

func TestSafeFilename(t *testing.T) {
	cases := []struct{ name, in, want string }{
		{"plain", "CV Writing Workshop", "CV-Writing-Workshop"},
		{"path and quotes", `../../etc/"passwd"`, "etc-passwd"},
		{"chinese only", "職涯工作坊", "activity"},
		{"mixed", "Career 職涯 Day 2025", "Career-Day-2025"},
		{"header injection", "a\r\nSet-Cookie: x=1", "a-Set-Cookie-x-1"},
		{"long", strings.Repeat("a", 100), strings.Repeat("a", 60)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := safeFilename(c.in); got != c.want {
				t.Errorf("safeFilename(%q) = %q, want %q", c.in, got, c.want)
			}
		})
	}
}

func TestProfile(t *testing.T) {
	ts := newTestServer(t)

	var p profileView
	ts.get(t, "/api/v1/profile", ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &p)
	if p.Name != "Example University" {
		t.Errorf("profile name = %q", p.Name)
	}

	put := func(body string) response {
		return ts.do(t, request{method: http.MethodPut, path: "/api/v1/profile", token: ts.admin.token, body: strings.NewReader(body)})
	}
	put(`{"name":"Example University of Technology","url":"https://www.example.edu"}`).wantStatus(t, http.StatusOK)
	put(`{"name":"X","url":"ftp://example.edu"}`).wantStatus(t, http.StatusUnprocessableEntity)
	put(`{"name":"X","updated_at":"2025-01-01T00:00:00Z"}`).wantStatus(t, http.StatusBadRequest)

	var doc issuerDoc
	ts.get(t, "/issuer", "").wantStatus(t, http.StatusOK).decode(t, &doc)
	if doc.Name != "Example University of Technology" {
		t.Errorf("issuer document name = %q after PUT", doc.Name)
	}
}

func TestAwardsList(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)

	resp := ts.get(t, "/api/v1/awards", ts.organiser.token).wantStatus(t, http.StatusUnprocessableEntity)
	if msg := resp.errorBody(t).Error.Message; !strings.Contains(msg, "activity") {
		t.Errorf("message = %q, want it to ask for an activity", msg)
	}

	var list struct {
		Awards []awardView
		Limit  int
	}
	ts.get(t, "/api/v1/awards?activity="+ts.activity.ID, ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &list)
	if len(list.Awards) != len(res.Credentials) || list.Limit != defaultLimit {
		t.Fatalf("listed %d awards with limit %d, want %d with %d", len(list.Awards), list.Limit, len(res.Credentials), defaultLimit)
	}
	if a := list.Awards[0]; a.Status != "active" || !strings.HasPrefix(a.CredentialURL, ts.URL+"/credentials/") {
		t.Errorf("award = %+v, want an active award with its credential URL", a)
	}

	ts.get(t, "/api/v1/awards?upload="+res.UploadID+"&limit=1", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &list)
	if len(list.Awards) != 1 {
		t.Errorf("limit=1 listed %d awards", len(list.Awards))
	}
}

func TestUnknownRoutesAnswerJSON(t *testing.T) {
	ts := newTestServer(t)

	resp := ts.get(t, "/nothing-here", "").wantStatus(t, http.StatusNotFound)
	if e := resp.errorBody(t); e.Error.Code != codeNotFound || e.Error.RequestID == "" {
		t.Errorf("error = %+v, want not_found with a request id", e.Error)
	}

	ts.do(t, request{method: http.MethodDelete, path: "/issuer"}).wantStatus(t, http.StatusMethodNotAllowed)
	ts.get(t, "/api/v1/activities/no-such-id", ts.admin.token).wantStatus(t, http.StatusNotFound)
}

func TestCrossOriginPostRejected(t *testing.T) {
	ts := newTestServer(t)

	header := http.Header{"Sec-Fetch-Site": {"cross-site"}, "Content-Type": {"application/json"}}
	resp := ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities", token: ts.admin.token,
		body: strings.NewReader(`{}`), header: header}).wantStatus(t, http.StatusForbidden)
	if e := resp.errorBody(t); e.Error.Code != codeForbidden {
		t.Errorf("error code = %q, want forbidden", e.Error.Code)
	}
}
