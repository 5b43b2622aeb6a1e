package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/pgtools"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/keys"
)

func setupBackup(flags *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	pgBin := flags.String("pg-bin", "", "folder of pg_dump, such as /usr/lib/postgresql/16/bin; empty searches PATH (PostgreSQL only)")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give the file to write the backup to", errUsage)
		}
		if err := checkOutputPath("backup file", args[0]); err != nil {
			return err
		}
		if isPostgres(cfg.DatabaseURL) {
			return backupPostgres(ctx, e, cfg, pgtools.Tools{Dir: *pgBin}, args[0])
		}

		db, err := store.Open(ctx, cfg.DatabaseURL)
		if err != nil {
			return err
		}
		defer db.Close()
		if err := db.CheckSchema(ctx); err != nil {
			return err
		}

		err = db.Backup(ctx, args[0])
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s exists already; give a new file name, because a backup never overwrites one", args[0])
		}
		if err != nil {
			return err
		}
		info, err := os.Stat(args[0])
		if err != nil {
			return err
		}

		fmt.Fprintf(e.stdout, "Backed up %s to %s (%d bytes).\n", db.Path(), args[0], info.Size())
		fmt.Fprintf(e.stdout, "This file holds the signing keys encrypted under the master key, which it does not contain.\n")
		fmt.Fprintf(e.stdout, "Back up %s separately, and keep the two copies apart.\n", cfg.MasterKeyPath())
		return nil
	}
}

// sqlitePath returns the file of an SQLite database URL: a path, or a path
// after sqlite: or file:.
func sqlitePath(databaseURL string) string {
	p := strings.TrimSpace(databaseURL)
	for _, prefix := range []string{"sqlite:", "file:"} {
		if len(p) >= len(prefix) && strings.EqualFold(p[:len(prefix)], prefix) {
			p = strings.TrimPrefix(p[len(prefix):], "//")
			break
		}
	}
	return p
}

// isPostgres reports whether a database URL names PostgreSQL.
func isPostgres(databaseURL string) bool {
	lower := strings.ToLower(strings.TrimSpace(databaseURL))
	return strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://")
}

func setupRestore(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	masterKey := fs.String("master-key", "", "backup of the master key file; it is copied into the data folder as master.key")
	pgBin := fs.String("pg-bin", "", "folder of pg_restore, such as /usr/lib/postgresql/16/bin; empty searches PATH (PostgreSQL only)")
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) != 1 {
			return fmt.Errorf("%w: give the backup file to restore", errUsage)
		}
		if isPostgres(cfg.DatabaseURL) {
			r := &postgresRestorer{cfg: cfg, backup: args[0], masterKey: *masterKey, tools: pgtools.Tools{Dir: *pgBin}}
			return r.run(ctx, e)
		}
		r := &restorer{cfg: cfg, backup: args[0], masterKey: *masterKey}
		return r.run(ctx, e)
	}
}

// restorer restores an SQLite backup into an empty data folder, and removes
// what it wrote when a step fails, so that the command can run again.
type restorer struct {
	cfg       *config.Config
	backup    string
	masterKey string // file to copy into the data folder; empty to use cfg.MasterKeyFile

	created []string // paths written, removed in reverse order on failure
}

func (r *restorer) run(ctx context.Context, e *env) (err error) {
	key, err := r.loadMasterKey()
	if err != nil {
		return err
	}
	if err := r.prepareDataDir(); err != nil {
		return err
	}
	defer func() {
		if err != nil {
			r.undo()
		}
	}()

	dbPath := sqlitePath(r.cfg.DatabaseURL)
	if err := r.copyFile(r.backup, dbPath, 0o600); err != nil {
		return fmt.Errorf("copy the backup: %w", err)
	}
	if r.masterKey != "" {
		if err := r.copyFile(r.masterKey, filepath.Join(r.cfg.DataDir, keys.MasterKeyFileName), 0o600); err != nil {
			return fmt.Errorf("copy the master key: %w", err)
		}
	}

	report, err := verifyRestored(ctx, r.cfg, key)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Restored %s into %s.\n%s", r.backup, r.cfg.DataDir, report)
	return nil
}

// loadMasterKey reads the master key the restored store will be opened
// with: the --master-key file, or else the configured master key file.
func (r *restorer) loadMasterKey() ([]byte, error) {
	file := r.masterKey
	if file == "" {
		file = r.cfg.MasterKeyFile
	}
	if file == "" {
		return nil, fmt.Errorf("%w: give the backup of the master key with --master-key FILE, because the signing keys in the backup cannot be decrypted without it", errUsage)
	}
	key, _, err := keys.LoadMasterKey(file, "")
	return key, err
}

// prepareDataDir creates the data folder, or checks that it is empty: a
// restore never mixes a backup into an installation.
func (r *restorer) prepareDataDir() error {
	entries, err := os.ReadDir(r.cfg.DataDir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(r.cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("create data folder %s: %w", r.cfg.DataDir, err)
		}
		r.created = append(r.created, r.cfg.DataDir)
		return nil
	case err != nil:
		return fmt.Errorf("read data folder %s: %w", r.cfg.DataDir, err)
	case len(entries) > 0:
		return fmt.Errorf("data folder %s is not empty (it contains %s); restore into a new or empty folder with --data-dir", r.cfg.DataDir, entries[0].Name())
	}
	return nil
}

// copyFile copies src to a new file dst, synced to disk.
func (r *restorer) copyFile(src, dst string, perm os.FileMode) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()

	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return err
	}
	r.created = append(r.created, dst)
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// undo removes what the restore wrote.
func (r *restorer) undo() {
	for i := len(r.created) - 1; i >= 0; i-- {
		os.RemoveAll(r.created[i])
	}
	// SQLite leaves -wal and -shm files beside the database it opened.
	dbPath := sqlitePath(r.cfg.DatabaseURL)
	os.Remove(dbPath + "-wal")
	os.Remove(dbPath + "-shm")
}

// verifyRestored opens the restored store, applies the migrations that a
// backup from an older version needs, and checks every page. It decrypts
// the active signing key with key, so that a server started on the store
// signs and publishes the same keys as before. It returns a summary for
// the user.
func verifyRestored(ctx context.Context, cfg *config.Config, key []byte) (string, error) {
	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return "", fmt.Errorf("open the restored database: %w; is the file a Laurel backup?", err)
	}
	defer db.Close()

	if err := db.CheckIntegrity(ctx); err != nil {
		return "", err
	}
	applied, err := db.Migrate(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate the restored database: %w", err)
	}

	summary := fmt.Sprintf("Applied %d migrations; the database passed SQLite's integrity check.\n", applied)
	keySummary, err := checkRestoredKeys(ctx, cfg, db, key)
	if err != nil {
		return "", err
	}
	return summary + keySummary, nil
}

// checkRestoredKeys decrypts the active signing key of a restored store
// with key, and returns a summary for the user.
func checkRestoredKeys(ctx context.Context, cfg *config.Config, db *store.DB, key []byte) (string, error) {
	stored, err := db.SigningKeys(ctx)
	if err != nil {
		return "", err
	}
	if len(stored) == 0 {
		return "The backup holds no signing keys; the first command will make one.\n", nil
	}

	did, err := keys.DIDWeb(cfg.BaseURL)
	if err != nil {
		return "", err
	}
	ring, err := keys.Open(ctx, db, key, did, cfg.SigningAlg)
	if err != nil {
		return "", fmt.Errorf("the master key does not open the restored signing keys: %w; give the master key that was in use when the backup was made", err)
	}
	return fmt.Sprintf("The master key decrypts the active signing key %s; %d keys are stored.\n", ring.ActiveKeyID(), len(stored)), nil
}
