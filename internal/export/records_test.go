package export

import (
	"bytes"
	"encoding/csv"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/xuri/excelize/v2"

	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
)

// openStore returns a migrated SQLite store with one activity, two
// students and an upload that awarded IPC to both. The second student's
// name is a formula.
func openStore(t *testing.T) *store.DB {
	t.Helper()
	ctx := t.Context()
	db, err := store.Open(ctx, filepath.Join(t.TempDir(), "laurel.db"))
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}

	ipc := &issuer.Achievement{Code: "IPC", Name: "Informed and professionally competent", AchievementType: "Badge", Image: issuer.DefaultBadgeImage("IPC", "IPC")}
	if err := db.CreateAchievement(ctx, ipc); err != nil {
		t.Fatalf("create achievement: %v", err)
	}
	students := []*issuer.Student{
		{Number: "S00001", Name: "陳大文", Email: "s1@example.edu", Programme: "BBA", YearOfEntry: 2024, StudyMode: issuer.FullTime, Status: issuer.Current},
		{Number: "S00002", Name: "=HYPERLINK(\"http://x\")", Email: "s2@example.edu", Programme: "BSc", YearOfEntry: 2023, StudyMode: issuer.FullTime, Status: issuer.Current},
	}
	if _, _, err := db.UpsertStudents(ctx, students); err != nil {
		t.Fatalf("upsert students: %v", err)
	}
	activity := &issuer.Activity{
		Title: "Careers fair", Unit: "Careers Centre", Hours: 3, Extracurricular: true, OpenToAll: true,
		MinAttendance: 0.5, AchievementIDs: []string{ipc.ID},
		StartDate: time.Date(2025, time.February, 10, 14, 0, 0, 0, time.UTC),
		EndDate:   time.Date(2025, time.February, 10, 17, 0, 0, 0, time.UTC),
	}
	if err := db.CreateActivity(ctx, activity); err != nil {
		t.Fatalf("create activity: %v", err)
	}

	original := []byte("student_id,name,sessions_attended,sessions_total,assessment,withhold,remarks\r\n" +
		"S00001,陳大文,3,4,pass,,\r\n" +
		"S00002,\"'=HYPERLINK(\"\"http://x\"\")\",4,4,,,late\r\n")
	upload := &issuer.Upload{ActivityID: activity.ID, Filename: "attendance.csv", ContentType: "text/csv", Original: original, SHA256: strings.Repeat("0", 64), RowCount: 2}
	err = db.RecordUpload(ctx, upload, func(tx issuer.UploadTx) error {
		var awards []*issuer.Award
		for i, s := range students {
			id := uuid.NewString()
			awards = append(awards, &issuer.Award{
				StudentID: s.ID, AchievementID: ipc.ID,
				IssuedAt:         time.Date(2025, time.February, 11+i, 9, 0, 0, 0, time.UTC),
				SessionsAttended: 3 + i, SessionsTotal: 4,
				Credential: issuer.Credential{ID: id, KeyID: "key-1", JWS: "a.b.c", Document: []byte(`{}`)},
			})
		}
		return tx.Write(awards)
	})
	if err != nil {
		t.Fatalf("record upload: %v", err)
	}
	return db
}

func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, utf8BOM))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	return records
}

func TestWriteDatasetsCSV(t *testing.T) {
	db := openStore(t)
	tests := []struct {
		dataset Dataset
		header  []string
		// check tests the data rows.
		check func(t *testing.T, rows [][]string)
	}{
		{Awards, awardColumns, func(t *testing.T, rows [][]string) {
			if len(rows) != 2 {
				t.Fatalf("got %d award rows, want 2", len(rows))
			}
			// Newest first: S00002 was issued a day later.
			got := []string{rows[0][1], rows[0][2], rows[0][3], rows[0][4], rows[0][5], rows[0][7], rows[0][9], rows[0][10]}
			want := []string{"active", "2025-02-12T09:00:00Z", "S00002", `'=HYPERLINK("http://x")`, "IPC", "Careers fair", "4", "4"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("first award row = %q, want %q", got, want)
			}
		}},
		{Activities, activityColumns, func(t *testing.T, rows [][]string) {
			if len(rows) != 1 {
				t.Fatalf("got %d activity rows, want 1", len(rows))
			}
			got := []string{rows[0][1], rows[0][2], rows[0][3], rows[0][5], rows[0][9], rows[0][10]}
			want := []string{"Careers fair", "Careers Centre", "2025-02-10T14:00:00Z", "3", "IPC", "2"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("activity row = %q, want %q", got, want)
			}
		}},
		{Attendance, attendanceColumns, func(t *testing.T, rows [][]string) {
			if len(rows) != 2 {
				t.Fatalf("got %d attendance rows, want 2", len(rows))
			}
			got := rows[1][4:]
			want := []string{"3", "S00002", `'=HYPERLINK("http://x")`, "4", "4", "", "no", "late"}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("second attendance row = %q, want %q", got, want)
			}
		}},
		{StudentBadges, studentBadgeColumns, func(t *testing.T, rows [][]string) {
			want := [][]string{
				{"S00001", "陳大文", "BBA", "2024", "current", "1", "1"},
				{"S00002", `'=HYPERLINK("http://x")`, "BSc", "2023", "current", "1", "1"},
			}
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("rows = %q, want %q", rows, want)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(string(tt.dataset), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(t.Context(), db, &buf, tt.dataset, CSV, issuer.AwardSearch{}); err != nil {
				t.Fatalf("Write: %v", err)
			}
			records := readCSV(t, buf.Bytes())
			if !reflect.DeepEqual(records[0], tt.header) {
				t.Errorf("header = %q, want %q", records[0], tt.header)
			}
			tt.check(t, records[1:])
		})
	}
}

func TestWriteAwardsXLSXFiltered(t *testing.T) {
	db := openStore(t)
	var buf bytes.Buffer
	err := Write(t.Context(), db, &buf, Awards, XLSX, issuer.AwardSearch{Query: "S00001"})
	if err != nil {
		t.Fatalf("Write: %v", err)
	}

	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows(Awards.Title())
	if err != nil {
		t.Fatalf("GetRows: %v", err)
	}
	if len(rows) != 2 {
		t.Fatalf("got %d rows, want the header and S00001's award", len(rows))
	}
	if rows[1][3] != "S00001" || rows[1][4] != "陳大文" {
		t.Errorf("award row student = %q %q, want S00001 陳大文", rows[1][3], rows[1][4])
	}
}

func TestWriteUnknownDataset(t *testing.T) {
	db := openStore(t)
	var buf bytes.Buffer
	err := Write(t.Context(), db, &buf, Dataset("grades"), CSV, issuer.AwardSearch{})
	if err == nil || !strings.Contains(err.Error(), `unknown export "grades"`) {
		t.Errorf("Write error = %v, want unknown export \"grades\"", err)
	}
	if buf.Len() != 0 {
		t.Errorf("wrote %d bytes for an unknown dataset, want none", buf.Len())
	}
}
