package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/roster"
	"github.com/laurel-badges/laurel/issuer"
)

func setupImportStudents(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give one CSV or XLSX file of students", errUsage)
		}
		data, err := readInput(args[0])
		if err != nil {
			return fmt.Errorf("read students file: %w", err)
		}
		students, err := roster.ReadStudents(filepath.Base(args[0]), data)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		created, updated, err := a.service.ImportStudents(ctx, issuer.System, students)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}
		fmt.Fprintf(e.stdout, "Imported %d students: %d new, %d updated.\n", created+updated, created, updated)
		return nil
	}
}

func setupImportAchievements(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give one JSON file of achievements", errUsage)
		}
		data, err := readInput(args[0])
		if err != nil {
			return fmt.Errorf("read achievements file: %w", err)
		}
		cat, err := issuer.ParseCatalogue(data)
		if err != nil {
			return fmt.Errorf("%s: %w", args[0], err)
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		created, updated, err := a.service.ImportAchievements(ctx, issuer.System, cat)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Imported %d achievements: %d new, %d updated.\n", created+updated, created, updated)
		return nil
	}
}
