package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/internal/jobs"
)

// BenchmarkUploadNotices5000 measures how fast the workers, with their
// default settings, send the messages of one 5,000-student upload through
// an SMTP server on loopback that requires STARTTLS and AUTH: 5,000 award
// notices, the organiser's summary and the advisor's copy. Issuing the
// upload is not timed. Run it once, on SQLite or PostgreSQL:
//
//	go test ./internal/jobs -run '^$' -bench UploadNotices -benchtime 1x
func BenchmarkUploadNotices5000(b *testing.B) {
	for _, d := range databases {
		b.Run(d.name, func(b *testing.B) {
			const students = 5000
			h := newHarnessWith(b, d.url(b), students, jobs.Config{})
			h.upload(b)
			want := students + 2

			for b.Loop() {
				if err := h.runner.Start(b.Context()); err != nil {
					b.Fatal(err)
				}
				got := h.smtp.WaitMessages(want, 10*time.Minute)
				if len(got) != want {
					b.Fatalf("received %d messages, want %d", len(got), want)
				}
			}
			b.ReportMetric(float64(want)/b.Elapsed().Seconds(), "messages/s")

			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := h.runner.Stop(ctx); err != nil {
				b.Errorf("stop workers: %v", err)
			}
		})
	}
}
