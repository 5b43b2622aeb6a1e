package artefact

import (
	"bytes"
	"fmt"
	"net/url"

	qrcode "github.com/skip2/go-qrcode"
)

// QRModulePixels is the size of one QR module in QRPNG images, in pixels.
const QRModulePixels = 8

// QR is a QR code of a URL with error correction level M (about 15 % of
// the symbol can be damaged) and a quiet zone of 4 modules on every side.
type QR struct {
	code *qrcode.QRCode
}

// NewQR encodes link, which must be an absolute http or https URL: a QR
// code of a credential holds its address, never the credential.
func NewQR(link string) (*QR, error) {
	u, err := url.Parse(link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("QR code content %q: want an absolute https URL", link)
	}
	code, err := qrcode.New(link, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("encode QR code: %w", err)
	}
	return &QR{code: code}, nil
}

// Modules returns the symbol with its quiet zone: modules[y][x] is true for
// a dark module.
func (q *QR) Modules() [][]bool { return q.code.Bitmap() }

// PNG returns the symbol as a PNG image with QRModulePixels pixels a module.
func (q *QR) PNG() ([]byte, error) {
	data, err := q.code.PNG(-QRModulePixels)
	if err != nil {
		return nil, fmt.Errorf("write QR code PNG: %w", err)
	}
	return data, nil
}

// SVG returns the symbol as an SVG image with one unit a module, drawn as
// one path of unit squares so that it scales without blurring.
func (q *QR) SVG() []byte {
	modules := q.Modules()
	n := len(modules)

	var b bytes.Buffer
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="%d" height="%d" shape-rendering="crispEdges">`, n, n, n*QRModulePixels, n*QRModulePixels)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#ffffff"/><path fill="#000000" d="`, n, n)
	for y, row := range modules {
		for x, dark := range row {
			if dark {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	b.WriteString(`"/></svg>`)
	return b.Bytes()
}
