package web

import (
	"archive/zip"
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/laurel-badges/laurel/verifier"
)

func TestStudentArchive(t *testing.T) {
	var srv *Server
	ts := newTestServer(t, withFonts(t), func(s *Server) { srv = s })
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	ctx := context.Background()
	students, err := ts.db.StudentsByNumber(ctx, []string{"S1001"})
	if err != nil {
		t.Fatal(err)
	}

	var b bytes.Buffer
	if err := srv.writeStudentArchive(ctx, &b, students["S1001"]); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		files[f.Name] = readZipFile(t, f)
	}

	folder := "01-IPC-" + award.IssuedAt.UTC().Format("2006-01-02") + "/"
	want := []string{"README.txt", folder + "credential.jwt", folder + "credential.json", folder + "badge.png", folder + "badge.svg", folder + "certificate.pdf"}
	if !slices.Equal(names, want) {
		t.Fatalf("archive holds %v, want %v", names, want)
	}
	if string(files[folder+"credential.jwt"]) != award.Credential.JWS {
		t.Error("credential.jwt differs from the credential's JWS")
	}
	if !bytes.Equal(files[folder+"credential.json"], award.Credential.Document) {
		t.Error("credential.json differs from the credential document")
	}
	if res := verifyBytes(t, ts, files[folder+"badge.png"]); res.Verdict != verifier.Valid {
		t.Errorf("badge.png: verdict %s, want valid", res.Verdict)
	}
	if !bytes.HasPrefix(files[folder+"certificate.pdf"], []byte("%PDF-")) {
		t.Error("certificate.pdf is not a PDF file")
	}
	readme := string(files["README.txt"])
	for _, want := range []string{"CHAN Tai Man", ts.URL + "/verify", ts.URL + "/.well-known/jwks.json", "offline"} {
		if !strings.Contains(readme, want) {
			t.Errorf("README lacks %q", want)
		}
	}
}

func TestStudentArchiveLeavesOutRevoked(t *testing.T) {
	var srv *Server
	ts := newTestServer(t, withFonts(t), func(s *Server) { srv = s })
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	ctx := context.Background()
	if _, err := ts.svc.Revoke(ctx, ts.admin.user, award.Credential.ID, "entered in error"); err != nil {
		t.Fatal(err)
	}
	students, err := ts.db.StudentsByNumber(ctx, []string{"S1001"})
	if err != nil {
		t.Fatal(err)
	}

	var b bytes.Buffer
	if err := srv.writeStudentArchive(ctx, &b, students["S1001"]); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	if len(zr.File) != 1 || zr.File[0].Name != "README.txt" {
		t.Errorf("archive of a student whose only badge was revoked holds %d files, want the README only", len(zr.File))
	}
}

func readZipFile(t testing.TB, f *zip.File) []byte {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
