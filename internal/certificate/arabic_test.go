package certificate

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestShapeArabic(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		// lam initial, yeh medial, lam medial, alef maksura final
		{"joined word", "ليلى", "\uFEDF\uFEF4\uFEE0\uFEF0"},
		// alef does not join the letter after it, so hah starts a new join
		{"right-joining letter", "أحمد", "\uFE83\uFEA3\uFEE4\uFEAA"},
		{"lam alef ligature", "سلام", "\uFEB3\uFEFC\uFEE1"},
		{"isolated lam alef", "لا", "\uFEFB"},
		{"single letter", "ب", "\uFE8F"},
		{"mark keeps join", "بَب", "\uFE91\u064E\uFE90"},
		{"latin untouched", "Ėglė", "Ėglė"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shapeArabic(tt.in)
			if got != tt.want {
				t.Errorf("shapeArabic(%q) = %U, want %U", tt.in, []rune(got), []rune(tt.want))
			}
			if norm.NFKC.String(got) != norm.NFKC.String(tt.in) {
				t.Errorf("shaped %q does not normalize back to the input", tt.in)
			}
		})
	}
}

func TestVisualLine(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"arabic name", "ليلى أحمد", "\uFEAA\uFEE4\uFEA3\uFE83 \uFEF0\uFEE0\uFEF4\uFEDF"},
		{"arabic inside latin", "Awarded to ليلى on 3 May", "Awarded to \uFEF0\uFEE0\uFEF4\uFEDF on 3 May"},
		{"mark follows base", "بَب", "\uFE90\uFE91\u064E"},
		{"latin only", "Ėglė Šaltė", "Ėglė Šaltė"},
		{"cjk only", "陳大文", "陳大文"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := visualLine(tt.in); got != tt.want {
				t.Errorf("visualLine(%q) = %U, want %U", tt.in, []rune(got), []rune(tt.want))
			}
		})
	}
}

func FuzzVisualLine(f *testing.F) {
	for _, s := range []string{"ليلى أحمد", "Awarded to ليلى (x) on 3 May", "لا", "بَ", "陳大文"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		// Every character survives shaping and reordering in some form.
		got := visualLine(s)
		if len([]rune(got)) > len([]rune(s)) {
			t.Errorf("visualLine(%q) = %q has more characters than its input", s, got)
		}
	})
}
