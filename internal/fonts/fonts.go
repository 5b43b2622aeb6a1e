// Package fonts loads the chain of TrueType fonts that certificates and
// badge renderings draw text with. No single free font covers Latin,
// Arabic, Chinese, Japanese and Korean, so each character is drawn with
// the first font of the chain that has a glyph for it.
//
// The fonts come from Debian packages, not from this repository:
// fonts-dejavu-core, fonts-noto-core, fonts-droid-fallback and
// fonts-nanum. Only TrueType (glyf) outlines work: the PDF writer cannot
// embed CFF (OpenType "OTTO") fonts.
package fonts

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/image/font/sfnt"
)

// EnvDir is the environment variable that names the font folder.
const EnvDir = "LAUREL_FONT_DIR"

// DefaultDir is the folder where Debian installs TrueType fonts.
const DefaultDir = "/usr/share/fonts/truetype"

// ErrMissing reports a font file of the chain that is not installed.
var ErrMissing = errors.New("font missing")

// file is one font of a chain: its path under the font folder and the
// Debian package that installs it.
type file struct {
	path, pkg string
}

// The chains, in order of preference. DejaVu Sans covers Latin, Greek,
// Cyrillic and the Arabic presentation forms; Noto Naskh Arabic covers
// the rest of Arabic; Droid Sans Fallback covers Chinese and Japanese;
// Nanum Gothic covers Hangul, which Droid Sans Fallback lacks.
var (
	regularFiles = []file{
		{"dejavu/DejaVuSans.ttf", "fonts-dejavu-core"},
		{"noto/NotoNaskhArabic-Regular.ttf", "fonts-noto-core"},
		{"droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback"},
		{"nanum/NanumGothic.ttf", "fonts-nanum"},
	}
	boldFiles = []file{
		{"dejavu/DejaVuSans-Bold.ttf", "fonts-dejavu-core"},
		{"noto/NotoNaskhArabic-Bold.ttf", "fonts-noto-core"},
		{"droid/DroidSansFallbackFull.ttf", "fonts-droid-fallback"},
		{"nanum/NanumGothicBold.ttf", "fonts-nanum"},
	}
)

// Face is one loaded TrueType font.
type Face struct {
	Name string // file name, such as DejaVuSans.ttf
	Data []byte // the whole font file
	Font *sfnt.Font
}

// Chain holds the regular and the bold fonts, each in order of preference.
type Chain struct {
	Regular, Bold []*Face
}

// Dir returns the font folder: $LAUREL_FONT_DIR when set, else DefaultDir.
func Dir() string {
	if dir := os.Getenv(EnvDir); dir != "" {
		return dir
	}
	return DefaultDir
}

// Load reads every font of the chain from dir. A font is found at its
// path under dir (dejavu/DejaVuSans.ttf) or directly in dir. Errors name
// the missing file and the Debian package that installs it.
func Load(dir string) (*Chain, error) {
	regular, err := loadFaces(dir, regularFiles)
	if err != nil {
		return nil, err
	}
	bold, err := loadFaces(dir, boldFiles)
	if err != nil {
		return nil, err
	}
	return &Chain{Regular: regular, Bold: bold}, nil
}

func loadFaces(dir string, files []file) ([]*Face, error) {
	faces := make([]*Face, len(files))
	for i, f := range files {
		face, err := loadFace(dir, f)
		if err != nil {
			return nil, err
		}
		faces[i] = face
	}
	return faces, nil
}

func loadFace(dir string, f file) (*Face, error) {
	name := filepath.Base(f.path)
	data, err := os.ReadFile(filepath.Join(dir, f.path))
	if errors.Is(err, os.ErrNotExist) {
		data, err = os.ReadFile(filepath.Join(dir, name))
	}
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s not found in %s; install the Debian package %s or set %s to a folder that contains it", ErrMissing, name, dir, f.pkg, EnvDir)
	}
	if err != nil {
		return nil, fmt.Errorf("read font %s: %w", name, err)
	}

	if !bytes.HasPrefix(data, []byte{0, 1, 0, 0}) && !bytes.HasPrefix(data, []byte("true")) {
		return nil, fmt.Errorf("font %s in %s has no TrueType outlines; use the TrueType (glyf) file from the Debian package %s", name, dir, f.pkg)
	}
	font, err := sfnt.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("parse font %s: %w", name, err)
	}
	return &Face{Name: name, Data: data, Font: font}, nil
}

// Has reports whether the face has a glyph for r.
func (f *Face) Has(r rune) bool {
	var b sfnt.Buffer
	g, err := f.Font.GlyphIndex(&b, r)
	return err == nil && g != 0
}

// Pick returns the index of the first face that has a glyph for r, or -1
// when none has one.
func Pick(faces []*Face, r rune) int {
	for i, f := range faces {
		if f.Has(r) {
			return i
		}
	}
	return -1
}

// Missing returns the characters of s, once each, for which no face has a
// glyph. Spaces and control characters need none.
func Missing(faces []*Face, s string) []rune {
	var missing []rune
	seen := map[rune]bool{}
	for _, r := range s {
		if r <= ' ' || seen[r] {
			continue
		}
		seen[r] = true
		if Pick(faces, r) < 0 {
			missing = append(missing, r)
		}
	}
	return missing
}
