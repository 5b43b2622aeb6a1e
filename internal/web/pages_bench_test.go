package web

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// benchStudents and benchBadges make the 10,000 awards of the page
// benchmarks: every student earns both badges of one activity.
const (
	benchStudents = 5_000
	benchBadges   = 2
)

// seedAwards imports benchStudents students in 8 programmes and 4 years of
// entry, issues both badges of a new activity to each through the real
// pipeline, and publishes the awards of every second student. It returns
// the id of one credential.
func seedAwards(b *testing.B, ts *testServer) string {
	b.Helper()
	ctx := context.Background()

	students := make([]*issuer.Student, benchStudents)
	var rows []string
	for i := range students {
		students[i] = &issuer.Student{
			Number: fmt.Sprintf("B%06d", i), Name: fmt.Sprintf("Student %05d", i),
			Email: fmt.Sprintf("b%06d@stu.example.edu", i), Programme: fmt.Sprintf("Programme %d", i%8),
			YearOfEntry: 2022 + i%4, StudyMode: issuer.FullTime, Status: issuer.Current,
		}
		rows = append(rows, fmt.Sprintf("%s,%s,4,4,,", students[i].Number, students[i].Name))
	}
	if _, _, err := ts.svc.ImportStudents(ctx, issuer.System, students); err != nil {
		b.Fatalf("import students: %v", err)
	}

	day := time.Date(2025, 5, 1, 0, 0, 0, 0, time.UTC)
	act, err := ts.svc.CreateActivity(ctx, ts.organiser.user, issuer.ActivityInput{
		Title: "Benchmark Fair", Unit: "Careers Centre", StartDate: day, EndDate: day, Hours: 6,
		AchievementCodes: []string{"IPC", "CIT"},
	})
	if err != nil {
		b.Fatalf("create activity: %v", err)
	}
	res, err := ts.svc.ProcessUpload(ctx, ts.organiser.user, issuer.UploadRequest{
		ActivityID: act.ID, Filename: "attendance.csv", Data: attendanceCSV(rows...),
	})
	if err != nil {
		b.Fatalf("issue: %v", err)
	}
	if got := len(res.Credentials); got != benchStudents*benchBadges {
		b.Fatalf("issued %d credentials, want %d", got, benchStudents*benchBadges)
	}

	for i, st := range students {
		if i%2 == 1 {
			continue
		}
		if err := ts.db.SetPublicationSetting(ctx, &issuer.PublicationSetting{StudentID: st.ID, Mode: issuer.PublishAll}); err != nil {
			b.Fatalf("publish: %v", err)
		}
	}
	return res.Credentials[0].CredentialID
}

// BenchmarkPublicPages measures the Records of Achievement and the
// credential page with 10,000 awards in SQLite, one request at a time
// over loopback HTTP with a keep-alive connection. The time per request
// is an upper bound of the server time: it adds the client and loopback.
//
//	go test -run '^$' -bench PublicPages -benchtime 200x ./internal/web
func BenchmarkPublicPages(b *testing.B) {
	ts := newTestServer(b, func(s *Server) { s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	credentialID := seedAwards(b, ts)
	client := &http.Client{}

	pages := []struct {
		name, path, want string
	}{
		{"records", "/records", "2500 students"},
		{"records-search", "/records?q=student+0001", "students"},
		{"records-filters", "/records?programme=Programme+2&year=2024", "students"},
		{"records-last-page", "/records?page=125", "page 125 of 125"},
		{"credential", "/credentials/" + credentialID, "<html"},
	}
	for _, p := range pages {
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				req, err := http.NewRequest(http.MethodGet, ts.URL+p.path, nil)
				if err != nil {
					b.Fatal(err)
				}
				req.Header.Set("Accept", "text/html")
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, err := io.ReadAll(resp.Body)
				resp.Body.Close()
				if err != nil {
					b.Fatal(err)
				}
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), p.want) {
					b.Fatalf("GET %s: status %d, body without %q:\n%.2000s", p.path, resp.StatusCode, p.want, body)
				}
			}
		})
	}
}
