package store

import (
	"fmt"
	"os"
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
)

// BenchmarkPublishedRecords measures the query behind the Records of
// Achievement. The server runs it when its cached copy is older than 30
// seconds or a change cleared it. The store holds 10,000 awards of 5,000
// students with credentials of realistic size, and half of the students
// publish.
//
//	go test -run '^$' -bench PublishedRecords ./internal/store
func BenchmarkPublishedRecords(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchmarkPublishedRecords(b, migratedTestDB(b, sqliteTestURL(b)))
	})
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.PostgresVariable) == "" {
			b.Skipf("%s is not set", storetest.PostgresVariable)
		}
		benchmarkPublishedRecords(b, migratedTestDB(b, postgresTestURL(b)))
	})
}

func benchmarkPublishedRecords(b *testing.B, db *DB) {
	ctx := b.Context()
	students := make([]*issuer.Student, benchAwards/2)
	for i := range students {
		students[i] = &issuer.Student{Number: fmt.Sprintf("B%07d", i), Name: fmt.Sprintf("Student %d", i),
			Programme: fmt.Sprintf("Programme %d", i%8), YearOfEntry: 2022 + i%4}
	}
	if _, _, err := db.UpsertStudents(ctx, students); err != nil {
		b.Fatalf("UpsertStudents: %v", err)
	}
	badges := []*issuer.Achievement{{Code: "IPC", Name: "Informed"}, {Code: "EC", Name: "Communicator"}}
	for _, a := range badges {
		if err := db.CreateAchievement(ctx, a); err != nil {
			b.Fatalf("CreateAchievement: %v", err)
		}
	}
	activity := &issuer.Activity{Title: "Benchmark", AchievementIDs: []string{badges[0].ID, badges[1].ID}, MinAttendance: 1}
	if err := db.CreateActivity(ctx, activity); err != nil {
		b.Fatalf("CreateActivity: %v", err)
	}

	jws := randomText(b, 2500)
	document := []byte(`{"credentialSubject":"` + randomText(b, 1450) + `"}`)
	err := db.RecordUpload(ctx, &issuer.Upload{ActivityID: activity.ID, Filename: "attendance.csv"}, func(tx issuer.UploadTx) error {
		batch := make([]*issuer.Award, 0, benchBatch)
		for _, st := range students {
			for _, a := range badges {
				batch = append(batch, &issuer.Award{StudentID: st.ID, AchievementID: a.ID,
					Credential: issuer.Credential{ID: uuid.NewString(), KeyID: "key-1", JWS: jws, Document: document}})
			}
			if len(batch) >= benchBatch {
				if err := tx.Write(batch); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		return tx.Write(batch)
	})
	if err != nil {
		b.Fatalf("RecordUpload: %v", err)
	}
	for i, st := range students {
		if i%2 == 1 {
			continue
		}
		if err := db.SetPublicationSetting(ctx, &issuer.PublicationSetting{StudentID: st.ID, Mode: issuer.PublishAll}); err != nil {
			b.Fatalf("SetPublicationSetting: %v", err)
		}
	}

	for b.Loop() {
		records, err := db.PublishedRecords(ctx)
		if err != nil {
			b.Fatalf("PublishedRecords: %v", err)
		}
		if len(records) != len(students)/2 {
			b.Fatalf("%d records, want %d", len(records), len(students)/2)
		}
	}
}
