package store

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

func TestSQLiteProgressFile(t *testing.T) {
	db := schemaTestDB(t, sqliteTestURL(t))
	ctx := t.Context()

	user := &issuer.User{Name: "organiser", Email: "organiser@example.edu", Role: issuer.RoleOrganiser}
	if err := db.CreateUser(ctx, user); err != nil {
		t.Fatalf("CreateUser: %v", err)
	}
	act := &issuer.Activity{
		Title: "Workshop", Description: "A workshop.", Unit: "Careers Centre", Hours: 3,
		StartDate:       time.Date(2025, time.February, 10, 14, 0, 0, 0, time.UTC),
		EndDate:         time.Date(2025, time.February, 10, 17, 0, 0, 0, time.UTC),
		Extracurricular: true, OpenToAll: true, MinAttendance: 0.75, OrganiserID: user.ID,
	}
	if err := db.CreateActivity(ctx, act); err != nil {
		t.Fatalf("CreateActivity: %v", err)
	}
	run := &issuer.UploadRun{ActivityID: act.ID, RequestedBy: user.ID, Filename: "a.csv", State: issuer.RunRunning}
	if err := db.CreateUploadRun(ctx, run); err != nil {
		t.Fatalf("CreateUploadRun: %v", err)
	}

	if err := db.RecordUploadProgress(ctx, run.ID, 256, 5000); err != nil {
		t.Fatalf("RecordUploadProgress: %v", err)
	}
	path := filepath.Join(db.path+"-progress", run.ID)
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("progress file: %v", err)
	}

	run.State = issuer.RunDone
	if err := db.UpdateUploadRun(ctx, run); err != nil {
		t.Fatalf("UpdateUploadRun: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("progress file after the run finished: %v, want it removed", err)
	}
}

func TestProgressFileRejectsPaths(t *testing.T) {
	db := &DB{dialect: sqliteDialect, path: filepath.Join(t.TempDir(), "laurel.db")}

	for _, id := range []string{"../laurel.db", "a/b", "", "not-a-uuid", "/etc/passwd"} {
		t.Run(id, func(t *testing.T) {
			_, err := db.progressFile(id)
			if !errors.Is(err, issuer.ErrNotFound) {
				t.Errorf("progressFile(%q) error = %v, want ErrNotFound", id, err)
			}
		})
	}
}
