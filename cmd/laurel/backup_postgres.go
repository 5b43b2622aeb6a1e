package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/pgtools"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/keys"
)

// backupPostgres writes a pg_dump archive of the PostgreSQL store to file,
// with mode 0600. pg_dump reads one snapshot, so the server keeps running.
// The archive is written under a temporary name, synced and renamed, and
// never replaces an existing file.
func backupPostgres(ctx context.Context, e *env, cfg *config.Config, tools pgtools.Tools, file string) error {
	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s exists already; give a new file name, because a backup never overwrites one", file)
	}

	db, err := store.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.CheckSchema(ctx); err != nil {
		return err
	}
	major, err := db.ServerMajorVersion(ctx)
	if err != nil {
		return err
	}
	if err := tools.CheckVersion(ctx, "pg_dump", major); err != nil {
		return err
	}

	// NOTE: pg_dump dumps the whole database, even when the URL's
	// search_path puts Laurel's tables in one schema of a shared database.
	partial := filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+"."+uuid.NewString()[:8]+".partial")
	defer os.Remove(partial)
	// pg_dump truncates the file it is given and keeps its mode 0600,
	// because the archive holds personal data and the encrypted keys.
	if err := store.CreatePrivateFile(partial); err != nil {
		return fmt.Errorf("back up to %s: %w", file, err)
	}
	if err := tools.Dump(ctx, cfg.DatabaseURL, partial); err != nil {
		return fmt.Errorf("back up %s: %w", config.RedactURL(cfg.DatabaseURL), err)
	}
	if err := renameNew(partial, file); err != nil {
		return err
	}

	info, err := os.Stat(file)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %s to %s (%d bytes, pg_dump custom format, PostgreSQL %d).\n", config.RedactURL(cfg.DatabaseURL), file, info.Size(), major)
	fmt.Fprintf(e.stdout, "This file holds the signing keys encrypted under the master key, which it does not contain.\n")
	fmt.Fprintf(e.stdout, "Back up %s separately, and keep the two copies apart.\n", cfg.MasterKeyPath())
	return nil
}

// renameNew syncs partial and renames it to file unless file exists. The
// check and the rename are not atomic, so a file created at file in
// between would be replaced.
func renameNew(partial, file string) error {
	f, err := os.Open(partial)
	if err != nil {
		return err
	}
	err = f.Sync()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("sync %s: %w", partial, err)
	}

	if _, err := os.Lstat(file); err == nil {
		return fmt.Errorf("%s exists already; give a new file name, because a backup never overwrites one", file)
	}
	if err := os.Rename(partial, file); err != nil {
		return err
	}
	return syncFolder(filepath.Dir(file))
}

func syncFolder(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// postgresRestorer restores a pg_dump archive into an empty PostgreSQL
// database, then brings its schema up to date and checks that the master
// key opens its signing keys.
type postgresRestorer struct {
	cfg       *config.Config
	backup    string
	masterKey string // file to copy to the configured master key path; empty to use that path
	tools     pgtools.Tools
}

func (r *postgresRestorer) run(ctx context.Context, e *env) error {
	key, err := r.loadMasterKey()
	if err != nil {
		return err
	}
	if _, err := os.Stat(r.backup); err != nil {
		return fmt.Errorf("read the backup: %w", err)
	}

	db, err := store.Open(ctx, r.cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := r.checkTarget(ctx, db); err != nil {
		return err
	}

	if err := r.tools.Restore(ctx, r.cfg.DatabaseURL, r.backup); err != nil {
		return fmt.Errorf("restore %s into %s: %w; the restore ran in one transaction, so the database is still empty", r.backup, config.RedactURL(r.cfg.DatabaseURL), err)
	}

	summary, err := r.checkRestored(ctx, db, key)
	if err != nil {
		return fmt.Errorf("check the restored database: %w; the database now contains the restored data, so drop it and create it empty before you restore again", err)
	}
	copied, err := r.installMasterKey()
	if err != nil {
		return err
	}

	fmt.Fprintf(e.stdout, "Restored %s into %s.\n%s", r.backup, config.RedactURL(r.cfg.DatabaseURL), summary)
	if copied {
		fmt.Fprintf(e.stdout, "Copied the master key to %s.\n", r.cfg.MasterKeyPath())
	}
	return nil
}

// loadMasterKey reads the --master-key file, or else the configured master
// key file, which must exist: a restore never makes a new master key.
func (r *postgresRestorer) loadMasterKey() ([]byte, error) {
	file := r.masterKey
	if file == "" {
		file = r.cfg.MasterKeyPath()
		if _, err := os.Stat(file); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %s does not exist; give the backup of the master key with --master-key FILE, because the signing keys in the backup cannot be decrypted without it", errUsage, file)
		}
	}
	key, _, err := keys.LoadMasterKey(file, "")
	return key, err
}

// checkTarget checks the client version and that the database is empty,
// so that a restore never mixes a backup into an installation.
func (r *postgresRestorer) checkTarget(ctx context.Context, db *store.DB) error {
	major, err := db.ServerMajorVersion(ctx)
	if err != nil {
		return err
	}
	if err := r.tools.CheckVersion(ctx, "pg_restore", major); err != nil {
		return err
	}

	relation, err := db.FirstRelation(ctx)
	if err != nil {
		return err
	}
	if relation != "" {
		return fmt.Errorf("database %s is not empty (it contains %s); create an empty database, for example with createdb or CREATE DATABASE, and give its URL with --database-url", config.RedactURL(r.cfg.DatabaseURL), relation)
	}
	return r.checkMasterKeyTarget()
}

// checkMasterKeyTarget checks, before anything is restored, that the
// --master-key file can be installed: the configured path must be free or
// contain the same key.
func (r *postgresRestorer) checkMasterKeyTarget() error {
	if r.masterKey == "" {
		return nil
	}
	_, err := r.sameMasterKey()
	return err
}

// sameMasterKey reports whether the configured master key file exists with
// the key of the --master-key file, and fails when it contains another key.
func (r *postgresRestorer) sameMasterKey() (bool, error) {
	dst := r.cfg.MasterKeyPath()
	if _, err := os.Stat(dst); errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	existing, _, err := keys.LoadMasterKey(dst, "")
	if err != nil {
		return false, err
	}
	fromFlag, _, err := keys.LoadMasterKey(r.masterKey, "")
	if err != nil {
		return false, err
	}
	if !bytes.Equal(existing, fromFlag) {
		return false, fmt.Errorf("%s contains a different master key from %s; move it away, or give a data folder without a master key with --data-dir", dst, r.masterKey)
	}
	return true, nil
}

// installMasterKey copies the --master-key file to the configured path,
// and reports whether it did.
func (r *postgresRestorer) installMasterKey() (bool, error) {
	if r.masterKey == "" {
		return false, nil
	}
	same, err := r.sameMasterKey()
	if err != nil || same {
		return false, err
	}

	dst := r.cfg.MasterKeyPath()
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return false, fmt.Errorf("create the folder of %s: %w", dst, err)
	}
	data, err := os.ReadFile(r.masterKey)
	if err != nil {
		return false, err
	}
	if err := os.WriteFile(dst, data, 0o600); err != nil {
		os.Remove(dst)
		return false, fmt.Errorf("copy the master key to %s: %w", dst, err)
	}
	return true, nil
}

// checkRestored applies the migrations that an archive from an older
// Laurel needs, checks the schema version and opens the signing keys.
func (r *postgresRestorer) checkRestored(ctx context.Context, db *store.DB, key []byte) (string, error) {
	applied, err := db.Migrate(ctx)
	if err != nil {
		return "", fmt.Errorf("migrate the restored database: %w", err)
	}
	if err := db.CheckSchema(ctx); err != nil {
		return "", err
	}
	version, err := db.SchemaVersion(ctx)
	if err != nil {
		return "", err
	}

	keySummary, err := checkRestoredKeys(ctx, r.cfg, db, key)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("Applied %d migrations; the schema is at version %d.\n", applied, version) + keySummary, nil
}
