package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/issuer"
)

func setupStudentsGraduate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	personal := fs.String("personal-email", "", "personal email address that the student keeps after graduation; only with one student id")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) == 0 {
			return fmt.Errorf("%w: give the student id of every graduate", errUsage)
		}
		if *personal != "" && len(args) > 1 {
			return fmt.Errorf("%w: --personal-email belongs to one student; graduate the others in another command", errUsage)
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		// Every number is checked first, so that a typing mistake changes
		// no student.
		found, err := a.db.StudentsByNumber(ctx, args)
		if err != nil {
			return err
		}
		var missing []string
		for _, n := range args {
			if found[n] == nil {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			return fmt.Errorf("no student has id %s; check the ids and run the command again (no student was changed)", strings.Join(missing, ", "))
		}

		graduated := issuer.Graduated
		for _, n := range args {
			u := issuer.StudentUpdate{Status: &graduated}
			if *personal != "" {
				u.PersonalEmail = personal
			}
			if _, err := a.service.UpdateStudent(ctx, issuer.System, n, u); err != nil {
				return err
			}
		}
		fmt.Fprintf(e.stdout, "Marked %d students graduated. Their credentials stay valid; uploads no longer award them.\n", len(args))
		return nil
	}
}

// optionalString is a string flag that records whether it was given, so
// that --personal-email "" can remove an address while leaving the flag
// out keeps it.
type optionalString struct {
	value string
	set   bool
}

func (o *optionalString) String() string { return o.value }

func (o *optionalString) Set(v string) error {
	o.value, o.set = v, true
	return nil
}

func setupStudentsUpdate(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	var status, personal optionalString
	fs.Var(&status, "status", "new status: current or graduated")
	fs.Var(&personal, "personal-email", `new personal email address; "" removes the stored one`)
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give one student id", errUsage)
		}
		if !status.set && !personal.set {
			return fmt.Errorf("%w: give --status, --personal-email or both", errUsage)
		}

		var u issuer.StudentUpdate
		if status.set {
			s := issuer.StudentStatus(status.value)
			u.Status = &s
		}
		if personal.set {
			u.PersonalEmail = &personal.value
		}

		a, err := openApp(ctx, cfg, newLogger(cfg, e.stderr))
		if err != nil {
			return err
		}
		defer a.Close()

		st, err := a.service.UpdateStudent(ctx, issuer.System, args[0], u)
		if errors.Is(err, issuer.ErrNotFound) {
			return fmt.Errorf("no student has id %q; check the id and run the command again", args[0])
		}
		if err != nil {
			return err
		}

		email := st.PersonalEmail
		if email == "" {
			email = "none"
		}
		fmt.Fprintf(e.stdout, "Student %s is %s; personal email: %s.\n", st.Number, st.Status, email)
		return nil
	}
}
