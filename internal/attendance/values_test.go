package attendance

import (
	"strings"
	"testing"
)

func TestParseCount(t *testing.T) {
	tests := []struct {
		in     string
		want   int
		wantOK bool
	}{
		{"0", 0, true},
		{"4", 4, true},
		{"04", 4, true},
		{"4.0", 4, true},
		{"4,00", 4, true},
		{"10000", 10000, true},
		{"10001", 0, false},
		{"99999999999999999999999", 0, false},
		{"", 0, false},
		{"4.", 0, false},
		{".0", 0, false},
		{"4.5", 0, false},
		{"4,05", 0, false},
		{"-1", 0, false},
		{"+1", 0, false},
		{"1e3", 0, false},
		{"４", 0, false},  // full-width digit
		{"4 ", 0, false}, // callers trim first
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseCount(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseCount(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseAssessment(t *testing.T) {
	tests := []struct {
		in     string
		want   string
		wantOK bool
	}{
		{"", "", true},
		{"N/A", "", true},
		{"pass", "pass", true},
		{"PASSED", "pass", true},
		{"Fail", "fail", true},
		{"failed", "fail", true},
		{"p", "", false},
		{"merit", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseAssessment(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseAssessment(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseWithhold(t *testing.T) {
	tests := []struct {
		in     string
		want   bool
		wantOK bool
	}{
		{"yes", true, true},
		{"Y", true, true},
		{"TRUE", true, true},
		{"1", true, true},
		{"x", true, true},
		{"", false, true},
		{"No", false, true},
		{"n", false, true},
		{"false", false, true},
		{"0", false, true},
		{"maybe", false, false},
		{"2", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parseWithhold(tt.in)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("parseWithhold(%q) = %v, %v; want %v, %v", tt.in, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestTrimCell(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", "S0001", "S0001"},
		{"ascii spaces", " \tS0001 \r", "S0001"},
		{"no-break space", "\u00a0S0001\u00a0", "S0001"},
		{"em and ideographic space", "\u2003陳大文\u3000", "陳大文"},
		{"zero-width and bom", "\ufeff\u200bS0001\u200b", "S0001"},
		{"inner space kept", " Learner\u00a0One ", "Learner\u00a0One"},
		{"only spaces", "\u00a0 \u2009", ""},
		{"non-ascii edge", "Łukasz", "Łukasz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := trimCell(tt.in); got != tt.want {
				t.Errorf("trimCell(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormaliseHeader(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"student_id", "student_id"},
		{" Student ID ", "student_id"},
		{"Student-No.", "student_no"},
		{"No. of  Sessions", "no_of_sessions"},
		{"__Total__", "total"},
		{"\u00a0Remarks\u00a0", "remarks"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := normaliseHeader(tt.in); got != tt.want {
				t.Errorf("normaliseHeader(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestClip(t *testing.T) {
	long := strings.Repeat("é", maxValueLen) // 2 bytes each
	got := clip(long)
	if len(got) > maxValueLen+len("…") {
		t.Errorf("clip length = %d, want at most %d", len(got), maxValueLen+len("…"))
	}
	if !strings.HasSuffix(got, "…") || !strings.HasPrefix(long, strings.TrimSuffix(got, "…")) {
		t.Errorf("clip(%q) = %q, want a prefix of whole runes and an ellipsis", long, got)
	}
	if short := "S0001"; clip(short) != short {
		t.Errorf("clip(%q) = %q, want it unchanged", short, clip(short))
	}
}
