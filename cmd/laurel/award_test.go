package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestPrintUploadResultCounts(t *testing.T) {
	problem := issuer.RowProblem{Line: 3, Code: "malformed_id", Message: "Student ID \"x\" is not valid."}
	tests := []struct {
		name string
		res  issuer.UploadResult
		want string
	}{
		{"one problem", issuer.UploadResult{Problems: []issuer.RowProblem{problem}, Counts: issuer.UploadCounts{Problems: 1}}, "\n1 problem; nothing was issued.\n"},
		{"two problems", issuer.UploadResult{Problems: []issuer.RowProblem{problem, problem}, Counts: issuer.UploadCounts{Problems: 2}}, "\n2 problems; nothing was issued.\n"},
		{"one badge", issuer.UploadResult{DryRun: true, Counts: issuer.UploadCounts{Rows: 1, Students: 1, Awards: 1}}, "Would issue 1 badge to 1 student from 1 row."},
		{"no badges", issuer.UploadResult{Counts: issuer.UploadCounts{Rows: 2, AlreadyAwarded: 2}}, "Issued 0 badges to 0 students from 2 rows."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			printUploadResult(&b, &tt.res)
			if !strings.Contains(b.String(), tt.want) {
				t.Errorf("output lacks %q:\n%s", tt.want, b.String())
			}
		})
	}
}
