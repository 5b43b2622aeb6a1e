package attendance

import (
	"bytes"
	"fmt"
	"testing"
)

// generateCSV returns an attendance CSV with n distinct, valid student rows,
// about 50 bytes each.
func generateCSV(n int) []byte {
	var b bytes.Buffer
	b.WriteString("student_id,name,sessions_attended,sessions_total,assessment,remarks\r\n")
	for i := range n {
		fmt.Fprintf(&b, "%09d,Learner Number %06d,%d,4,pass,\r\n", i, i, 1+i%4)
	}
	return b.Bytes()
}

func BenchmarkParseCSV100k(b *testing.B) {
	data := generateCSV(100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()

	for b.Loop() {
		sheet, err := Parse("attendance.csv", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(sheet.Rows) != 100000 || len(sheet.Problems) != 0 {
			b.Fatalf("rows = %d, problems = %d; want 100000 rows and no problems", len(sheet.Rows), len(sheet.Problems))
		}
	}
}

func BenchmarkParseXLSX10k(b *testing.B) {
	students := make([]TemplateStudent, 10000)
	for i := range students {
		students[i] = TemplateStudent{Number: fmt.Sprintf("%09d", i), Name: fmt.Sprintf("Learner Number %06d", i)}
	}
	var buf bytes.Buffer
	if err := WriteXLSXTemplate(&buf, "Benchmark", students); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()

	for b.Loop() {
		sheet, err := Parse("attendance.xlsx", data, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if len(sheet.Problems) != 20000 {
			b.Fatalf("problems = %d, want 20000 (two empty sessions cells per student)", len(sheet.Problems))
		}
	}
}

// TestParseCSV100kMemory bounds the bytes allocated to parse a 100,000-row
// file to six times the input size. The row slice takes about 2.2 times
// (96-byte Row values for 43-byte lines), the csv reader's one string per
// record 1 time, and the duplicate-id map about 1.2 times.
func TestParseCSV100kMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates a 5 MB file")
	}
	data := generateCSV(100000)
	result := testing.Benchmark(func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse("attendance.csv", data, Options{}); err != nil {
				b.Fatal(err)
			}
		}
	})

	limit := int64(6 * len(data))
	if got := result.AllocedBytesPerOp(); got > limit {
		t.Errorf("Parse allocated %d bytes for a %d-byte file, want at most %d", got, len(data), limit)
	}
}
