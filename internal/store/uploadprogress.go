package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

// RecordUploadProgress stores the live counts of a running upload run so
// that every process reads them through UploadRun, while the upload's own
// transaction is still open.
//
// PostgreSQL updates the run's row from a connection of its own. SQLite
// cannot, because the upload's transaction holds the database's only write
// lock until it commits, so the counts go to a small file beside the
// database instead, in the folder that progressDir names. UpdateUploadRun
// removes that file when the run finishes.
func (db *DB) RecordUploadProgress(ctx context.Context, runID string, done, total int) error {
	if db.dialect.name != dialectSQLite {
		const q = `UPDATE upload_runs SET done = ?, total = ? WHERE id = ? AND state = ?`
		if _, err := db.conn().exec(ctx, q, done, total, runID, string(issuer.RunRunning)); err != nil {
			return storeError("record progress of upload run "+runID, err)
		}
		return nil
	}

	path, err := db.progressFile(runID)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("record progress of upload run %s: %w", runID, err)
	}

	// Write then rename, so that a reader never sees half a line.
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(fmt.Sprintf("%d %d\n", done, total)), 0o640); err != nil {
		return fmt.Errorf("record progress of upload run %s: %w", runID, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("record progress of upload run %s: %w", runID, err)
	}
	return nil
}

// progressDir is the folder of the SQLite progress files: the database
// file's name with "-progress" appended, like SQLite's own -wal file.
func (db *DB) progressDir() string { return db.path + "-progress" }

// progressFile returns the progress file of a run. Run ids are UUIDs; any
// other id is rejected so that it cannot name a path outside the folder.
func (db *DB) progressFile(runID string) (string, error) {
	if _, err := uuid.Parse(runID); err != nil {
		return "", fmt.Errorf("upload run id %q is not a UUID: %w", runID, issuer.ErrNotFound)
	}
	return filepath.Join(db.progressDir(), runID), nil
}

// readUploadProgress fills the counts of a running SQLite run from its
// progress file. A missing or unreadable file leaves the stored counts,
// because progress is only a display.
func (db *DB) readUploadProgress(run *issuer.UploadRun) {
	if db.dialect.name != dialectSQLite || run.State != issuer.RunRunning {
		return
	}
	path, err := db.progressFile(run.ID)
	if err != nil {
		return
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return
	}
	doneText, totalText, ok := strings.Cut(strings.TrimSpace(string(data)), " ")
	if !ok {
		return
	}
	done, errDone := strconv.Atoi(doneText)
	total, errTotal := strconv.Atoi(totalText)
	if errDone != nil || errTotal != nil || done < 0 || total < done {
		return
	}
	run.Done, run.Total = done, total
}

// removeUploadProgress deletes the progress file of a finished SQLite run.
// A file left behind is harmless, because readUploadProgress reads only the
// files of running runs, so a failure to delete it is ignored.
func (db *DB) removeUploadProgress(run *issuer.UploadRun) {
	if db.dialect.name != dialectSQLite || !run.Finished() {
		return
	}
	if path, err := db.progressFile(run.ID); err == nil {
		_ = os.Remove(path)
	}
}
