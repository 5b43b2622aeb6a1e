package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/pprof"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

// setupBench measures issuing throughput against raw signing speed. It
// works on the configured store, so it must be pointed at an empty,
// disposable data folder or database.
func setupBench(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	rows := fs.Int("rows", 10000, "rows of the generated attendance file")
	signFor := fs.Duration("sign-for", 3*time.Second, "how long to measure the raw signing rate")
	memProfile := fs.String("memprofile", "", "write a heap profile taken right after the upload to this file")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *memProfile != "" {
			if err := checkOutputPath("--memprofile", *memProfile); err != nil {
				return err
			}
		}
		a, err := openEmptyApp(ctx, cfg, newLogger(cfg, io.Discard), "bench")
		if err != nil {
			return err
		}
		defer a.Close()

		act, file, err := seedBench(ctx, a.service, *rows)
		if err != nil {
			return err
		}
		raw := rawSignRate(ctx, a.service.Signer, *signFor)
		seededRSS := peakRSS()

		runtime.GC()
		start := time.Now()
		res, err := a.service.ProcessUpload(ctx, issuer.System, issuer.UploadRequest{ActivityID: act.ID, Filename: "bench.csv", Data: file})
		if err != nil {
			return fmt.Errorf("issue upload: %w", err)
		}
		elapsed := time.Since(start)
		if *memProfile != "" {
			if err := writeHeapProfile(*memProfile); err != nil {
				return err
			}
		}

		rate := float64(res.Counts.Awards) / elapsed.Seconds()
		fmt.Fprintf(e.stdout, "database            %s\n", a.db.Dialect())
		fmt.Fprintf(e.stdout, "algorithm           %s\n", a.keys.Algorithm())
		fmt.Fprintf(e.stdout, "cores               %d\n", runtime.GOMAXPROCS(0))
		fmt.Fprintf(e.stdout, "rows                %d\n", *rows)
		fmt.Fprintf(e.stdout, "credentials issued  %d\n", res.Counts.Awards)
		fmt.Fprintf(e.stdout, "upload time         %.2f s\n", elapsed.Seconds())
		fmt.Fprintf(e.stdout, "credentials/s       %.0f\n", rate)
		fmt.Fprintf(e.stdout, "raw signatures/s    %.0f (all cores)\n", raw)
		fmt.Fprintf(e.stdout, "share of raw rate   %.0f%%\n", 100*rate/raw)
		fmt.Fprintf(e.stdout, "peak RSS            %d MB (%d MB before the upload)\n", peakRSS()/1024, seededRSS/1024)
		return nil
	}
}

// seedBench creates a profile, one badge, rows students and an activity,
// and returns an attendance file in which every student earns the badge.
func seedBench(ctx context.Context, svc *issuer.Service, rows int) (*issuer.Activity, []byte, error) {
	if err := svc.SetProfile(ctx, issuer.System, &issuer.Profile{Name: "Benchmark College", URL: svc.URLs.Base}); err != nil {
		return nil, nil, err
	}
	cat := &issuer.Catalogue{Achievements: []issuer.CatalogueEntry{{Code: "B", Name: "Benchmark Badge", Description: "A badge for measuring.", Criteria: "Attend.", AchievementType: "Badge"}}}
	if _, _, err := svc.ImportAchievements(ctx, issuer.System, cat); err != nil {
		return nil, nil, err
	}

	students := make([]*issuer.Student, rows)
	var file bytes.Buffer
	file.WriteString("student_id,name,sessions_attended,sessions_total,assessment\n")
	for i := range students {
		num := fmt.Sprintf("%09d", 100000000+i)
		name := fmt.Sprintf("Student %d", i)
		students[i] = &issuer.Student{Number: num, Name: name, Email: num + "@stu.example.edu", Programme: "BSc", YearOfEntry: 2025, StudyMode: issuer.FullTime, Status: issuer.Current}
		fmt.Fprintf(&file, "%s,%s,4,4,pass\n", num, name)
	}
	if _, _, err := svc.ImportStudents(ctx, issuer.System, students); err != nil {
		return nil, nil, err
	}

	day := time.Now().UTC().Truncate(24 * time.Hour)
	act, err := svc.CreateActivity(ctx, issuer.System, issuer.ActivityInput{Title: "Benchmark", Unit: "Lab", StartDate: day, EndDate: day, Hours: 1, AchievementCodes: []string{"B"}})
	return act, file.Bytes(), err
}

// rawSignRate signs a typical credential-sized payload on every core for d
// and returns signatures per second.
func rawSignRate(ctx context.Context, s issuer.Signer, d time.Duration) float64 {
	payload := bytes.Repeat([]byte("x"), 2000)
	var n atomic.Int64
	deadline := time.Now().Add(d)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			for time.Now().Before(deadline) {
				if _, _, err := s.Sign(ctx, payload); err != nil {
					return
				}
				n.Add(1)
			}
		})
	}
	start := time.Now()
	wg.Wait()
	return float64(n.Load()) / time.Since(start).Seconds()
}

// peakRSS returns the process's maximum resident set size in KiB (Linux).
func peakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return int64(ru.Maxrss)
}

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create heap profile: %w", err)
	}
	defer f.Close()
	return pprof.Lookup("allocs").WriteTo(f, 0)
}
