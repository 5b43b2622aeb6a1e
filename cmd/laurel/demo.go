package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/demo"
	"github.com/laurel-badges/laurel/internal/roster"
	"github.com/laurel-badges/laurel/issuer"
)

func setupDemo(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	name := fs.String("name", "Laurel Demonstration College", "name of the demonstration institution")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		a, err := openEmptyApp(ctx, cfg, newLogger(cfg, e.stderr), "demo")
		if err != nil {
			return err
		}
		defer a.Close()

		act, token, err := seedDemo(ctx, a, *name)
		if err != nil {
			return err
		}
		files, err := writeDemoFiles(cfg.DataDir)
		if err != nil {
			return err
		}
		printDemoNext(e.stdout, cfg, act, token, files)
		return nil
	}
}

// demoAdvisorEmail is the address of the demonstration institution and
// of its learning advisor. Without SMTP the messages to it stay in the
// outbox at /admin/outbox.
const demoAdvisorEmail = "advisor@example.edu"

// seedDemo sets the profile, imports the catalogue and students, creates an
// admin token and one workshop offering two badges.
func seedDemo(ctx context.Context, a *app, name string) (*issuer.Activity, string, error) {
	svc := a.service
	// The profile's email is the learning advisor's address unless
	// LAUREL_ADVISOR_EMAIL is set, so that the copy of each upload has
	// a recipient.
	profile := &issuer.Profile{Name: name, URL: a.cfg.BaseURL, Email: demoAdvisorEmail, Description: "Demonstration issuer of the Digital Badges Scheme"}
	if err := svc.SetProfile(ctx, issuer.System, profile); err != nil {
		return nil, "", err
	}

	data, err := demo.Files.ReadFile("achievements.json")
	if err != nil {
		return nil, "", err
	}
	cat, err := issuer.ParseCatalogue(data)
	if err != nil {
		return nil, "", fmt.Errorf("demo catalogue: %w", err)
	}
	if _, _, err := svc.ImportAchievements(ctx, issuer.System, cat); err != nil {
		return nil, "", err
	}

	data, err = demo.Files.ReadFile("students.csv")
	if err != nil {
		return nil, "", err
	}
	students, err := roster.ReadStudents("students.csv", data)
	if err != nil {
		return nil, "", fmt.Errorf("demo students: %w", err)
	}
	if _, _, err := svc.ImportStudents(ctx, issuer.System, students); err != nil {
		return nil, "", err
	}

	token, _, err := svc.IssueToken(ctx, issuer.System, issuer.TokenRequest{Role: issuer.RoleAdmin, Name: "Learning Advisor (demo)", Email: demoAdvisorEmail})
	if err != nil {
		return nil, "", err
	}

	day := time.Now().UTC().Truncate(24*time.Hour).AddDate(0, 0, -7)
	act, err := svc.CreateActivity(ctx, issuer.System, issuer.ActivityInput{
		Title:            "Career Readiness Workshop",
		Description:      "Four sessions on CV writing, interviews and professional communication, with practice tasks.",
		Unit:             "Careers and Placement Centre",
		StartDate:        day,
		EndDate:          day.AddDate(0, 0, 3),
		Hours:            8,
		AchievementCodes: []string{"IPC", "EC"},
	})
	if err != nil {
		return nil, "", err
	}
	return act, token, nil
}

// writeDemoFiles copies the sample attendance files into the data folder,
// so that the printed commands work from any working folder.
func writeDemoFiles(dataDir string) ([]string, error) {
	dir := filepath.Join(dataDir, "demo")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create %s: %w", dir, err)
	}
	var paths []string
	for _, name := range []string{"attendance-workshop.csv", "attendance-workshop.xlsx"} {
		data, err := demo.Files.ReadFile(name)
		if err != nil {
			return nil, err
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", p, err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func printDemoNext(w io.Writer, cfg *config.Config, act *issuer.Activity, token string, files []string) {
	fmt.Fprintf(w, "Demonstration institution ready in %s: six badges, 400 students, one activity.\n\n", cfg.DataDir)
	fmt.Fprintf(w, "Activity %q: %s\n\n", act.Title, act.ID)
	fmt.Fprintln(w, "Try next:")
	fmt.Fprintf(w, "  laurel award --activity %s --dry-run %s   # preview\n", act.ID, files[0])
	fmt.Fprintf(w, "  laurel award --activity %s %s             # issue\n", act.ID, files[0])
	fmt.Fprintln(w, "  laurel serve                                  # then open a credential URL printed by award")
	fmt.Fprintf(w, "  curl -H \"Authorization: Bearer $TOKEN\" %s/api/v1/activities\n", cfg.BaseURL)
	fmt.Fprintf(w, "  curl -F file=@%s -F dry_run=true -H \"Authorization: Bearer $TOKEN\" %s/api/v1/activities/%s/attendance\n\n", files[1], cfg.BaseURL, act.ID)
	fmt.Fprintln(w, "Admin API token (shown once; set TOKEN to it for the commands above):")
	fmt.Fprintln(w, token)
}
