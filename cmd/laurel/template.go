package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

func setupTemplate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	activity := fs.String("activity", "", "id of the activity")
	out := fs.String("out", "", "file to write; a name ending in .xlsx gives a workbook, anything else CSV; empty writes CSV to standard output")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *activity == "" || len(args) > 0 {
			return fmt.Errorf("%w: give --activity ID and no arguments", errUsage)
		}
		if *out != "" {
			if err := checkOutputPath("--out", *out); err != nil {
				return err
			}
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		act, enrolled, err := a.service.TemplateStudents(ctx, issuer.System, *activity)
		if errors.Is(err, issuer.ErrNotFound) {
			return fmt.Errorf("no activity has id %q; list them with laurel activity list", *activity)
		}
		if err != nil {
			return err
		}
		students := make([]issuer.Student, len(enrolled))
		for i, s := range enrolled {
			students[i] = *s
		}
		return writeTemplate(e.stdout, *out, act.Title, students)
	}
}

// writeTemplate writes the attendance template to path, or as CSV to
// stdout when path is empty. A file is written whole or not at all.
func writeTemplate(stdout io.Writer, path, title string, students []issuer.Student) error {
	if path == "" {
		return templateWriter{}.WriteCSV(stdout, students)
	}

	return writeFileAtomically("--out", path, func(w io.Writer) error {
		if strings.EqualFold(filepath.Ext(path), ".xlsx") {
			return templateWriter{}.WriteXLSX(w, title, students)
		}
		return templateWriter{}.WriteCSV(w, students)
	})
}
