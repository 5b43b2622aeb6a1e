package notify

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"regexp"
	texttemplate "text/template"

	"github.com/laurel-badges/laurel/internal/mail"
)

//go:embed templates/*.html templates/*.txt
var templateFS embed.FS

// Default colours when the issuer profile sets none. Both give white text a
// contrast ratio above 4.5:1 (WCAG 2.1 AA).
const (
	defaultColor  = "#1f3a5f"
	defaultAccent = "#0b6e4f"
)

// hexColor matches the #rrggbb colours the templates accept.
var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Branding is the institution's name, link, logo and colours in a message.
type Branding struct {
	Name    string
	URL     string
	LogoURL string
	Color   htmltemplate.CSS // main colour: header band and headings
	Accent  htmltemplate.CSS // links and buttons
}

// newBranding checks the colours, falling back to the defaults for an
// empty or malformed one, so that no text from the store reaches a style
// attribute unchecked.
func newBranding(name, url, logoURL, color, accent string) Branding {
	return Branding{Name: name, URL: url, LogoURL: logoURL, Color: cssColor(color, defaultColor), Accent: cssColor(accent, defaultAccent)}
}

func cssColor(c, fallback string) htmltemplate.CSS {
	if !hexColor.MatchString(c) {
		c = fallback
	}
	return htmltemplate.CSS(c) // checked above: # and six hex digits
}

// view is what every template receives.
type view struct {
	Subject string
	Brand   Branding
	Data    any
}

// templates holds the HTML and plain-text template of each message.
type templates struct {
	html map[string]*htmltemplate.Template
	text map[string]*texttemplate.Template
}

// messageNames are the messages, each with <name>.html and <name>.txt.
var messageNames = []string{"award", "summary", "copy", "revoked", "signin"}

func parseTemplates() (*templates, error) {
	t := &templates{html: map[string]*htmltemplate.Template{}, text: map[string]*texttemplate.Template{}}
	for _, name := range messageNames {
		h, err := htmltemplate.ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse %s.html: %w", name, err)
		}
		x, err := texttemplate.ParseFS(templateFS, "templates/"+name+".txt")
		if err != nil {
			return nil, fmt.Errorf("parse %s.txt: %w", name, err)
		}
		t.html[name], t.text[name] = h, x
	}
	return t, nil
}

// render fills both parts of a message from one view.
func (t *templates) render(name string, v view) (text, html string, err error) {
	var h, x bytes.Buffer
	if err := t.html[name].ExecuteTemplate(&h, "layout", v); err != nil {
		return "", "", fmt.Errorf("render %s.html: %w", name, err)
	}
	if err := t.text[name].Execute(&x, v); err != nil {
		return "", "", fmt.Errorf("render %s.txt: %w", name, err)
	}
	return x.String(), h.String(), nil
}

// message renders a message of kind to recipients.
func (t *templates) message(kind, name string, to []string, v view) (*mail.Message, error) {
	text, html, err := t.render(name, v)
	if err != nil {
		return nil, err
	}
	return &mail.Message{Kind: kind, To: to, Subject: v.Subject, Text: text, HTML: html}, nil
}
