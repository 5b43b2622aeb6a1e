package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/export"
	"github.com/laurel-badges/laurel/issuer"
)

func setupExport(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	out := fs.String("out", "", "file to write; a name ending in .xlsx gives a workbook, .csv a CSV file; empty writes CSV to standard output")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give one export: awards, activities, attendance or student-badges", errUsage)
		}
		dataset, err := export.ParseDataset(args[0])
		if err != nil {
			return fmt.Errorf("%w: %w", errUsage, err)
		}
		format := export.CSV
		if *out != "" {
			if format, err = export.ParseFormat(strings.TrimPrefix(strings.ToLower(filepath.Ext(*out)), ".")); err != nil {
				return fmt.Errorf("%w: --out %s: name the file .xlsx or .csv", errUsage, *out)
			}
			if err := checkOutputPath("--out", *out); err != nil {
				return err
			}
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		return a.service.Export(ctx, issuer.System, string(dataset), func(st issuer.Store) error {
			return writeExport(*out, e.stdout, func(w io.Writer) error {
				return export.Write(ctx, st, w, dataset, format, issuer.AwardSearch{})
			})
		})
	}
}

// writeExport runs write on path, or on stdout when path is empty. A file
// is written whole or not at all.
func writeExport(path string, stdout io.Writer, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	return writeFileAtomically("--out", path, write)
}
