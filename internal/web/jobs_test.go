package web

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// uploadWithQuery posts goodAttendance with the given query string and
// returns the response.
func (ts *testServer) uploadWithQuery(t *testing.T, token, query string) response {
	t.Helper()
	body, contentType := multipartBody(t, "file", "attendance.csv", goodAttendance, nil)
	return ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities/" + ts.activity.ID + "/attendance" + query,
		token: token, body: body, header: http.Header{"Content-Type": {contentType}}})
}

func TestBackgroundUploadRun(t *testing.T) {
	ts := newTestServer(t)

	accepted := ts.uploadWithQuery(t, ts.organiser.token, "?background=true").wantStatus(t, http.StatusAccepted)
	var queued uploadRunView
	accepted.decode(t, &queued)
	if queued.State != "queued" || queued.ID == "" {
		t.Fatalf("run = %+v, want a queued run", queued)
	}
	if loc := accepted.Header.Get("Location"); loc != "/api/v1/upload-runs/"+queued.ID || queued.StatusURL != loc {
		t.Errorf("Location = %q, status_url = %q", loc, queued.StatusURL)
	}
	if n := ts.storedAwards(t); n != 0 {
		t.Errorf("queued upload stored %d awards before its job ran", n)
	}

	jobs, err := ts.db.Jobs(context.Background(), issuer.JobFilter{States: []issuer.JobState{"available"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Kind != "upload_run" {
		t.Fatalf("queued jobs = %+v, want one upload_run", jobs)
	}

	var seen [][2]int
	if err := ts.svc.RunUpload(context.Background(), queued.ID, func(done, total int) { seen = append(seen, [2]int{done, total}) }); err != nil {
		t.Fatalf("RunUpload: %v", err)
	}
	if len(seen) < 2 || seen[0] != [2]int{0, 3} || seen[len(seen)-1] != [2]int{3, 3} {
		t.Errorf("progress = %v, want 0 of 3 first and 3 of 3 last", seen)
	}

	var finished uploadRunView
	ts.get(t, queued.StatusURL, ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &finished)
	if finished.State != "done" || finished.UploadID == "" || finished.Done != 3 || finished.Total != 3 {
		t.Errorf("finished run = %+v, want done with an upload and 3 of 3", finished)
	}
	if !strings.Contains(string(finished.Result), `"awards":3`) {
		t.Errorf("result = %s, want the upload counts", finished.Result)
	}
	if n := ts.storedAwards(t); n != 3 {
		t.Errorf("stored %d awards, want 3", n)
	}

	ts.get(t, queued.StatusURL, ts.otherOrganiser.token).wantStatus(t, http.StatusForbidden)
	ts.get(t, queued.StatusURL, ts.admin.token).wantStatus(t, http.StatusOK)
	ts.get(t, "/api/v1/upload-runs/no-such-run", ts.admin.token).wantStatus(t, http.StatusNotFound)
}

func TestBackgroundUploadBySize(t *testing.T) {
	ts := newTestServer(t, func(s *Server) { s.BackgroundUploadBytes = int64(len(goodAttendance)) })
	ts.uploadWithQuery(t, ts.organiser.token, "").wantStatus(t, http.StatusAccepted)

	// A dry run is checked at once, however large.
	ts.uploadWithQuery(t, ts.organiser.token, "?dry_run=true").wantStatus(t, http.StatusOK)
}

func TestBackgroundUploadWithProblemsFails(t *testing.T) {
	ts := newTestServer(t)
	body, contentType := multipartBody(t, "file", "attendance.csv", attendanceCSV("S9999,Nobody,4,4,pass,"), nil)
	accepted := ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities/" + ts.activity.ID + "/attendance?background=true",
		token: ts.organiser.token, body: body, header: http.Header{"Content-Type": {contentType}}}).wantStatus(t, http.StatusAccepted)
	var queued uploadRunView
	accepted.decode(t, &queued)

	if err := ts.svc.RunUpload(context.Background(), queued.ID, nil); err != nil {
		t.Fatalf("RunUpload returned %v, want nil: a file with problems cannot succeed on a retry", err)
	}
	var failed uploadRunView
	ts.get(t, queued.StatusURL, ts.organiser.token).wantStatus(t, http.StatusOK).decode(t, &failed)
	if failed.State != "failed" || !strings.Contains(failed.Error, "problem") || !strings.Contains(string(failed.Result), "unknown_student") {
		t.Errorf("run = %+v, want failed with the problem listed", failed)
	}
}

func TestJobsAdminOnly(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)

	var all struct{ Jobs []jobView }
	ts.get(t, "/api/v1/jobs?state=available", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &all)
	kinds := map[string]int{}
	for _, j := range all.Jobs {
		kinds[j.Kind]++
	}
	// goodAttendance gives IPC to 3 students.
	if kinds["award_notice"] != 3 || kinds["upload_summary"] != 1 || kinds["upload_copy"] != 1 {
		t.Errorf("queued job kinds = %v, want 3 award notices, a summary and a copy", kinds)
	}

	var failed struct{ Jobs []jobView }
	ts.get(t, "/api/v1/jobs", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &failed)
	if len(failed.Jobs) != 0 {
		t.Errorf("failed jobs = %+v, want none", failed.Jobs)
	}

	ts.get(t, "/api/v1/jobs", ts.organiser.token).wantStatus(t, http.StatusForbidden)
	ts.get(t, "/api/v1/jobs", "").wantStatus(t, http.StatusUnauthorized)
	e := ts.get(t, "/api/v1/jobs?state=broken", ts.admin.token).wantStatus(t, http.StatusBadRequest).errorBody(t)
	if !strings.Contains(e.Error.Message, `"broken"`) {
		t.Errorf("error = %q, want the bad state named", e.Error.Message)
	}
	ts.get(t, "/api/v1/jobs?limit=0", ts.admin.token).wantStatus(t, http.StatusBadRequest)
}

func TestOutboxAdminOnly(t *testing.T) {
	ts := newTestServer(t)
	err := ts.db.AddOutboxMessage(context.Background(), &issuer.OutboxMessage{
		Kind: "upload_copy", To: []string{"advisor@example.edu"}, Subject: "Copy", Text: "t", HTML: "<p>h</p>", Attachments: []string{"a.csv"},
	})
	if err != nil {
		t.Fatal(err)
	}

	var got struct{ Messages []outboxView }
	ts.get(t, "/api/v1/outbox", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &got)
	if len(got.Messages) != 1 || got.Messages[0].Subject != "Copy" || got.Messages[0].Attachments[0] != "a.csv" {
		t.Errorf("outbox = %+v", got.Messages)
	}
	ts.get(t, "/api/v1/outbox", ts.organiser.token).wantStatus(t, http.StatusForbidden)
}

func TestProfileColors(t *testing.T) {
	ts := newTestServer(t)
	put := func(body string) response {
		return ts.do(t, request{method: http.MethodPut, path: "/api/v1/profile", token: ts.admin.token, body: strings.NewReader(body)})
	}

	put(`{"name":"Example University","color":"#7a0019","accent_color":"#0B6E4F"}`).wantStatus(t, http.StatusOK)
	var p profileView
	ts.get(t, "/api/v1/profile", ts.admin.token).wantStatus(t, http.StatusOK).decode(t, &p)
	if p.Color != "#7a0019" || p.AccentColor != "#0B6E4F" {
		t.Errorf("colours = %q and %q, want the ones set", p.Color, p.AccentColor)
	}

	for _, bad := range []string{`"red"`, `"#7a001"`, `"#7a0019;background:url(x)"`} {
		e := put(`{"name":"Example University","color":`+bad+`}`).wantStatus(t, http.StatusUnprocessableEntity).errorBody(t)
		if !strings.Contains(e.Error.Message, "#rrggbb") {
			t.Errorf("color %s: message = %q, want the format named", bad, e.Error.Message)
		}
	}
}
