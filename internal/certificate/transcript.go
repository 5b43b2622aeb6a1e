package certificate

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"github.com/laurel-badges/laurel/internal/artefact"
	"github.com/laurel-badges/laurel/internal/fonts"
)

// Transcript is the content of a student's Non-Academic Transcript: every
// award, grouped by badge.
type Transcript struct {
	Institution   string
	Logo          []byte // PNG or JPEG image of the institution; optional
	Student       string
	OtherNames    []string // the student's name in other scripts
	StudentNumber string
	Programme     string
	Groups        []TranscriptGroup
	Link          string    // public page that lists and checks every credential, also in the QR code
	Made          time.Time // printed as the transcript's date and used as the PDF creation date
}

// TranscriptGroup is one badge with every award of it.
type TranscriptGroup struct {
	Badge       string
	Description string
	Image       []byte // PNG or JPEG image of the badge; optional
	Awards      []TranscriptAward
}

// TranscriptAward is one credential of a badge.
type TranscriptAward struct {
	Activity string
	Dates    string // activity dates, such as "1 – 8 March 2025"
	IssuedOn string
	Status   string // "Active", "Revoked" or "Expired"
	URL      string // the credential's URL
}

// Layout of A4 portrait pages, in millimetres.
const (
	portraitWidth  = 210.0
	portraitHeight = 297.0
	bottomLimit    = portraitHeight - 22
)

// WriteTranscript writes the transcript as an A4 portrait PDF of as many
// pages as the awards need.
func WriteTranscript(w io.Writer, chain *fonts.Chain, tr *Transcript) error {
	if tr.Student == "" || tr.Link == "" {
		return fmt.Errorf("%w: the student's name and the transcript link are required", ErrInput)
	}
	qr, err := artefact.NewQR(tr.Link)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrInput, err)
	}

	pdf := newDocument(tr.Made)
	pdf.SetTitle("Non-Academic Transcript – "+tr.Student, true)
	pdf.SetAuthor(tr.Institution, true)
	pdf.SetSubject("Open Badges earned by "+tr.Student+"; check them all at "+tr.Link, true)
	t := newTextWriter(pdf, chain)
	tw := &transcriptWriter{pdf: pdf, t: t, tr: tr}

	tw.newPage()
	tw.drawIntro(qr)
	for i, g := range tr.Groups {
		tw.drawGroup(i, g)
	}
	if len(tr.Groups) == 0 {
		t.setFont(false, 11)
		t.draw(margin, tw.y+8, "No badges yet.")
	}

	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return fmt.Errorf("write transcript PDF: %w", err)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// transcriptWriter places the transcript's lines down the pages.
type transcriptWriter struct {
	pdf  *fpdf.Fpdf
	t    *textWriter
	tr   *Transcript
	y    float64 // baseline of the last line written
	page int
}

func (tw *transcriptWriter) newPage() {
	tw.pdf.AddPageFormat("P", fpdf.SizeType{Wd: portraitWidth, Ht: portraitHeight})
	tw.page++

	tw.pdf.SetTextColor(29, 78, 137)
	tw.t.setFont(true, 14)
	tw.t.draw(margin, 20, tw.tr.Institution)
	tw.pdf.SetTextColor(90, 90, 90)
	tw.t.setFont(false, 9)
	tw.t.draw(margin, 26, "Non-Academic Transcript · "+tw.tr.Student+" · Page "+strconv.Itoa(tw.page))
	tw.pdf.SetDrawColor(29, 78, 137)
	tw.pdf.SetLineWidth(0.4)
	tw.pdf.Line(margin, 29, portraitWidth-margin, 29)
	tw.y = 29
}

// need starts a new page when the next height millimetres do not fit.
func (tw *transcriptWriter) need(height float64) {
	if tw.y+height > bottomLimit {
		tw.newPage()
	}
}

func (tw *transcriptWriter) drawIntro(qr *artefact.QR) {
	const qrSize = 32.0
	if len(tw.tr.Logo) > 0 {
		drawImage(tw.pdf, "logo", tw.tr.Logo, portraitWidth-margin-qrSize-28, 34, 0, 16)
	}
	drawQR(tw.pdf, qr, portraitWidth-margin-qrSize, 33, qrSize)

	tw.pdf.SetTextColor(0, 0, 0)
	tw.t.setFont(true, 18)
	tw.y += 12
	tw.t.draw(margin, tw.y, tw.tr.Student)
	tw.t.setFont(false, 12)
	for _, name := range tw.tr.OtherNames {
		tw.y += 7
		tw.t.draw(margin, tw.y, name)
	}
	tw.pdf.SetTextColor(60, 60, 60)
	tw.t.setFont(false, 10)
	for _, line := range []string{joinNonEmpty(" · ", tw.tr.StudentNumber, tw.tr.Programme), "Issued on " + tw.tr.Made.UTC().Format("2 January 2006")} {
		if line != "" {
			tw.y += 6
			tw.t.draw(margin, tw.y, line)
		}
	}

	tw.t.setFont(false, 8)
	tw.y = max(tw.y, 33+qrSize) + 6
	intro := "Each badge below is an Open Badges 3.0 credential signed by the issuer. Scan the QR code or open " +
		tw.tr.Link + " to check all of them at once, or open the URL of each credential."
	for _, line := range tw.t.wrap(intro, portraitWidth-2*margin) {
		tw.y += 4
		tw.t.draw(margin, tw.y, line)
	}
	tw.y += 4
}

// badgeIconSize is the width and height of a badge image beside its
// name, in millimetres.
const badgeIconSize = 12.0

func (tw *transcriptWriter) drawGroup(index int, g TranscriptGroup) {
	tw.need(24)
	left := margin
	if len(g.Image) > 0 {
		drawImage(tw.pdf, "badge-"+strconv.Itoa(index), g.Image, margin, tw.y+4, badgeIconSize, badgeIconSize)
		left += badgeIconSize + 3
	}
	top := tw.y

	tw.pdf.SetTextColor(29, 78, 137)
	tw.t.setFont(true, 12)
	tw.y += 9
	tw.t.draw(left, tw.y, g.Badge)

	tw.pdf.SetTextColor(60, 60, 60)
	tw.t.setFont(false, 9)
	for _, line := range limitLines(tw.t.wrap(g.Description, portraitWidth-margin-left), 2) {
		tw.y += 4.5
		tw.t.draw(left, tw.y, line)
	}
	if len(g.Image) > 0 {
		// The awards start below the image.
		tw.y = max(tw.y, top+4+badgeIconSize-2)
	}
	for _, a := range g.Awards {
		tw.drawAward(a)
	}
}

func (tw *transcriptWriter) drawAward(a TranscriptAward) {
	tw.need(11)
	tw.pdf.SetTextColor(0, 0, 0)
	tw.t.setFont(false, 10)
	tw.y += 6
	line := joinNonEmpty(" · ", a.Activity, a.Dates, "issued "+a.IssuedOn)
	if a.Status != "" && a.Status != "Active" {
		line += " · " + a.Status
	}
	tw.t.draw(margin+4, tw.y, line)

	tw.pdf.SetTextColor(29, 78, 137)
	tw.t.setFont(false, 8)
	tw.y += 4
	tw.t.draw(margin+4, tw.y, a.URL)
}
