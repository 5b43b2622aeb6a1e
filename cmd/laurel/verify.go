package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/keys"
	"github.com/laurel-badges/laurel/verifier"
)

// errNotAccepted makes verify exit with exitError when the verdict is
// neither valid nor valid with warnings.
var errNotAccepted = errors.New("the credential was not accepted")

func setupVerify(flags *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	asJSON := flags.Bool("json", false, "print the result as JSON instead of a report")
	email := flags.String("email", "", "also check that the badge was issued to this email address")
	allowHTTP := flags.Bool("allow-http", false, "fetch over plain http and resolve did:web over http; for testing against a local server only")
	allowPrivate := flags.Bool("allow-private", false, "fetch from loopback and private network addresses; for testing against a local server only")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give one credential: a file, an https URL, or - for standard input", errUsage)
		}

		v, err := verifier.New(verifier.Options{
			OwnIssuers:   ownIssuers(cfg),
			AllowHTTP:    *allowHTTP,
			AllowPrivate: *allowPrivate,
			PolicyHint:   policyHint(*allowHTTP, *allowPrivate),
			Recipient:    verifier.Recipient{Email: *email},
		})
		if err != nil {
			return err
		}
		r, err := verifyArgument(ctx, v, args[0])
		if err != nil {
			return err
		}

		if *asJSON {
			printJSON(e.stdout, r)
		} else {
			printReport(e.stdout, r)
		}
		if !r.Verdict.Acceptable() {
			return fmt.Errorf("%w: the verdict is %s", errNotAccepted, r.Verdict)
		}
		return nil
	}
}

// policyHint names the flags that are not set yet, for a fetch that the
// verifier rejected because of a plain-http URL or a loopback or private
// address, which is what a test server on this machine has.
func policyHint(allowHTTP, allowPrivate bool) string {
	var flags []string
	if !allowHTTP {
		flags = append(flags, "--allow-http")
	}
	if !allowPrivate {
		flags = append(flags, "--allow-private")
	}
	if len(flags) == 0 {
		return ""
	}
	return "For a test server on this machine or your network, run laurel verify with " + strings.Join(flags, " ") + "."
}

// ownIssuers returns the DID of the configured base URL, so that this
// server's own credentials get the strict checks.
func ownIssuers(cfg *config.Config) []string {
	did, err := keys.DIDWeb(cfg.BaseURL)
	if err != nil {
		return nil
	}
	return []string{did}
}

// verifyArgument verifies an http(s) URL, standard input ("-") or a file.
// A file that cannot be read is a usage error.
func verifyArgument(ctx context.Context, v *verifier.Verifier, arg string) (*verifier.Result, error) {
	if strings.HasPrefix(arg, "https://") || strings.HasPrefix(arg, "http://") {
		return v.VerifyURL(ctx, arg), nil
	}
	data, err := readInput(arg)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: no file named %q; give a file, an https URL, or - for standard input", errUsage, arg)
	}
	if err != nil {
		return nil, fmt.Errorf("read credential %s: %w", arg, err)
	}
	return v.Verify(ctx, data), nil
}

// outcomeLabels mark each check in the report.
var outcomeLabels = map[verifier.Outcome]string{
	verifier.Pass: "ok  ",
	verifier.Fail: "FAIL",
	verifier.Warn: "warn",
	verifier.Skip: "skip",
}

// printReport writes the result for a person: verdict, what the badge
// states, then every check.
func printReport(w io.Writer, r *verifier.Result) {
	fmt.Fprintf(w, "Verdict: %s\n%s\n\n", strings.ToUpper(strings.ReplaceAll(string(r.Verdict), "_", " ")), r.Summary)

	if r.Achievement.Name != "" || r.Issuer.ID != "" {
		fmt.Fprintf(w, "Badge:      %s\n", named(r.Achievement.Name, r.Achievement.ID))
		fmt.Fprintf(w, "Issuer:     %s\n", named(r.Issuer.Name, r.Issuer.ID))
		if r.Recipient != nil {
			fmt.Fprintf(w, "Recipient:  %s\n", named(r.Recipient.Name, r.Recipient.ID))
		}
		switch r.Baked {
		case "":
		case "pdf":
			fmt.Fprintf(w, "Read from:  the %s attached to a PDF\n", verifier.PDFAttachmentName)
		default:
			fmt.Fprintf(w, "Read from:  a baked %s image\n", strings.ToUpper(r.Baked))
		}
		if r.ValidFrom != nil {
			until := "no expiry date"
			if r.ValidUntil != nil {
				until = r.ValidUntil.UTC().Format("2 January 2006")
			}
			fmt.Fprintf(w, "Valid:      %s to %s\n", r.ValidFrom.UTC().Format("2 January 2006"), until)
		}
		fmt.Fprintln(w)
	}

	fmt.Fprintln(w, "Checks:")
	for _, c := range r.Checks {
		fmt.Fprintf(w, "  %s  %-18s %s\n", outcomeLabels[c.Outcome], c.Name, c.Message)
	}
}

// named writes "name (id)", or whichever of the two is set.
func named(name, id string) string {
	switch {
	case name != "" && id != "":
		return name + " (" + id + ")"
	case name != "":
		return name
	case id != "":
		return id
	}
	return "not stated"
}
