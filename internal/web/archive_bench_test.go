package web

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// archiveAwards is the number of awards of the student in
// BenchmarkStudentArchive: about what a student who takes part in two
// activities a month over three years would hold.
const archiveAwards = 60

// BenchmarkStudentArchive measures the ZIP archive of a student with
// archiveAwards awards, each with a certificate and a baked PNG of an
// uploaded SVG badge. "cold" empties the file cache before each archive,
// so every certificate is drawn; "warm" takes them from the cache. It
// reports the archive's size and the highest heap in use while it is
// built, sampled every millisecond, above the heap before it started.
//
//	go test -run '^$' -bench StudentArchive -benchtime 5x ./internal/web
func BenchmarkStudentArchive(b *testing.B) {
	var srv *Server
	ts := newTestServer(b, withFonts(b), func(s *Server) { srv = s })
	ctx := context.Background()
	img, err := checkedSVG(uploadedSVG)
	if err != nil {
		b.Fatal(err)
	}
	ach := *ts.achievement
	ach.Image = img
	if err := ts.db.UpdateAchievement(ctx, &ach); err != nil {
		b.Fatal(err)
	}

	day := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := range archiveAwards {
		act, err := ts.svc.CreateActivity(ctx, ts.organiser.user, issuer.ActivityInput{
			Title: fmt.Sprintf("Workshop %d", i+1), Unit: "Careers Centre", StartDate: day, EndDate: day,
			Hours: 2, AchievementCodes: []string{"IPC"},
		})
		if err != nil {
			b.Fatal(err)
		}
		_, err = ts.svc.ProcessUpload(ctx, ts.organiser.user, issuer.UploadRequest{
			ActivityID: act.ID, Filename: "attendance.csv", Data: attendanceCSV("S1001,CHAN Tai Man,4,4,,"),
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	st := ts.student(b, "S1001")

	for _, mode := range []string{"cold", "warm"} {
		b.Run(mode, func(b *testing.B) {
			var size int
			var peak uint64
			for b.Loop() {
				if mode == "cold" {
					srv.artefacts = artefactCache{}
				}
				var written int64
				grew := heapGrowth(func() {
					f, n, err := srv.studentArchiveFile(ctx, st)
					if err != nil {
						b.Fatal(err)
					}
					removeTemp(f)
					written = n
				})
				size, peak = int(written), max(peak, grew)
			}
			b.ReportMetric(float64(size)/(1<<20), "archive-MiB")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
		})
	}
}

// heapGrowth runs f and returns the highest live heap seen while it runs,
// less the live heap before, sampling every millisecond.
func heapGrowth(f func()) uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc

	var highest atomic.Uint64
	done := make(chan struct{})
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		tick := time.NewTicker(time.Millisecond)
		defer tick.Stop()
		for {
			var s runtime.MemStats
			runtime.ReadMemStats(&s)
			if s.HeapAlloc > highest.Load() {
				highest.Store(s.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-tick.C:
			}
		}
	}()
	f()
	close(done)
	<-stopped
	if h := highest.Load(); h > base {
		return h - base
	}
	return 0
}
