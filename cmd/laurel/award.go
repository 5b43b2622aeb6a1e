package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

func setupAward(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	activity := fs.String("activity", "", "id of the activity the attendance file belongs to")
	dryRun := fs.Bool("dry-run", false, "check the file and show what would be issued, without issuing")
	asJSON := fs.Bool("json", false, "print the result as JSON")
	withhold := fs.String("withhold", "", "comma-separated student ids to leave out")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *activity == "" || len(args) != 1 {
			return fmt.Errorf("%w: give --activity ID and one attendance file", errUsage)
		}
		data, err := readInput(args[0])
		if err != nil {
			return fmt.Errorf("read attendance file: %w", err)
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		req := issuer.UploadRequest{
			ActivityID:  *activity,
			Filename:    filepath.Base(args[0]),
			ContentType: contentTypeOf(args[0]),
			Data:        data,
			DryRun:      *dryRun,
			Withhold:    splitList(*withhold),
		}
		bar := newProgress(e.stderr)
		req.Progress = bar.update
		res, err := a.service.ProcessUpload(ctx, issuer.System, req)
		bar.finish()
		if res != nil {
			if *asJSON {
				printJSON(e.stdout, res)
			} else {
				printUploadResult(e.stdout, res)
			}
		}
		switch {
		case errors.Is(err, issuer.ErrNotFound):
			return fmt.Errorf("no activity has id %q; list them with laurel activity list", *activity)
		case errors.Is(err, context.Canceled):
			return errors.New("interrupted; nothing was issued")
		case res != nil && res.Blocking():
			// The problems are printed above, so the error gives only
			// the next step.
			return errors.New("fix the problems listed, or leave those rows out with --withhold STUDENT_ID,…, then run the command again")
		}
		return err
	}
}

// contentTypeOf names the media type of an attendance file by its extension,
// for the record of the upload.
func contentTypeOf(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		return "text/csv"
	case ".xlsx":
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	}
	return "application/octet-stream"
}

func splitList(s string) []string {
	var out []string
	for _, v := range strings.Split(s, ",") {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, v)
		}
	}
	return out
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func printUploadResult(w io.Writer, res *issuer.UploadResult) {
	c := res.Counts
	for _, p := range res.Problems {
		kind := "problem"
		if p.Warning {
			kind = "warning"
		}
		where := "file"
		if p.Line > 0 {
			where = fmt.Sprintf("line %d", p.Line)
		}
		fmt.Fprintf(w, "%s %s: %s\n", kind, where, p.Message)
	}

	verb := "Issued"
	if res.DryRun {
		verb = "Would issue"
	}
	if res.Blocking() {
		fmt.Fprintf(w, "\n%s; nothing was issued.\n", countNoun(c.Problems, "problem", "problems"))
		return
	}
	fmt.Fprintf(w, "\n%s %s to %s from %s.\n", verb,
		countNoun(c.Awards, "badge", "badges"), countNoun(c.Students, "student", "students"), countNoun(c.Rows, "row", "rows"))
	fmt.Fprintf(w, "Already awarded: %d, not eligible: %d, withheld: %d, warnings: %d.\n", c.AlreadyAwarded, c.NotEligible, c.Withheld, c.Warnings)
	if res.DryRun {
		for _, r := range res.Rows {
			if r.Status != issuer.RowAward {
				fmt.Fprintf(w, "  line %d  %s  %s: %s\n", r.Line, r.StudentNumber, r.Status, r.Reason)
			}
		}
		return
	}
	for i, cred := range res.Credentials {
		if i == 5 {
			fmt.Fprintf(w, "  … and %d more (use --json for all)\n", len(res.Credentials)-5)
			break
		}
		fmt.Fprintf(w, "  %s  %-4s %s\n", cred.StudentNumber, cred.AchievementCode, cred.URL)
	}
	if res.UploadID != "" {
		fmt.Fprintf(w, "Upload id: %s\n", res.UploadID)
	}
}

// countNoun writes n with the singular or plural noun, such as "1 problem".
func countNoun(n int, singular, plural string) string {
	if n == 1 {
		return "1 " + singular
	}
	return fmt.Sprintf("%d %s", n, plural)
}
