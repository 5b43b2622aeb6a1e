package keys

import (
	"bytes"
	"context"
	"testing"
)

// benchPayload is about the size of a real credential payload (2.5 KB).
var benchPayload = append(append([]byte(`{"name":"`), bytes.Repeat([]byte("x"), 2500)...), `"}`...)

func benchmarkSign(b *testing.B, alg string) {
	r := openRing(b, &memStore{}, alg)
	ctx := context.Background()

	b.Run("single", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := r.Sign(ctx, benchPayload); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, _, err := r.Sign(ctx, benchPayload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

func BenchmarkSignRS256(b *testing.B) { benchmarkSign(b, RS256) }
func BenchmarkSignES256(b *testing.B) { benchmarkSign(b, ES256) }
func BenchmarkSignEdDSA(b *testing.B) { benchmarkSign(b, EdDSA) }
