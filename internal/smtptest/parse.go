package smtptest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Parsed is a received message split into the parts tests check.
type Parsed struct {
	Header      mail.Header
	Subject     string // decoded
	Text        string
	HTML        string
	Attachments []Attachment
}

// Attachment is an attached file of a received message.
type Attachment struct {
	Name        string
	ContentType string
	Data        []byte
}

// Parse reads the MIME structure of a message: its plain-text and HTML
// parts, at any depth of multipart nesting, and its attachments.
func (e *Envelope) Parse() (*Parsed, error) {
	m, err := mail.ReadMessage(bytes.NewReader(e.Data))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return nil, fmt.Errorf("decode subject: %w", err)
	}
	p := &Parsed{Header: m.Header, Subject: subject}
	if err := p.walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), "", m.Body); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Parsed) walk(contentType, encoding, disposition string, body io.Reader) error {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}

	if strings.HasPrefix(mediaType, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			part, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("read part: %w", err)
			}
			h := part.Header
			if err := p.walk(h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), h.Get("Content-Disposition"), part); err != nil {
				return err
			}
		}
	}

	data, err := decodeBody(encoding, body)
	if err != nil {
		return err
	}
	if disp, dparams, err := mime.ParseMediaType(disposition); err == nil && disp == "attachment" {
		p.Attachments = append(p.Attachments, Attachment{Name: dparams["filename"], ContentType: mediaType, Data: data})
		return nil
	}
	switch mediaType {
	case "text/plain":
		p.Text = string(data)
	case "text/html":
		p.HTML = string(data)
	}
	return nil
}

func decodeBody(encoding string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &lineJoiner{r: body})
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, fmt.Errorf("decode %s body: %w", encoding, err)
	}
	return data, nil
}

// lineJoiner drops CR and LF, which split base64 bodies into lines.
type lineJoiner struct{ r io.Reader }

func (l *lineJoiner) Read(b []byte) (int, error) {
	n, err := l.r.Read(b)
	out := b[:0]
	for _, c := range b[:n] {
		if c != '\r' && c != '\n' {
			out = append(out, c)
		}
	}
	return len(out), err
}
