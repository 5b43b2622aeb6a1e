package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

func TestJobsPageListsEveryError(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})

	ts.page(t, admin, "/admin/jobs", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "No job has failed.")

	at := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	ts.store.jobs.Store(&[]*issuer.JobRecord{{
		ID: 7, Kind: "award_notice", State: issuer.JobRetryable, Attempt: 2, MaxAttempts: 25,
		Errors: []issuer.JobError{
			{Attempt: 1, At: at, Message: "dial smtp: connection refused"},
			{Attempt: 2, At: at.Add(time.Minute), Message: "smtp: 451 <try later>"},
		},
		CreatedAt: at, ScheduledAt: at.Add(10 * time.Minute),
	}})
	page := ts.page(t, admin, "/admin/jobs", nil).wantStatus(t, http.StatusOK)
	for _, want := range []string{
		"Job 7: award_notice", "retryable", "2 of 25", "2 Mar 2026 09:40 UTC",
		"dial smtp: connection refused", "smtp: 451 &lt;try later&gt;",
	} {
		page.wantBodyContains(t, want)
	}

	organiser := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})
	ts.page(t, organiser, "/admin/jobs", nil).wantStatus(t, http.StatusForbidden)
}

func TestOutboxPageShowsMessage(t *testing.T) {
	ts := newTestServer(t)
	admin := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})

	ts.page(t, admin, "/admin/outbox", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "The outbox is empty.")

	msg := &issuer.OutboxMessage{
		Kind: "sign_in_link", To: []string{"s1001@stu.example.edu"}, Subject: "Your sign-in link",
		Text: "Open this link to sign in:\nhttps://badges.example.edu/signin/link/abc", HTML: "<p>link</p>",
	}
	if err := ts.db.AddOutboxMessage(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	list := ts.page(t, admin, "/admin/outbox", nil).wantStatus(t, http.StatusOK)
	list.wantBodyContains(t, "s1001@stu.example.edu")
	list.wantBodyContains(t, "Your sign-in link")
	if strings.Contains(string(list.body), "/signin/link/abc") {
		t.Error("outbox list shows the message body; only the detail page may")
	}

	messages, err := ts.db.OutboxMessages(context.Background(), 1)
	if err != nil || len(messages) != 1 {
		t.Fatalf("outbox messages = %v, %v", messages, err)
	}
	detail := ts.page(t, admin, "/admin/outbox/"+messages[0].ID, nil).wantStatus(t, http.StatusOK)
	detail.wantBodyContains(t, "https://badges.example.edu/signin/link/abc")
	detail.wantBodyContains(t, `<pre class="message-text">`)

	ts.page(t, admin, "/admin/outbox/no-such-message", nil).wantStatus(t, http.StatusNotFound)

	organiser := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})
	ts.page(t, organiser, "/admin/outbox/"+messages[0].ID, nil).wantStatus(t, http.StatusForbidden)
}

func TestUploadRunPageFollowsRun(t *testing.T) {
	ts := newTestServer(t, func(s *Server) { s.BackgroundUploadBytes = int64(len(goodAttendance)) })
	owner := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})

	base := "/organiser/activities/" + ts.activity.ID
	preview := ts.pageUpload(t, owner, base+"/upload", "attendance.csv", goodAttendance).location(t, "/organiser/previews/")
	runPath := ts.page(t, owner, preview+"/confirm", url.Values{}).location(t, "/staff/upload-runs/")
	if n := ts.storedAwards(t); n != 0 {
		t.Errorf("confirm stored %d awards before the job ran, want 0", n)
	}

	queued := ts.page(t, owner, runPath, nil).wantStatus(t, http.StatusOK)
	queued.wantBodyContains(t, `<meta http-equiv="refresh" content="2">`)
	queued.wantBodyContains(t, "waiting for a worker")

	// A worker in another process stores the counts; the page reads them.
	runID := strings.TrimPrefix(runPath, "/staff/upload-runs/")
	running, err := ts.db.UploadRun(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}
	running.State = issuer.RunRunning
	if err := ts.db.UpdateUploadRun(context.Background(), running); err != nil {
		t.Fatal(err)
	}
	if err := ts.db.RecordUploadProgress(context.Background(), runID, 1, 3); err != nil {
		t.Fatal(err)
	}
	ts.page(t, owner, runPath, nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "Signed 1 of 3 credentials.")

	if err := ts.svc.RunUpload(context.Background(), runID, nil); err != nil {
		t.Fatalf("RunUpload: %v", err)
	}
	run, err := ts.db.UploadRun(context.Background(), runID)
	if err != nil {
		t.Fatal(err)
	}

	done := ts.page(t, owner, runPath, nil).wantStatus(t, http.StatusOK)
	if strings.Contains(string(done.body), `http-equiv="refresh"`) {
		t.Error("finished run page still refreshes")
	}
	done.wantBodyContains(t, `<a href="/organiser/uploads/`+run.UploadID+`">`)
	done.wantBodyContains(t, "<dt>Badges issued</dt><dd>3</dd>")

	admin := ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
	ts.page(t, admin, runPath, nil).wantStatus(t, http.StatusOK).wantBodyContains(t, `<a href="/admin/activities/`+ts.activity.ID+`">`)

	other := ts.signedIn(t, &issuer.Principal{User: ts.otherOrganiser.user})
	ts.page(t, other, runPath, nil).wantStatus(t, http.StatusForbidden)
	ts.page(t, admin, "/staff/upload-runs/no-such-run", nil).wantStatus(t, http.StatusNotFound)
}

func TestUploadRunPageShowsProblems(t *testing.T) {
	ts := newTestServer(t)
	body, contentType := multipartBody(t, "file", "attendance.csv", attendanceCSV("S9999,Nobody,4,4,pass,"), nil)
	accepted := ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities/" + ts.activity.ID + "/attendance?background=true",
		token: ts.organiser.token, body: body, header: http.Header{"Content-Type": {contentType}}}).wantStatus(t, http.StatusAccepted)
	var queued uploadRunView
	accepted.decode(t, &queued)
	if err := ts.svc.RunUpload(context.Background(), queued.ID, nil); err != nil {
		t.Fatalf("RunUpload: %v", err)
	}

	owner := ts.signedIn(t, &issuer.Principal{User: ts.organiser.user})
	failed := ts.page(t, owner, "/staff/upload-runs/"+queued.ID, nil).wantStatus(t, http.StatusOK)
	if strings.Contains(string(failed.body), `http-equiv="refresh"`) {
		t.Error("failed run page still refreshes")
	}
	failed.wantBodyContains(t, "Nothing was issued")
	failed.wantBodyContains(t, "Line 2:")
	failed.wantBodyContains(t, `<a href="/organiser/activities/`+ts.activity.ID+`/upload">`)
}
