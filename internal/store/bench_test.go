package store

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
)

// BenchmarkRecordUpload10k measures one upload of 10,000 awards written in
// batches of 500, with credentials of realistic size: a 2.5 KB compact JWS
// and a 1.5 KB JSON document each. It reports awards/s.
func BenchmarkRecordUpload10k(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchmarkRecordUpload(b, migratedTestDB(b, sqliteTestURL(b)))
	})
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.PostgresVariable) == "" {
			b.Skipf("%s is not set", storetest.PostgresVariable)
		}
		benchmarkRecordUpload(b, migratedTestDB(b, postgresTestURL(b)))
	})
}

const (
	benchAwards = 10_000
	benchBatch  = 500
)

func benchmarkRecordUpload(b *testing.B, db *DB) {
	students := make([]*issuer.Student, benchAwards)
	for i := range students {
		students[i] = &issuer.Student{Number: fmt.Sprintf("B%07d", i), Name: fmt.Sprintf("Student %d", i)}
	}
	if _, _, err := db.UpsertStudents(b.Context(), students); err != nil {
		b.Fatalf("UpsertStudents: %v", err)
	}
	achievement := &issuer.Achievement{Code: "IPC", Name: "Informed and professionally competent"}
	if err := db.CreateAchievement(b.Context(), achievement); err != nil {
		b.Fatalf("CreateAchievement: %v", err)
	}
	jws := randomText(b, 2500)
	document := []byte(`{"credentialSubject":"` + randomText(b, 1450) + `"}`)
	original := []byte(randomText(b, 300_000)) // an attendance file of 10,000 rows

	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		activity := &issuer.Activity{Title: "Benchmark", AchievementIDs: []string{achievement.ID}, MinAttendance: 1}
		if err := db.CreateActivity(b.Context(), activity); err != nil {
			b.Fatalf("CreateActivity: %v", err)
		}
		b.StartTimer()

		upload := &issuer.Upload{ActivityID: activity.ID, Filename: "attendance.csv", Original: original, RowCount: benchAwards}
		err := db.RecordUpload(b.Context(), upload, func(tx issuer.UploadTx) error {
			batch := make([]*issuer.Award, 0, benchBatch)
			for _, st := range students {
				batch = append(batch, &issuer.Award{
					StudentID:     st.ID,
					AchievementID: achievement.ID,
					Credential: issuer.Credential{
						ID:       uuid.NewString(),
						KeyID:    "key-1",
						JWS:      jws,
						Document: document,
					},
				})
				if len(batch) == benchBatch {
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
	}
	b.ReportMetric(float64(benchAwards*b.N)/b.Elapsed().Seconds(), "awards/s")
}

// randomText returns n characters of base64url, the alphabet of a JWS.
func randomText(tb testing.TB, n int) string {
	tb.Helper()
	raw := make([]byte, n)
	if _, err := rand.Read(raw); err != nil {
		tb.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(raw)[:n]
}

// BenchmarkCountSignInAttempt measures the upsert that counts one sign-in
// attempt, which every password sign-in and link request runs once per
// limit (two or three times) before it checks anything else.
func BenchmarkCountSignInAttempt(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		benchmarkCountSignInAttempt(b, migratedTestDB(b, sqliteTestURL(b)))
	})
	b.Run("postgres", func(b *testing.B) {
		if os.Getenv(storetest.PostgresVariable) == "" {
			b.Skipf("%s is not set", storetest.PostgresVariable)
		}
		benchmarkCountSignInAttempt(b, migratedTestDB(b, postgresTestURL(b)))
	})
}

func benchmarkCountSignInAttempt(b *testing.B, db *DB) {
	// 1,000 keys, so that most attempts update a row, as the attempts of
	// one client or account do.
	keys := make([][]byte, 1000)
	for i := range keys {
		keys[i] = []byte(fmt.Sprintf("key-%04d-padded-to-thirty-two-b", i))
	}
	now := time.Now()

	b.ResetTimer()
	for i := range b.N {
		if _, _, err := db.CountSignInAttempt(b.Context(), "client", keys[i%len(keys)], now, 15*time.Minute); err != nil {
			b.Fatalf("CountSignInAttempt: %v", err)
		}
	}
}
