package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

func setupRevoke(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	reason := fs.String("reason", "", "why the credential is revoked; kept with the credential and in the audit log (required)")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 || strings.TrimSpace(*reason) == "" {
			return fmt.Errorf("%w: give one credential id (or its URL) and --reason TEXT", errUsage)
		}
		id := credentialIDArg(args[0])

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		award, err := a.service.Revoke(ctx, issuer.System, id, *reason)
		if errors.Is(err, issuer.ErrNotFound) {
			return fmt.Errorf("no credential has id %q; copy the id from the credential's URL, /credentials/ID", id)
		}
		if err != nil {
			return err
		}

		urls := a.service.URLs
		fmt.Fprintf(e.stdout, "Revoked %s.\n", urls.Credential(id))
		if entry := award.Credential.StatusEntry; !entry.IsZero() {
			fmt.Fprintf(e.stdout, "Its bit is set at index %d of %s; verifiers that cached the list see it within %s.\n",
				entry.Index, urls.StatusList(entry.ListID), durationWords(issuer.StatusListTTL))
		} else {
			fmt.Fprintln(e.stdout, "It was issued before status lists existed, so only its page and the API show the revocation.")
		}
		return nil
	}
}

func setupReissue(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	reason := fs.String("reason", "", "what was corrected, for the audit log (required); fix the register or catalogue first")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 || strings.TrimSpace(*reason) == "" {
			return fmt.Errorf("%w: give one credential id (or its URL) and --reason TEXT", errUsage)
		}
		id := credentialIDArg(args[0])

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		award, err := a.service.Correct(ctx, issuer.System, id, issuer.Correction{Reason: *reason})
		if errors.Is(err, issuer.ErrNotFound) {
			return fmt.Errorf("no credential has id %q; copy the id from the credential's URL, /credentials/ID", id)
		}
		if err != nil {
			return err
		}

		urls := a.service.URLs
		fmt.Fprintf(e.stdout, "Re-issued %s as:\n%s\n", urls.Credential(id), urls.Credential(award.Credential.ID))
		fmt.Fprintln(e.stdout, "The old credential is revoked and its page links to the new one.")
		return nil
	}
}

// credentialIDArg accepts a credential id or its URL, with or without a
// .jwt or .json suffix, and returns the id.
func credentialIDArg(arg string) string {
	arg = strings.TrimSpace(arg)
	if i := strings.LastIndex(arg, "/credentials/"); i >= 0 {
		arg = arg[i+len("/credentials/"):]
	}
	arg, _, _ = strings.Cut(arg, "?")
	for _, ext := range []string{".jwt", ".json"} {
		arg = strings.TrimSuffix(arg, ext)
	}
	return arg
}

// durationWords writes d in the largest whole unit of hours, minutes or
// seconds, such as "a minute", "5 minutes" or "90 seconds", for messages
// to people. Parts of a second are dropped.
func durationWords(d time.Duration) string {
	units := []struct {
		size      time.Duration
		one, many string
	}{
		{time.Hour, "an hour", "hours"},
		{time.Minute, "a minute", "minutes"},
		{time.Second, "a second", "seconds"},
	}
	d = d.Truncate(time.Second)
	for _, u := range units {
		if d < u.size || d%u.size != 0 {
			continue
		}
		if n := d / u.size; n > 1 {
			return fmt.Sprintf("%d %s", n, u.many)
		}
		return u.one
	}
	return "less than a second"
}
