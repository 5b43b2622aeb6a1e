package web

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/template"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// archiveReadme explains the files of a student's archive to someone who
// may open it years later, after the student has graduated.
var archiveReadme = template.Must(template.New("README").Parse(`Open Badges earned by {{.Name}}
Issued by {{.Issuer}} ({{.Base}})
Archive made on {{.Made}}

Each folder holds one badge:

  credential.jwt    the signed credential: an Open Badges 3.0
                    OpenBadgeCredential as a compact JWS (VC-JWT)
  credential.json   the same credential, decoded, for reading
  badge.png         the badge image with the credential baked in (an iTXt
                    chunk "openbadgecredential")
  badge.svg         the same for a badge whose image is an SVG drawing, with
                    the credential in an <openbadges:credential> element
  certificate.pdf   a printable certificate; the file credential.jwt is
                    attached to it

How to verify online
  Open the credential's URL, printed in credential.json as "id" and on
  the certificate, or upload credential.jwt, badge.png or badge.svg to
  {{.Base}}/verify. Any Open Badges 3.0 verifier accepts the same files.
  The issuer's page shows whether a credential was revoked.

How to verify offline
  credential.jwt is signed with the issuer's key. The public keys are
  published at {{.Base}}/.well-known/jwks.json and, as a did:web
  document, at {{.Base}}/.well-known/did.json. Keep a copy of those two
  files with this archive: any JOSE library then checks the signature
  without the issuer's server (the "kid" in the token's header names the
  key). Revocation can only be checked online, against the status list
  named in the credential's "credentialStatus".
`))

// archiveFiles are the files of one badge in the archive, in order;
// badge.svg only for a badge whose image is an SVG.
var archiveFiles = []artefactKind{kindBadgePNG, kindBadgeSVG, kindCertificate}

// writeStudentArchive writes a ZIP of everything the student earned: for
// each award the JWS, the JSON, the baked image and the certificate, and
// a README on how to verify them. Revoked awards are left out, because
// the student no longer holds them.
func (s *Server) writeStudentArchive(ctx context.Context, w io.Writer, st *issuer.Student) error {
	badges, err := s.Service.StudentBadges(ctx, st)
	if err != nil {
		return err
	}
	profile, err := s.Service.Profile(ctx)
	if err != nil && !errors.Is(err, issuer.ErrNotFound) {
		return err
	}

	zw := zip.NewWriter(w)
	issuerName := ""
	if profile != nil {
		issuerName = profile.Name
	}
	var readme bytes.Buffer
	err = archiveReadme.Execute(&readme, map[string]string{
		"Name": st.Name, "Issuer": issuerName, "Base": s.Service.URLs.Base,
		"Made": time.Now().UTC().Format("2 January 2006"),
	})
	if err != nil {
		return fmt.Errorf("write archive README: %w", err)
	}
	if err := addZipFile(zw, "README.txt", readme.Bytes()); err != nil {
		return err
	}

	for i, b := range badges {
		if b.Award.Credential.Status == issuer.CredentialRevoked {
			continue
		}
		folder := fmt.Sprintf("%02d-%s-%s/", i+1, fileSafe(b.Achievement.Code), b.Award.IssuedAt.UTC().Format(time.DateOnly))
		if err := s.addBadgeFiles(ctx, zw, folder, b); err != nil {
			return err
		}
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("finish archive: %w", err)
	}
	return nil
}

// addBadgeFiles adds the files of one award under folder.
func (s *Server) addBadgeFiles(ctx context.Context, zw *zip.Writer, folder string, b *issuer.StudentBadge) error {
	c := b.Award.Credential
	if err := addZipFile(zw, folder+"credential.jwt", []byte(c.JWS)); err != nil {
		return err
	}
	if err := addZipFile(zw, folder+"credential.json", c.Document); err != nil {
		return err
	}

	isSVG := b.Achievement.Image.ContentType == "image/svg+xml"
	for _, kind := range archiveFiles {
		if kind == kindBadgeSVG && !isSVG {
			continue
		}
		data, _, err := s.artefactBytes(ctx, kind, b.Award, b.Achievement, "")
		var reqErr *requestError
		if kind == kindBadgePNG && isSVG && errors.As(err, &reqErr) && reqErr.status == http.StatusNotFound {
			// An SVG stored before uploads were checked may not draw as
			// PNG; badge.svg carries the credential then.
			continue
		}
		if err != nil {
			return fmt.Errorf("make %s of credential %s: %w", kind, c.ID, err)
		}
		if err := addZipFile(zw, folder+string(kind), data); err != nil {
			return err
		}
	}
	return nil
}

func addZipFile(zw *zip.Writer, name string, data []byte) error {
	f, err := zw.Create(name)
	if err != nil {
		return fmt.Errorf("add %s to archive: %w", name, err)
	}
	if _, err := f.Write(data); err != nil {
		return fmt.Errorf("add %s to archive: %w", name, err)
	}
	return nil
}

// fileSafe keeps letters, digits, dots, dashes and underscores, so that an
// achievement code makes a folder name on every system.
func fileSafe(s string) string {
	safe := strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			return r
		}
		return '_'
	}, s)
	return strings.Trim(safe, ".")
}
