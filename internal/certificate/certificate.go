// Package certificate writes PDF certificates of credentials and PDF
// transcripts of a student's awards. Text in any script is drawn with
// real glyphs from a font chain (package fonts), stays selectable, and
// Arabic is shaped and ordered right to left before drawing. A
// certificate carries the signed credential as an attached file, so it
// proves itself without the issuer's server.
package certificate

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/laurel-badges/laurel/internal/artefact"
	"github.com/laurel-badges/laurel/internal/fonts"
)

// AttachmentName is the file name of the compact JWS attached to a
// certificate.
const AttachmentName = "credential.jwt"

// Page size of A4 landscape, in millimetres.
const (
	pageWidth  = 297.0
	pageHeight = 210.0
	margin     = 15.0
)

// Certificate is the content of one certificate. The web server takes
// every text from the signed credential, so the certificate states what
// the credential states.
type Certificate struct {
	Institution   string
	Logo          []byte // PNG or JPEG image of the institution; optional
	BadgeImage    []byte // PNG or JPEG image of the badge; optional
	Recipient     string
	OtherNames    []string // the recipient's name in other scripts
	Achievement   string
	Description   string
	Activity      string
	ActivityDates string
	Unit          string // organising unit
	IssuedOn      string // such as "14 March 2025"
	ExpiresOn     string // empty when the credential never expires
	URL           string // the credential's URL, also in the QR code
	VerifyURL     string // a page that checks credentials; optional
	JWS           string // the compact JWS, attached as credential.jwt

	// IssuedAt is the PDF creation date, so that one credential always
	// gives the same bytes and its ETag stays stable.
	IssuedAt time.Time
}

// ErrInput reports a certificate that lacks a required field.
var ErrInput = errors.New("invalid certificate input")

// Write writes the certificate as a one-page A4 landscape PDF.
func Write(w io.Writer, chain *fonts.Chain, c *Certificate) error {
	if c.Recipient == "" || c.Achievement == "" || c.URL == "" || c.JWS == "" {
		return fmt.Errorf("%w: recipient, achievement, URL and JWS are required", ErrInput)
	}
	qr, err := artefact.NewQR(c.URL)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInput, err)
	}

	pdf := newDocument(c.IssuedAt)
	pdf.SetTitle(c.Achievement+" – "+c.Recipient, true)
	pdf.SetAuthor(c.Institution, true)
	pdf.SetSubject("Open Badges 3.0 credential "+c.URL, true)
	pdf.SetKeywords("Open Badges, verifiable credential", true)
	pdf.SetAttachments([]fpdf.Attachment{{
		Content: []byte(c.JWS), Filename: AttachmentName,
		Description: "Signed Open Badges 3.0 credential (compact JWS)",
	}})
	pdf.AddPage()

	t := newTextWriter(pdf, chain)
	drawFrame(pdf)
	drawHeader(pdf, t, c)
	drawBody(pdf, t, c)
	drawFooter(pdf, t, c, qr)

	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return fmt.Errorf("write certificate PDF: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// newDocument returns an A4 landscape document in millimetres whose dates
// are fixed, so that its bytes depend only on its content.
func newDocument(created time.Time) *fpdf.Fpdf {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetCreator("Laurel", true)
	pdf.SetProducer("Laurel", true)
	pdf.SetCreationDate(created.UTC())
	pdf.SetModificationDate(created.UTC())
	pdf.SetCatalogSort(true)
	pdf.SetCompression(true)
	return pdf
}

func drawFrame(pdf *fpdf.Fpdf) {
	pdf.SetDrawColor(29, 78, 137)
	pdf.SetLineWidth(1.2)
	pdf.Rect(8, 8, pageWidth-16, pageHeight-16, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(11, 11, pageWidth-22, pageHeight-22, "D")
}

// drawHeader writes the logo and the institution's name.
func drawHeader(pdf *fpdf.Fpdf, t *textWriter, c *Certificate) {
	if len(c.Logo) > 0 {
		drawImage(pdf, "logo", c.Logo, margin+3, margin+2, 0, 18)
	}
	pdf.SetTextColor(29, 78, 137)
	t.setFont(true, 18)
	t.drawCentered(pageWidth/2, 30, c.Institution)
	pdf.SetTextColor(90, 90, 90)
	t.setFont(false, 12)
	t.drawCentered(pageWidth/2, 40, "Certificate of Achievement")
}

// drawBody writes the badge image, the recipient and the achievement.
func drawBody(pdf *fpdf.Fpdf, t *textWriter, c *Certificate) {
	if len(c.BadgeImage) > 0 {
		drawImage(pdf, "badge", c.BadgeImage, margin+8, 62, 50, 50)
	}
	const centre = pageWidth/2 + 20
	const textWidth = 170.0

	pdf.SetTextColor(60, 60, 60)
	t.setFont(false, 12)
	t.drawCentered(centre, 58, "This certifies that")

	pdf.SetTextColor(0, 0, 0)
	t.setFont(true, 26)
	t.drawCentered(centre, 72, c.Recipient)
	y := 72.0
	t.setFont(false, 16)
	for _, name := range c.OtherNames {
		y += 9
		t.drawCentered(centre, y, name)
	}

	pdf.SetTextColor(60, 60, 60)
	t.setFont(false, 12)
	y += 11
	t.drawCentered(centre, y, "has earned the badge")
	pdf.SetTextColor(29, 78, 137)
	t.setFont(true, 20)
	y += 11
	t.drawCentered(centre, y, c.Achievement)

	pdf.SetTextColor(40, 40, 40)
	t.setFont(false, 11)
	y += 4
	for _, line := range limitLines(t.wrap(c.Description, textWidth), 3) {
		y += 6
		t.drawCentered(centre, y, line)
	}

	activity := joinNonEmpty(" · ", c.Activity, c.ActivityDates)
	if activity != "" {
		y += 9
		t.drawCentered(centre, y, "Activity: "+activity)
	}
	if c.Unit != "" {
		y += 6
		t.drawCentered(centre, y, "Organised by "+c.Unit)
	}
}

// drawFooter writes the dates, the URL, the QR code and how to verify.
func drawFooter(pdf *fpdf.Fpdf, t *textWriter, c *Certificate, qr *artefact.QR) {
	const qrSize = 34.0
	qrX, qrY := pageWidth-margin-6-qrSize, pageHeight-margin-6-qrSize
	drawQR(pdf, qr, qrX, qrY, qrSize)

	pdf.SetTextColor(40, 40, 40)
	t.setFont(false, 10)
	x, y := margin+8, pageHeight-margin-32.0
	t.draw(x, y, "Issued on "+c.IssuedOn)
	if c.ExpiresOn != "" {
		y += 5
		t.draw(x, y, "Valid until "+c.ExpiresOn)
	}
	y += 5
	t.draw(x, y, "Issued by "+c.Institution)
	y += 5
	t.draw(x, y, c.URL)

	pdf.SetTextColor(90, 90, 90)
	t.setFont(false, 8)
	y += 6
	how := "How to verify: scan the QR code or open the URL above"
	if c.VerifyURL != "" {
		how += ", or upload the attached " + AttachmentName + " at " + c.VerifyURL
	}
	for _, line := range t.wrap(how+".", qrX-x-6) {
		t.draw(x, y, line)
		y += 4
	}
}

// drawQR draws the QR code as filled squares, one for each dark module,
// with its quiet zone inside size.
func drawQR(pdf *fpdf.Fpdf, qr *artefact.QR, x, y, size float64) {
	modules := qr.Modules()
	unit := size / float64(len(modules))
	pdf.SetFillColor(255, 255, 255)
	pdf.Rect(x, y, size, size, "F")
	pdf.SetFillColor(0, 0, 0)
	for row, line := range modules {
		for col, dark := range line {
			if dark {
				pdf.Rect(x+float64(col)*unit, y+float64(row)*unit, unit, unit, "F")
			}
		}
	}
}

// drawImage places a PNG or JPEG image; a zero width or height keeps the
// image's aspect ratio. An image fpdf cannot read is left out rather than
// failing the whole document.
func drawImage(pdf *fpdf.Fpdf, name string, data []byte, x, y, w, h float64) {
	kind := imageType(data)
	if kind == "" {
		return
	}
	probe := fpdf.New("P", "mm", "A4", "")
	if probe.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: kind}, bytes.NewReader(data)); probe.Err() {
		return
	}
	pdf.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: kind}, bytes.NewReader(data))
	pdf.ImageOptions(name, x, y, w, h, false, fpdf.ImageOptions{ImageType: kind}, 0, "")
}

func imageType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "PNG"
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return "JPG"
	}
	return ""
}

func limitLines(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	lines = lines[:n]
	lines[n-1] += " …"
	return lines
}

func joinNonEmpty(sep string, parts ...string) string {
	var out string
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
