package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
)

func setupMigrate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: migrate takes no arguments", errUsage)
		}
		db, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()

		applied, err := db.Migrate(ctx)
		if err != nil {
			return fmt.Errorf("migrate database: %w", err)
		}
		version, err := db.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "applied %d migrations; %s schema is at version %d\n", applied, db.Dialect(), version)
		return nil
	}
}

func setupConfig(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		return cfg.Write(e.stdout)
	}
}

func setupTokenCreate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	role := fs.String("role", "", "role of the token's user: admin or organiser")
	name := fs.String("name", "", "name of the person or system the token is for; a user of that name is created when missing")
	email := fs.String("email", "", "email address of the user that the token creates, which receives the summaries of the user's uploads")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *role == "" || *name == "" {
			return fmt.Errorf("%w: --role and --name are required", errUsage)
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		secret, u, err := a.service.IssueToken(ctx, issuer.System, issuer.TokenRequest{Role: issuer.Role(*role), Name: *name, Email: *email})
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Created an API token for %s (%s, user id %s).\n", u.Name, u.Role, u.ID)
		fmt.Fprintln(e.stdout, "Send it as 'Authorization: Bearer TOKEN'. It is shown only once:")
		fmt.Fprintln(e.stdout, secret)
		return nil
	}
}

func setupProfileSet(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	name := fs.String("name", "", "name of the institution, shown as the issuer of every badge")
	url := fs.String("url", "", "homepage of the institution")
	email := fs.String("email", "", "contact email of the issuer")
	desc := fs.String("description", "", "one-line description of the issuer")
	image := fs.String("image", "", "URL of the institution's logo")
	color := fs.String("color", "", "the institution's main colour as #rrggbb, for the header of emails")
	accent := fs.String("accent-color", "", "the institution's accent colour as #rrggbb, for links and buttons in emails")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if *name == "" {
			return fmt.Errorf("%w: --name is required", errUsage)
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		p := &issuer.Profile{Name: *name, URL: *url, Email: *email, Description: *desc, ImageURL: *image, Color: *color, AccentColor: *accent}
		if err := a.service.SetProfile(ctx, issuer.System, p); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Issuer profile set: %s (%s)\n", p.Name, a.service.IssuerID)
		return nil
	}
}
