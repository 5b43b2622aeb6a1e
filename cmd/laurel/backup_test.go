package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/laurel-badges/laurel/internal/store/storetest"
	"github.com/laurel-badges/laurel/issuer"
)

// TestBackupRestoreServe issues and revokes badges and backs the store up
// while a server runs on it. It restores the backup into a new data folder
// and serves that. The credential and the status list must verify against
// the restored DID document, and the list must show the revocation.
func TestBackupRestoreServe(t *testing.T) {
	dir := t.TempDir()
	urls, _ := demoCredentials(t, dir)
	revokedID, keptID := filepath.Base(urls[0]), filepath.Base(urls[1])
	if code, out, errOut := laurel(t, dir, "revoke", revokedID, "--reason", "issued by mistake"); code != exitOK {
		t.Fatalf("revoke: exit %d\n%s%s", code, out, errOut)
	}
	startServer(t, dir)

	backup := filepath.Join(t.TempDir(), "laurel-backup.db")
	code, out, errOut := laurel(t, dir, "backup", backup)
	if code != exitOK || !strings.Contains(out, "Back up "+filepath.Join(dir, "master.key")+" separately") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := laurel(t, dir, "backup", backup); code != exitError || !strings.Contains(errOut, "exists already") {
		t.Errorf("backup over an existing file: exit %d\n%s", code, errOut)
	}

	restored := filepath.Join(t.TempDir(), "restored")
	code, out, errOut = laurel(t, restored, "restore", "--master-key", filepath.Join(dir, "master.key"), backup)
	if code != exitOK || !strings.Contains(out, "The master key decrypts the active signing key") {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}

	base := startServer(t, restored)
	didDoc := fetch(t, base+"/.well-known/did.json", "", "", "json")
	set := didKeys(t, didDoc)

	credential := fetch(t, base+"/credentials/"+keptID, "application/vc+jwt", "", "text/plain")
	payload, err := jws.Verify([]byte(credential), jws.WithKeySet(set, jws.WithInferAlgorithmFromKey(true)))
	if err != nil {
		t.Fatalf("the restored credential does not verify against the restored DID document: %v", err)
	}
	verifyWithNode(t, base, []string{credential})

	bits := verifiedStatusBits(t, base, payload, set)
	revokedIndex := statusIndexOf(t, base, revokedID)
	if !bits.Get(revokedIndex) {
		t.Error("the restored status list does not show the revocation made before the backup")
	}
	if kept := statusIndexOf(t, base, keptID); bits.Get(kept) {
		t.Error("the restored status list shows an active credential revoked")
	}
}

func TestRestoreRejects(t *testing.T) {
	dir := t.TempDir()
	demoCredentials(t, dir)
	backup := filepath.Join(t.TempDir(), "b.db")
	if code, out, errOut := laurel(t, dir, "backup", backup); code != exitOK {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	wrongKey := filepath.Join(t.TempDir(), "wrong.key")
	if err := os.WriteFile(wrongKey, []byte(strings.Repeat("ab", 32)), 0o600); err != nil {
		t.Fatal(err)
	}
	notBackup := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(notBackup, []byte("not a database"), 0o600); err != nil {
		t.Fatal(err)
	}
	masterKey := filepath.Join(dir, "master.key")

	tests := []struct {
		name     string
		dataDir  string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"non-empty folder", dir, []string{"restore", "--master-key", masterKey, backup}, exitError, "is not empty"},
		{"no master key", filepath.Join(t.TempDir(), "a"), []string{"restore", backup}, exitUsage, "--master-key FILE"},
		{"wrong master key", filepath.Join(t.TempDir(), "b"), []string{"restore", "--master-key", wrongKey, backup}, exitError, "the master key does not open"},
		{"not a backup", filepath.Join(t.TempDir(), "c"), []string{"restore", "--master-key", masterKey, notBackup}, exitError, "restored database"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurel(t, tt.dataDir, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Fatalf("exit %d, want %d; stderr does not contain %q:\n%s%s", code, tt.wantCode, tt.wantErr, out, errOut)
			}
			if strings.Contains(out+errOut, "secret") {
				t.Error("the output shows the database password")
			}
			if tt.dataDir == dir {
				return
			}
			if entries, err := os.ReadDir(tt.dataDir); err == nil && len(entries) > 0 {
				t.Errorf("a failed restore left %d files in %s", len(entries), tt.dataDir)
			}
		})
	}
}

// verifiedStatusBits fetches the status list of the credential whose
// verified JWS payload is payload from the server at base, verifies its
// signature against set, and returns its decoded bits.
func verifiedStatusBits(t *testing.T, base string, payload []byte, set jwk.Set) issuer.Bitstring {
	t.Helper()
	var doc struct {
		CredentialStatus struct {
			StatusListCredential string `json:"statusListCredential"`
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal(payload, &doc); err != nil {
		t.Fatal(err)
	}
	listPath := doc.CredentialStatus.StatusListCredential[strings.Index(doc.CredentialStatus.StatusListCredential, "/status/"):]
	list := fetch(t, base+listPath, "application/vc+jwt", "", "text/plain")
	listPayload, err := jws.Verify([]byte(list), jws.WithKeySet(set, jws.WithInferAlgorithmFromKey(true)))
	if err != nil {
		t.Fatalf("the restored status list does not verify against the restored DID document: %v", err)
	}

	return decodeListPayload(t, listPayload)
}

// didKeys returns the publicKeyJwk of every verification method of a DID
// document as a JWK Set.
func didKeys(t *testing.T, didDoc string) jwk.Set {
	t.Helper()
	var doc struct {
		VerificationMethod []struct {
			PublicKeyJWK json.RawMessage `json:"publicKeyJwk"`
		} `json:"verificationMethod"`
	}
	if err := json.Unmarshal([]byte(didDoc), &doc); err != nil {
		t.Fatal(err)
	}
	set := jwk.NewSet()
	for _, vm := range doc.VerificationMethod {
		key, err := jwk.ParseKey(vm.PublicKeyJWK)
		if err != nil {
			t.Fatal(err)
		}
		if err := set.AddKey(key); err != nil {
			t.Fatal(err)
		}
	}
	if set.Len() == 0 {
		t.Fatal("the DID document has no keys")
	}
	return set
}

func decodeListPayload(t *testing.T, payload []byte) issuer.Bitstring {
	t.Helper()
	var list struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(payload, &list); err != nil {
		t.Fatal(err)
	}
	bits, err := issuer.DecodeBitstring(list.CredentialSubject.EncodedList)
	if err != nil {
		t.Fatal(err)
	}
	if bits.Len() < issuer.MinStatusListSize {
		t.Fatalf("the status list has %d entries, want at least %d", bits.Len(), issuer.MinStatusListSize)
	}
	return bits
}

// statusIndexOf fetches a credential's JSON and returns its status index.
func statusIndexOf(t *testing.T, base, id string) int {
	t.Helper()
	var doc struct {
		CredentialStatus struct {
			StatusListIndex string `json:"statusListIndex"`
		} `json:"credentialStatus"`
	}
	if err := json.Unmarshal([]byte(fetch(t, base+"/credentials/"+id, "application/json", "", "application/json")), &doc); err != nil {
		t.Fatal(err)
	}
	index, err := strconv.Atoi(doc.CredentialStatus.StatusListIndex)
	if err != nil {
		t.Fatalf("statusListIndex %q: %v", doc.CredentialStatus.StatusListIndex, err)
	}
	return index
}

// TestBackupFileIsPrivate checks that a backup, which holds every
// student's personal data and the encrypted signing keys, is readable by
// its owner only, under the common umask 022 that makes new files 0644.
func TestBackupFileIsPrivate(t *testing.T) {
	databases := []struct {
		name string
		url  func(testing.TB) string
	}{
		{"sqlite", func(testing.TB) string { return "" }},
		{"postgres", storetest.PostgresDatabase},
	}
	old := syscall.Umask(0o022)
	t.Cleanup(func() { syscall.Umask(old) })

	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			dir, databaseURL := t.TempDir(), db.url(t)
			if code, out, errOut := laurelOn(t, dir, databaseURL, "demo"); code != exitOK {
				t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
			}
			backup := filepath.Join(t.TempDir(), "laurel.backup")
			if code, out, errOut := laurelOn(t, dir, databaseURL, "backup", backup); code != exitOK {
				t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
			}

			info, err := os.Stat(backup)
			if err != nil {
				t.Fatal(err)
			}
			if mode := info.Mode().Perm(); mode != 0o600 {
				t.Errorf("backup mode = %#o, want 0600", mode)
			}
			if info.Size() == 0 {
				t.Error("backup is empty")
			}
		})
	}
}
