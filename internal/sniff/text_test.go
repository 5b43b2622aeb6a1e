package sniff

import (
	"testing"
)

func TestNormaliseLineBreaks(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"lone carriage returns", "a,b\rc,d\r", "a,b\nc,d\n"},
		{"quoted carriage return", "a,\"b\rc\"\rd,e", "a,\"b\nc\"\nd,e"},
		{"crlf kept", "a,b\r\nc,d\r\n", "a,b\r\nc,d\r\n"},
		{"line feeds kept", "a,b\nc,d\n", "a,b\nc,d\n"},
		// One line feed shows the file does not use lone carriage returns
		// as line breaks, so a carriage return in a cell stays.
		{"mixed kept", "a,b\rc\nd", "a,b\rc\nd"},
		{"one line", "a,b", "a,b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(NormaliseLineBreaks([]byte(tt.in))); got != tt.want {
				t.Errorf("NormaliseLineBreaks(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestDelimiter(t *testing.T) {
	tests := []struct {
		name string
		line string
		want rune
	}{
		{"comma", "student_id,sessions_attended,sessions_total", ','},
		{"semicolon", "student_id;sessions_attended;sessions_total", ';'},
		{"tab", "student_id\tsessions_attended\tsessions_total", '\t'},
		{"vertical bar", "student_id|sessions_attended|sessions_total", '|'},
		{"quoted commas ignored", `"a,b,c,d";student_id;sessions_attended`, ';'},
		{"quoted bars ignored", `"a|b|c|d",student_id,sessions_attended`, ','},
		{"tie goes to comma", "a,b;c|d", ','},
		{"single column", "student_id", ','},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Delimiter([]byte(tt.line)); got != tt.want {
				t.Errorf("Delimiter(%q) = %q, want %q", tt.line, got, tt.want)
			}
		})
	}
}

func TestFirstLine(t *testing.T) {
	tests := []struct {
		name, data, want string
	}{
		{"first", "a,b\r\nc,d\n", "a,b"},
		{"after blank lines", "\n  \r\na;b\n", "a;b"},
		{"none", "\n\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(FirstLine([]byte(tt.data))); got != tt.want {
				t.Errorf("FirstLine(%q) = %q, want %q", tt.data, got, tt.want)
			}
		})
	}
}

func TestHiddenDelimiter(t *testing.T) {
	known := map[string]bool{"student_id": true, "name": true, "sessions_total": true}
	isColumn := func(s string) bool { return known[s] }
	tests := []struct {
		name   string
		cell   string
		want   rune
		wantOK bool
	}{
		{"colon", "student_id:name:sessions_total", ':', true},
		{"full-width comma", "student_id，name，sessions_total", '，', true},
		{"slash", "student_id/name/other", '/', true},
		{"one known name", "student_id:other", 0, false},
		{"title row", "Attendance: Career Workshop", 0, false},
		{"hyphen is part of names", "student_id-name-sessions_total", 0, false},
		{"plain name", "student_id", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := HiddenDelimiter(tt.cell, isColumn)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("HiddenDelimiter(%q) = %q, %v; want %q, %v", tt.cell, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestScientificNotation(t *testing.T) {
	tests := []struct {
		s    string
		want bool
	}{
		{"1.58E+08", true},
		{"1,58E+08", true},
		{"1.5e8", true},
		{"2E-3", true},
		{"158000000", false},
		{"S1E5", false},
		{"E+08", false},
		{"1.58E", false},
		{"1.5.8E+08", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.s, func(t *testing.T) {
			if got := ScientificNotation(tt.s); got != tt.want {
				t.Errorf("ScientificNotation(%q) = %v, want %v", tt.s, got, tt.want)
			}
		})
	}
}
