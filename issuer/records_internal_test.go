package issuer

import (
	"strings"
	"testing"
)

func TestPageRecordsFilters(t *testing.T) {
	rec := func(name, programme string, year int) *RecordEntry {
		return &RecordEntry{Name: name, Programme: programme, YearOfEntry: year}
	}
	all := []*RecordEntry{
		rec("amy Wong", "BSc in Nursing", 2024),
		rec("Chan Tai Man", "BBA in Accounting", 2024),
		rec("Lee Siu Ming", "BBA in Accounting", 2023),
	}
	tests := []struct {
		name      string
		filter    RecordFilter
		wantNames []string
		wantTotal int
	}{
		{"all", RecordFilter{}, []string{"amy Wong", "Chan Tai Man", "Lee Siu Ming"}, 3},
		{"query name", RecordFilter{Query: "CHAN"}, []string{"Chan Tai Man"}, 1},
		{"query programme", RecordFilter{Query: "nursing"}, []string{"amy Wong"}, 1},
		{"query wildcard literal", RecordFilter{Query: "%"}, []string{}, 0},
		{"programme", RecordFilter{Programme: "BBA in Accounting"}, []string{"Chan Tai Man", "Lee Siu Ming"}, 2},
		{"year", RecordFilter{YearOfEntry: 2023}, []string{"Lee Siu Ming"}, 1},
		{"first page", RecordFilter{Limit: 2}, []string{"amy Wong", "Chan Tai Man"}, 3},
		{"second page", RecordFilter{Limit: 2, Offset: 2}, []string{"Lee Siu Ming"}, 3},
		{"past the end", RecordFilter{Limit: 2, Offset: 4}, []string{}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page := pageRecords(all, tt.filter)
			names := []string{}
			for _, e := range page.Entries {
				names = append(names, e.Name)
			}
			if strings.Join(names, "|") != strings.Join(tt.wantNames, "|") {
				t.Errorf("names = %q, want %q", names, tt.wantNames)
			}
			if page.Total != tt.wantTotal {
				t.Errorf("total = %d, want %d", page.Total, tt.wantTotal)
			}
			if strings.Join(page.Programmes, "|") != "BBA in Accounting|BSc in Nursing" {
				t.Errorf("programmes = %q, want both, whatever the filter", page.Programmes)
			}
			if len(page.Years) != 2 || page.Years[0] != 2023 || page.Years[1] != 2024 {
				t.Errorf("years = %v, want [2023 2024]", page.Years)
			}
		})
	}
}
