package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lestrrat-go/jwx/v3/jws"

	"github.com/laurel-badges/laurel/internal/store/storetest"
)

// TestBackupRestorePostgres issues and revokes badges on PostgreSQL, backs
// the database up with pg_dump while a server runs on it, and restores the
// archive into a new empty database with the master key. A server on the
// restored database must serve the credentials and status list signed
// with the same keys, and the list must show the revocation.
func TestBackupRestorePostgres(t *testing.T) {
	source := storetest.PostgresDatabase(t)
	dir := t.TempDir()
	urls, _ := demoCredentialsOn(t, dir, source)
	revokedID, keptID := filepath.Base(urls[0]), filepath.Base(urls[1])
	if code, out, errOut := laurelOn(t, dir, source, "revoke", revokedID, "--reason", "issued by mistake"); code != exitOK {
		t.Fatalf("revoke: exit %d\n%s%s", code, out, errOut)
	}
	oldBase := startServerOn(t, dir, source)
	oldKeys := fetch(t, oldBase+"/.well-known/jwks.json", "", "", "json")
	oldCredential := fetch(t, oldBase+"/credentials/"+keptID, "application/vc+jwt", "", "text/plain")

	backup := filepath.Join(t.TempDir(), "laurel.pgdump")
	code, out, errOut := laurelOn(t, dir, source, "backup", backup)
	if code != exitOK || !strings.Contains(out, "pg_dump custom format") || !strings.Contains(out, "Back up "+filepath.Join(dir, "master.key")+" separately") {
		t.Fatalf("backup: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := laurelOn(t, dir, source, "backup", backup); code != exitError || !strings.Contains(errOut, "exists already") {
		t.Errorf("backup over an existing file: exit %d\n%s", code, errOut)
	}

	code, _, errOut = laurelOn(t, t.TempDir(), source, "restore", "--master-key", filepath.Join(dir, "master.key"), backup)
	if code != exitError || !strings.Contains(errOut, "is not empty (it contains public.") || !strings.Contains(errOut, "create an empty database") {
		t.Errorf("restore into the source database: exit %d\n%s", code, errOut)
	}

	target := storetest.PostgresDatabase(t)
	restored := filepath.Join(t.TempDir(), "restored")
	code, out, errOut = laurelOn(t, restored, target, "restore", "--master-key", filepath.Join(dir, "master.key"), backup)
	if code != exitOK || !strings.Contains(out, "The master key decrypts the active signing key") || !strings.Contains(out, "Copied the master key to "+filepath.Join(restored, "master.key")) {
		t.Fatalf("restore: exit %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := laurelOn(t, restored, target, "restore", backup); code != exitError || !strings.Contains(errOut, "is not empty") {
		t.Errorf("second restore into the same database: exit %d\n%s", code, errOut)
	}

	base := startServerOn(t, restored, target)
	if got := fetch(t, base+"/.well-known/jwks.json", "", "", "json"); got != oldKeys {
		t.Errorf("the restored JWK Set differs from the original:\n%s\nwant\n%s", got, oldKeys)
	}
	set := didKeys(t, fetch(t, base+"/.well-known/did.json", "", "", "json"))
	credential := fetch(t, base+"/credentials/"+keptID, "application/vc+jwt", "", "text/plain")
	if credential != oldCredential {
		t.Error("the restored server serves another JWS for the credential")
	}
	payload, err := jws.Verify([]byte(credential), jws.WithKeySet(set, jws.WithInferAlgorithmFromKey(true)))
	if err != nil {
		t.Fatalf("the restored credential does not verify against the restored DID document: %v", err)
	}
	verifyWithNode(t, base, []string{credential})

	bits := verifiedStatusBits(t, base, payload, set)
	if !bits.Get(statusIndexOf(t, base, revokedID)) {
		t.Error("the restored status list does not show the revocation made before the backup")
	}
	if bits.Get(statusIndexOf(t, base, keptID)) {
		t.Error("the restored status list shows an active credential revoked")
	}

	// The restored server signs new credentials with the restored key.
	if code, out, errOut := laurelOn(t, restored, target, "keys", "list"); code != exitOK || !strings.Contains(out, "active") {
		t.Errorf("keys list on the restored database: exit %d\n%s%s", code, out, errOut)
	}
}

// TestBackupPostgresRejects checks the errors that come before pg_dump or
// pg_restore runs: programs missing or of another major version, no master
// key, and no backup file. None of them may write a file or show the
// password.
func TestBackupPostgresRejects(t *testing.T) {
	database := storetest.PostgresURL(t)
	withPassword := strings.Replace(database, "postgres@", "postgres:s3cret@", 1)
	dir := t.TempDir()
	if code, out, errOut := laurelOn(t, dir, database, "migrate"); code != exitOK {
		t.Fatalf("migrate: exit %d\n%s%s", code, out, errOut)
	}

	wrongVersion := t.TempDir()
	for _, name := range []string{"pg_dump", "pg_restore"} {
		script := "#!/bin/sh\necho '" + name + " (PostgreSQL) 9999.1'\n"
		if err := os.WriteFile(filepath.Join(wrongVersion, name), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	empty := t.TempDir()
	masterKey := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(masterKey, []byte(strings.Repeat("ab", 32)), 0o600); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "laurel.pgdump")
	if err := os.WriteFile(backup, []byte("not read"), 0o600); err != nil {
		t.Fatal(err)
	}
	newBackup := filepath.Join(t.TempDir(), "new.pgdump")

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string
	}{
		{"backup with pg_dump missing", []string{"backup", "--pg-bin", empty, newBackup}, exitError,
			[]string{"no executable pg_dump in " + empty}},
		{"backup with another pg_dump version", []string{"backup", "--pg-bin", wrongVersion, newBackup}, exitError,
			[]string{"pg_dump is version 9999 but the server runs PostgreSQL", "--pg-bin"}},
		{"restore with another pg_restore version", []string{"restore", "--master-key", masterKey, "--pg-bin", wrongVersion, backup}, exitError,
			[]string{"pg_restore is version 9999"}},
		{"restore without master key", []string{"restore", "--data-dir", t.TempDir(), backup}, exitUsage,
			[]string{"--master-key FILE"}},
		{"restore without backup file", []string{"restore", "--master-key", masterKey, newBackup}, exitError,
			[]string{"read the backup", "no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := laurelOn(t, dir, withPassword, tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit %d, want %d\n%s%s", code, tt.wantCode, out, errOut)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(errOut, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, errOut)
				}
			}
			if strings.Contains(out+errOut, "s3cret") {
				t.Error("the output shows the database password")
			}
			if _, err := os.Stat(newBackup); err == nil {
				t.Errorf("%s was written", newBackup)
			}
		})
	}
}
