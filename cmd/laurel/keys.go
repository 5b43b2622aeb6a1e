package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
)

func setupKeysList(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: keys list takes no arguments", errUsage)
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		list, err := a.service.SigningKeys(ctx, issuer.System)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tALGORITHM\tSTATUS\tCREATED\tRETIRED\tREVOKED")
		for _, k := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Algorithm, k.Status, dateOrDash(k.CreatedAt), dateOrDash(k.RetiredAt), dateOrDash(k.RevokedAt))
		}
		return tw.Flush()
	}
}

func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func setupKeysRotate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: keys rotate takes no arguments; the new key uses --signing-alg", errUsage)
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		old := a.keys.ActiveKeyID()
		k, err := a.service.RotateKey(ctx, issuer.System)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "New active key %s (%s).\n", k.ID, k.Algorithm)
		fmt.Fprintf(e.stdout, "Key %s is retired: it signs nothing more and stays published, so its credentials still verify.\n", old)
		fmt.Fprintf(e.stdout, "Running servers sign with the new key within %s.\n", keys.RefreshInterval)
		return nil
	}
}

func setupKeysRevoke(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give the id of the compromised key, as laurel keys list shows it", errUsage)
		}
		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		report, err := a.service.RevokeSigningKey(ctx, issuer.System, args[0])
		if report != nil {
			printKeyRevocation(e, report)
		}
		if errors.Is(err, issuer.ErrNotFound) {
			return fmt.Errorf("no signing key has id %q; list them with laurel keys list", args[0])
		}
		return err
	}
}

func printKeyRevocation(e *env, r *issuer.KeyRevocation) {
	if r.AlreadyRevoked {
		fmt.Fprintf(e.stdout, "Key %s was revoked before; re-issuing what is left.\n", r.KeyID)
	} else {
		fmt.Fprintf(e.stdout, "Revoked key %s: it is no longer published, so nothing it signed verifies.\n", r.KeyID)
	}
	fmt.Fprintf(e.stdout, "Re-issued %d of %d active credentials it signed with the active key; the old ones are revoked.\n", r.Reissued, r.Found)
}
