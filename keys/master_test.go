package keys

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// testMasterKey returns 32 fixed bytes, some of them not printable.
func testMasterKey(tb testing.TB) []byte {
	tb.Helper()
	key := make([]byte, MasterKeySize)
	for i := range key {
		key[i] = byte(i * 7)
	}
	return key
}

func writeFile(tb testing.TB, dir, name string, data []byte) string {
	tb.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

func TestLoadMasterKeyFromFile(t *testing.T) {
	key := testMasterKey(t)
	tests := []struct {
		name string
		data []byte
	}{
		{"hex with newline", []byte(hex.EncodeToString(key) + "\n")},
		{"upper-case hex", []byte(strings.ToUpper(hex.EncodeToString(key)))},
		{"base64 std", []byte(base64.StdEncoding.EncodeToString(key) + "\n")},
		{"base64 raw url", []byte(base64.RawURLEncoding.EncodeToString(key))},
		{"raw bytes", key},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "key", tt.data)

			got, generated, err := LoadMasterKey(path, t.TempDir())
			if err != nil {
				t.Fatalf("LoadMasterKey: %v", err)
			}
			if generated {
				t.Error("generated = true for a configured file")
			}
			if !bytes.Equal(got, key) {
				t.Errorf("key = %x, want %x", got, key)
			}
		})
	}
}

func TestLoadMasterKeyRejectsBadFile(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"short hex", []byte(hex.EncodeToString(make([]byte, 16)))},
		{"passphrase of 32 characters", []byte("correct horse battery staple 123")},
		{"base64 of 16 bytes", []byte(base64.StdEncoding.EncodeToString(make([]byte, 16)))},
		{"hex with bad digit", []byte(strings.Repeat("g", 64))},
		{"33 raw bytes", append(testMasterKey(t), 0)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeFile(t, t.TempDir(), "key", tt.data)

			_, _, err := LoadMasterKey(path, "")
			if err == nil {
				t.Fatal("LoadMasterKey accepted a bad key file")
			}
			for _, want := range []string{path, "64 hex digits", "base64", "32 raw bytes"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not mention %q", err, want)
				}
			}
		})
	}
}

func TestLoadMasterKeyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "absent.key")

	_, _, err := LoadMasterKey(path, t.TempDir())
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("error = %v, want one naming %s", err, path)
	}
}

func TestLoadMasterKeyNothingConfigured(t *testing.T) {
	if _, _, err := LoadMasterKey("", ""); err == nil {
		t.Error("LoadMasterKey with no file and no data folder returned no error")
	}
}

func TestLoadMasterKeyGeneratesOnce(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")

	first, generated, err := LoadMasterKey("", dir)
	if err != nil {
		t.Fatalf("first LoadMasterKey: %v", err)
	}
	if !generated {
		t.Error("first call: generated = false, want true")
	}
	if len(first) != MasterKeySize {
		t.Errorf("key has %d bytes, want %d", len(first), MasterKeySize)
	}

	info, err := os.Stat(filepath.Join(dir, MasterKeyFileName))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("master.key mode = %o, want 600", perm)
	}

	second, generated, err := LoadMasterKey("", dir)
	if err != nil {
		t.Fatalf("second LoadMasterKey: %v", err)
	}
	if generated {
		t.Error("second call: generated = true, want false")
	}
	if !bytes.Equal(first, second) {
		t.Error("second call returned another key")
	}
}

func TestLoadMasterKeyConcurrentCreate(t *testing.T) {
	dir := t.TempDir()
	const n = 16

	var wg sync.WaitGroup
	keys := make([][]byte, n)
	generated := make([]bool, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			keys[i], generated[i], errs[i] = LoadMasterKey("", dir)
		}()
	}
	wg.Wait()

	winners := 0
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("goroutine %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Errorf("goroutine %d got another key", i)
		}
		if generated[i] {
			winners++
		}
	}
	if winners != 1 {
		t.Errorf("%d callers report a generated key, want 1", winners)
	}

	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != MasterKeyFileName {
		t.Errorf("data folder holds %v, want only %s", entries, MasterKeyFileName)
	}
}
