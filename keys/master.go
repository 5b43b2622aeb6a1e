package keys

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// MasterKeySize is the length in bytes of the master key (AES-256).
const MasterKeySize = 32

// MasterKeyFileName is the name of the master key file created in the data
// folder when no key file is configured.
const MasterKeyFileName = "master.key"

// LoadMasterKey returns the 32-byte master key that encrypts signing keys at
// rest.
//
// When file is not empty, the key is read from it as 64 hex digits, base64
// (standard or URL alphabet, padded or not) or exactly 32 raw bytes;
// surrounding white space is ignored for the text forms. Otherwise the key is
// read from <dataDir>/master.key, which is created with mode 0600 holding a
// new random key in hex when it does not exist; generated is then true, and
// the caller should warn that the file must be backed up, because every
// signing key is lost without it. Two processes that start at once agree on
// one key: the file is written under a temporary name and linked into place,
// and the process whose link fails reads the winner's file.
func LoadMasterKey(file, dataDir string) (key []byte, generated bool, err error) {
	if file != "" {
		key, err = readMasterKey(file)
		return key, false, err
	}
	if dataDir == "" {
		return nil, false, errors.New("load master key: neither a master key file nor a data folder is configured")
	}

	path := filepath.Join(dataDir, MasterKeyFileName)
	key, err = readMasterKey(path)
	if err == nil {
		return key, false, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, false, err
	}

	created, err := createMasterKey(path)
	if err != nil {
		return nil, false, err
	}

	key, err = readMasterKey(path)
	if err != nil {
		return nil, false, err
	}
	return key, created, nil
}

// readMasterKey reads and decodes the key file at path.
func readMasterKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read master key: %w", err)
	}

	key, ok := decodeMasterKey(data)
	if !ok {
		return nil, fmt.Errorf("read master key %s: the %d bytes in it are not a 32-byte key in any accepted form; write 64 hex digits (for example the output of `openssl rand -hex 32`), base64 of 32 bytes, or exactly 32 raw bytes", path, len(data))
	}
	return key, nil
}

// decodeMasterKey accepts 32 raw bytes, 64 hex digits or base64 of 32 bytes.
// A 32-byte file of printable ASCII is rejected rather than taken as raw
// bytes: it is almost surely a passphrase or a 16-byte key in hex, while 32
// random bytes are all printable with a probability of about 1e-14.
func decodeMasterKey(data []byte) ([]byte, bool) {
	if len(data) == MasterKeySize {
		if isPrintableASCII(data) {
			return nil, false
		}
		return bytes.Clone(data), true
	}

	text := string(bytes.TrimSpace(data))
	if len(text) == 2*MasterKeySize {
		if key, err := hex.DecodeString(text); err == nil {
			return key, true
		}
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		key, err := enc.DecodeString(text)
		if err == nil && len(key) == MasterKeySize {
			return key, true
		}
	}
	return nil, false
}

func isPrintableASCII(data []byte) bool {
	for _, b := range data {
		if b < 0x20 || b > 0x7e {
			return false
		}
	}
	return true
}

// createMasterKey writes a new random key to path unless a file already
// exists there. It returns false when another process created it first.
func createMasterKey(path string) (bool, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, fmt.Errorf("create master key: %w", err)
	}

	tmp, err := os.CreateTemp(dir, MasterKeyFileName+".tmp-*")
	if err != nil {
		return false, fmt.Errorf("create master key: %w", err)
	}
	defer os.Remove(tmp.Name())

	if err := writeNewKey(tmp); err != nil {
		return false, fmt.Errorf("create master key %s: %w", tmp.Name(), err)
	}

	// Link fails when path exists, so the complete file appears at once and
	// at most one process wins.
	err = os.Link(tmp.Name(), path)
	if errors.Is(err, fs.ErrExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("create master key %s: %w", path, err)
	}
	return true, nil
}

// writeNewKey writes a random key in hex to f with mode 0600, syncs and
// closes it.
func writeNewKey(f *os.File) error {
	key := make([]byte, MasterKeySize)
	rand.Read(key)

	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
