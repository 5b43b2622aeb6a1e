package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/web"
)

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// errUsage marks a mistake in the command line; run prints the error with
// the command's one-line usage.
var errUsage = errors.New("usage")

// env is the outside world of a command beyond its arguments, so that tests can
// run commands in-process.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand. Its flags are defined by setup; run gets the
// parsed configuration and the remaining arguments.
type command struct {
	name    string
	usage   string // synopsis after the name: required flags, then [flags], then arguments
	summary string
	setup   func(fs *flag.FlagSet) func(ctx context.Context, e *env, cfg *config.Config, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "[flags]", "run the HTTP server (API, credential pages, DID document)", setupServe},
		{"worker", "[flags]", "run the background job workers (email, large uploads) without the HTTP server", setupWorker},
		{"migrate", "[flags]", "apply pending database migrations", setupMigrate},
		{"config", "[flags]", "print the effective configuration, secrets redacted", setupConfig},
		{"user create", "--role admin|organiser --name NAME --email ADDRESS --password-file FILE|- [flags]", "create an admin or organiser account that signs in with a password", setupUserCreate},
		{"user passwd", "--name NAME --password-file FILE|- [flags]", "set the password of an account and end its browser sessions", setupUserPasswd},
		{"token create", "--role admin|organiser --name NAME [flags]", "create an API token; the token is the last line printed", setupTokenCreate},
		{"import students", "[flags] FILE", "import or update students from a CSV or XLSX file", setupImportStudents},
		{"import achievements", "[flags] FILE", "import or update the badge catalogue from a JSON file", setupImportAchievements},
		{"students graduate", "[--personal-email ADDRESS] [flags] STUDENT_ID...", "mark students graduated; their credentials stay valid", setupStudentsGraduate},
		{"students update", "[--status STATUS] [--personal-email ADDRESS] [flags] STUDENT_ID", "change a student's status or personal email; --personal-email \"\" removes it", setupStudentsUpdate},
		{"activity create", "--title TEXT --start YYYY-MM-DD --achievements CODES [flags]", "create an activity and print its id", setupActivityCreate},
		{"activity list", "[flags]", "list activities", setupActivityList},
		{"template", "--activity ID [--out FILE] [flags]", "write an activity's attendance template (CSV or XLSX)", setupTemplate},
		{"award", "--activity ID [--dry-run] [--json] [flags] FILE", "issue badges from an attendance file (CSV or XLSX)", setupAward},
		{"revoke", "--reason TEXT [flags] CREDENTIAL_ID", "revoke a credential for good; --reason is required", setupRevoke},
		{"reissue", "--reason TEXT [flags] CREDENTIAL_ID", "re-issue a credential from corrected records and revoke the old one", setupReissue},
		{"export", "[--out FILE] [flags] awards|activities|attendance|student-badges", "export awards, activities, attendance or student-badges as CSV or XLSX", setupExport},
		{"keys list", "[flags]", "list the signing keys", setupKeysList},
		{"keys rotate", "[--signing-alg ALG] [flags]", "make a new active signing key; the old one stays published", setupKeysRotate},
		{"keys revoke", "[flags] KEY_ID", "revoke a compromised key and re-issue every credential it signed", setupKeysRevoke},
		{"profile set", "--name NAME [flags]", "set the issuer profile (institution name, URL, email)", setupProfileSet},
		{"backup", "[flags] FILE", "write a consistent copy of the database to FILE while the server runs (SQLite copy or pg_dump archive)", setupBackup},
		{"restore", "--master-key FILE [flags] BACKUP", "restore a backup into an empty data folder or PostgreSQL database and check it opens with the master key", setupRestore},
		{"demo", "[flags]", "set up a demonstration institution in an empty data folder", setupDemo},
		{"bench", "[flags]", "measure issuing speed on an empty, disposable store", setupBench},
		{"verify", "[--email ADDRESS] [--json] [flags] FILE|URL|-", "verify an Open Badges 3.0 credential from any issuer; exit 0 when valid, 1 when not", setupVerify},
	}
}

// run executes the command named by args and returns the process exit code.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}

	cmd, rest, ok := findCommand(args)
	if !ok {
		fmt.Fprintf(stderr, "laurel: unknown command %q\n\n", strings.Join(args[:min(2, len(args))], " "))
		usage(stderr)
		return exitUsage
	}
	return runCommand(ctx, e, cmd, rest)
}

func findCommand(args []string) (command, []string, bool) {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

func runCommand(ctx context.Context, e *env, c command, args []string) int {
	fs := flag.NewFlagSet("laurel "+c.name, flag.ContinueOnError)
	// The flag package would print a parse error and every flag itself.
	// runCommand prints instead: a mistake gets the error and the one-line
	// usage, and only -h gets the flags.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	var cfg config.Config
	config.Register(fs, &cfg, e.getenv)
	do := c.setup(fs)

	positional, err := parseInterspersed(fs, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		printCommandHelp(e.stdout, fs, c)
		return exitOK
	case err != nil:
		return usageError(e.stderr, c, err)
	}
	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(e.stderr, "laurel %s: %v\n", c.name, err)
		return exitUsage
	}

	err = do(ctx, e, &cfg, positional)
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		return usageError(e.stderr, c, err)
	default:
		fmt.Fprintf(e.stderr, "laurel %s: %v\n", c.name, err)
		return exitError
	}
}

// usageError prints a command-line mistake with the command's one-line
// usage and returns exitUsage.
func usageError(w io.Writer, c command, err error) int {
	msg := strings.TrimPrefix(err.Error(), errUsage.Error()+": ")
	fmt.Fprintf(w, "laurel %s: %s\nUsage: laurel %s %s\nRun laurel %s -h for all options.\n", c.name, msg, c.name, c.usage, c.name)
	return exitUsage
}

// printCommandHelp prints the usage, the summary and every flag of a
// command: its own flags first, then the settings every command shares.
func printCommandHelp(w io.Writer, fs *flag.FlagSet, c command) {
	fmt.Fprintf(w, "Usage: laurel %s %s\n\n%s.\n", c.name, c.usage, capitalise(c.summary))

	own := subset(fs, func(name string) bool { return !config.IsSetting(name) })
	if hasFlags(own) {
		fmt.Fprintln(w, "\nFlags:")
		own.SetOutput(w)
		own.PrintDefaults()
	}

	fmt.Fprintln(w, "\nSettings of every command, also read from the LAUREL_ variable named in each:")
	common := subset(fs, config.IsSetting)
	common.SetOutput(w)
	common.PrintDefaults()
}

// subset returns a flag set holding the flags of fs whose names keep
// accepts, with their default values as fs shows them.
func subset(fs *flag.FlagSet, keep func(string) bool) *flag.FlagSet {
	out := flag.NewFlagSet(fs.Name(), flag.ContinueOnError)
	fs.VisitAll(func(f *flag.Flag) {
		if !keep(f.Name) {
			return
		}
		out.Var(f.Value, f.Name, f.Usage)
		out.Lookup(f.Name).DefValue = f.DefValue
	})
	return out
}

func hasFlags(fs *flag.FlagSet) bool {
	found := false
	fs.VisitAll(func(*flag.Flag) { found = true })
	return found
}

// parseInterspersed parses flags before, between and after the positional
// arguments, so that both `revoke --reason TEXT ID` and `revoke ID --reason
// TEXT` work. It returns the positional arguments; "--" makes every later
// argument positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			break
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	return positional, nil
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Laurel issues, serves and verifies Open Badges 3.0 credentials.")
	fmt.Fprintln(w, "\nUsage: laurel COMMAND [flags] [arguments]\n\nCommands:")
	cmds := commands()
	sort.SliceStable(cmds, func(i, j int) bool { return cmds[i].name < cmds[j].name })
	for _, c := range cmds {
		fmt.Fprintf(w, "  %-22s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun laurel COMMAND --help for the flags of a command.")
	fmt.Fprintln(w, "Every flag can also be set with an environment variable, e.g. --data-dir with LAUREL_DATA_DIR.")
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// newLogger returns the process logger in the configured format. Records
// logged with a request's context carry its request id.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	if err := level.UnmarshalText([]byte(cfg.LogLevel)); err != nil {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(web.NewLogHandler(h))
}

// maxInputBytes bounds a file given to a command. It is larger than the
// API's upload limit because the command line serves administrators, but
// a device such as /dev/zero still cannot exhaust memory.
const maxInputBytes = 64 << 20

// readInput reads a file argument; "-" reads standard input.
func readInput(name string) ([]byte, error) {
	var r io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		r = f
	}

	data, err := io.ReadAll(io.LimitReader(r, maxInputBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInputBytes {
		return nil, fmt.Errorf("%s is larger than %d MiB; split it into smaller files", name, maxInputBytes>>20)
	}
	return data, nil
}
