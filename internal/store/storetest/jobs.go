package storetest

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

var jobCases = []testCase{
	{"upload enqueues in its transaction", func(t *testing.T, s issuer.Store) {
		a := createAchievement(t, s, "IPC")
		act := createActivity(t, s, "Workshop", a.ID)
		st := createStudents(t, s, 1)[0]
		u := newUpload(act)

		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			if err := tx.Write([]*issuer.Award{newAward(act, st, a)}); err != nil {
				return err
			}
			return tx.Enqueue(issuer.UploadSummary{UploadID: u.ID}, issuer.AwardNotice{UploadID: u.ID, StudentID: st.ID})
		})
		requireNoError(t, "record upload", err)

		jobs, err := s.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available"}})
		requireNoError(t, "list jobs", err)
		kinds := map[string]json.RawMessage{}
		for _, j := range jobs {
			kinds[j.Kind] = j.Args
		}
		assertEqual(t, "job count", len(jobs), 2)
		var notice issuer.AwardNotice
		requireNoError(t, "decode award notice", json.Unmarshal(kinds["award_notice"], &notice))
		assertEqual(t, "award notice", notice, issuer.AwardNotice{UploadID: u.ID, StudentID: st.ID})
		if _, ok := kinds["upload_summary"]; !ok {
			t.Errorf("jobs %v lack upload_summary", kinds)
		}
	}},
	{"rolled back upload enqueues nothing", func(t *testing.T, s issuer.Store) {
		act := createActivity(t, s, "Workshop")
		u := newUpload(act)
		failure := errors.New("signing failed")

		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			if err := tx.Enqueue(issuer.UploadSummary{UploadID: u.ID}); err != nil {
				return err
			}
			return failure
		})
		assertErrorIs(t, "record upload", err, failure)

		jobs, err := s.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available"}})
		requireNoError(t, "list jobs", err)
		assertEqual(t, "job count", len(jobs), 0)
	}},
	{"revocation enqueues in its transaction", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 1)
		a := newAward(f.activity, f.students[0], f.achievements[0])
		recordWithStatus(t, s, f.activity, a)
		notice := issuer.RevocationNotice{CredentialID: a.Credential.ID}

		requireNoError(t, "RevokeCredential", s.RevokeCredential(t.Context(), a.Credential.ID, revocation(1, "wrong student"), notice))
		err := s.RevokeCredential(t.Context(), a.Credential.ID, revocation(2, "again"), notice)
		assertErrorIs(t, "second RevokeCredential", err, issuer.ErrConflict)

		jobs, err := s.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available"}})
		requireNoError(t, "list jobs", err)
		if len(jobs) != 1 {
			t.Fatalf("got %d jobs, want 1: the rejected second revocation must queue nothing", len(jobs))
		}
		var got issuer.RevocationNotice
		requireNoError(t, "decode args", json.Unmarshal(jobs[0].Args, &got))
		assertEqual(t, "notice", got, notice)
	}},
	{"enqueue alone", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "enqueue", s.Enqueue(t.Context(), issuer.RevocationNotice{CredentialID: "c-1"}))

		jobs, err := s.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available"}})
		requireNoError(t, "list jobs", err)
		if len(jobs) != 1 {
			t.Fatalf("got %d jobs, want 1", len(jobs))
		}
		assertEqual(t, "kind", jobs[0].Kind, "revocation_notice")
		var notice issuer.RevocationNotice
		requireNoError(t, "decode args", json.Unmarshal(jobs[0].Args, &notice))
		assertEqual(t, "args", notice, issuer.RevocationNotice{CredentialID: "c-1"})
		if jobs[0].MaxAttempts < 2 {
			t.Errorf("MaxAttempts = %d, want retries", jobs[0].MaxAttempts)
		}
	}},
	{"failed jobs listed by default", func(t *testing.T, s issuer.Store) {
		requireNoError(t, "enqueue", s.Enqueue(t.Context(), issuer.UploadCopy{UploadID: "u-1"}))

		jobs, err := s.Jobs(t.Context(), issuer.JobFilter{})
		requireNoError(t, "list jobs", err)
		assertEqual(t, "failed jobs of a queue with one new job", len(jobs), 0)
	}},
}

var outboxCases = []testCase{
	{"add and list newest first", func(t *testing.T, s issuer.Store) {
		first := &issuer.OutboxMessage{
			Kind: "award_notice", To: []string{"a@example.edu", "b@example.edu"}, Subject: "You earned a badge",
			Text: "plain", HTML: "<p>html</p>", Attachments: []string{"attendance.csv"}, CreatedAt: t0,
		}
		second := &issuer.OutboxMessage{Kind: "sign_in_link", To: []string{"c@example.edu"}, Subject: "Sign in", Text: "t", HTML: "h", CreatedAt: hours(1)}
		requireNoError(t, "add first", s.AddOutboxMessage(t.Context(), first))
		requireNoError(t, "add second", s.AddOutboxMessage(t.Context(), second))
		if first.ID == "" {
			t.Error("AddOutboxMessage left the ID empty")
		}

		got, err := s.OutboxMessages(t.Context(), 0)
		requireNoError(t, "list outbox", err)
		assertEqual(t, "outbox", got, []*issuer.OutboxMessage{second, first})

		limited, err := s.OutboxMessages(t.Context(), 1)
		requireNoError(t, "list outbox with limit", err)
		assertEqual(t, "limited outbox", len(limited), 1)
	}},
}

var uploadRunCases = []testCase{
	{"create update and read", func(t *testing.T, s issuer.Store) {
		act := createActivity(t, s, "Workshop")
		user := createUser(t, s, "organiser", issuer.RoleOrganiser)
		run := &issuer.UploadRun{
			ActivityID: act.ID, RequestedBy: user.ID, Filename: "big.csv", ContentType: "text/csv",
			Original: []byte("student_id\nS1\n"), Withhold: []string{"S2", "S3"}, State: issuer.RunQueued,
			CreatedAt: t0, UpdatedAt: t0,
		}
		requireNoError(t, "create run", s.CreateUploadRun(t.Context(), run, issuer.UploadRunJob{RunID: "placeholder"}))

		got, err := s.UploadRun(t.Context(), run.ID)
		requireNoError(t, "read run", err)
		assertEqual(t, "run", got, run)

		jobs, err := s.Jobs(t.Context(), issuer.JobFilter{States: []issuer.JobState{"available"}})
		requireNoError(t, "list jobs", err)
		assertEqual(t, "queued jobs", len(jobs), 1)

		run.State, run.Done, run.Total, run.Error, run.Result, run.UpdatedAt = issuer.RunFailed, 3, 10, "the file has 1 problem", []byte(`{"rows":[]}`), hours(1)
		requireNoError(t, "update run", s.UpdateUploadRun(t.Context(), run))
		got, err = s.UploadRun(t.Context(), run.ID)
		requireNoError(t, "read updated run", err)
		assertEqual(t, "updated run", got, run)
	}},
	{"progress read while the upload is written", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 2)
		user := createUser(t, s, "organiser", issuer.RoleOrganiser)
		run := &issuer.UploadRun{
			ActivityID: f.activity.ID, RequestedBy: user.ID, Filename: "big.csv", ContentType: "text/csv",
			State: issuer.RunRunning, CreatedAt: t0, UpdatedAt: t0,
		}
		requireNoError(t, "create run", s.CreateUploadRun(t.Context(), run))

		// Inside the upload's transaction, which on SQLite holds the only
		// write lock, the counts are stored and read on other connections.
		u := newUpload(f.activity)
		u.UploadedBy = user.ID
		err := s.RecordUpload(t.Context(), u, func(tx issuer.UploadTx) error {
			if err := tx.Write([]*issuer.Award{newAward(f.activity, f.students[0], f.achievements[0])}); err != nil {
				return err
			}
			requireNoError(t, "record progress", s.RecordUploadProgress(t.Context(), run.ID, 1, 2))
			got, err := s.UploadRun(t.Context(), run.ID)
			requireNoError(t, "read running run", err)
			assertEqual(t, "done while running", got.Done, 1)
			assertEqual(t, "total while running", got.Total, 2)
			return tx.Write([]*issuer.Award{newAward(f.activity, f.students[1], f.achievements[0])})
		})
		requireNoError(t, "RecordUpload", err)

		run.State, run.Done, run.Total, run.UploadID, run.UpdatedAt = issuer.RunDone, 2, 2, u.ID, hours(1)
		requireNoError(t, "finish run", s.UpdateUploadRun(t.Context(), run))
		got, err := s.UploadRun(t.Context(), run.ID)
		requireNoError(t, "read finished run", err)
		assertEqual(t, "finished run", got, run)
	}},
	{"progress of a finished run ignored", func(t *testing.T, s issuer.Store) {
		act := createActivity(t, s, "Workshop")
		user := createUser(t, s, "organiser", issuer.RoleOrganiser)
		run := &issuer.UploadRun{
			ActivityID: act.ID, RequestedBy: user.ID, Filename: "a.csv", State: issuer.RunDone,
			Done: 3, Total: 3, CreatedAt: t0, UpdatedAt: t0,
		}
		requireNoError(t, "create run", s.CreateUploadRun(t.Context(), run))
		requireNoError(t, "record progress", s.RecordUploadProgress(t.Context(), run.ID, 1, 9))

		got, err := s.UploadRun(t.Context(), run.ID)
		requireNoError(t, "read run", err)
		assertEqual(t, "done", got.Done, 3)
		assertEqual(t, "total", got.Total, 3)
	}},
	{"unknown run", func(t *testing.T, s issuer.Store) {
		_, err := s.UploadRun(t.Context(), "no-such-run")
		assertErrorIs(t, "read", err, issuer.ErrNotFound)
		err = s.UpdateUploadRun(t.Context(), &issuer.UploadRun{ID: "no-such-run", State: issuer.RunDone, UpdatedAt: t0})
		assertErrorIs(t, "update", err, issuer.ErrNotFound)
	}},
	{"unknown activity", func(t *testing.T, s issuer.Store) {
		user := createUser(t, s, "organiser", issuer.RoleOrganiser)
		run := &issuer.UploadRun{ActivityID: "no-such-activity", RequestedBy: user.ID, Filename: "a.csv", State: issuer.RunQueued}
		err := s.CreateUploadRun(t.Context(), run)
		assertErrorIs(t, "create", err, issuer.ErrNotFound)
	}},
}
