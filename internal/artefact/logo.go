package artefact

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"
)

// Limits of logo loading: a logo is a small image on the institution's
// web site, and a slow site must not hold up a certificate for long.
const (
	maxLogoBytes = 2 << 20
	logoTimeout  = 5 * time.Second
	logoTTL      = time.Hour
)

// LogoFetcher loads the issuer's logo over HTTP for certificates and keeps
// it for an hour, so that a certificate costs no request to the
// institution's site. Only PNG and JPEG images are accepted, because those
// are what PDF files embed.
type LogoFetcher struct {
	Client *http.Client // nil means a client with a 5-second timeout

	mu      sync.Mutex
	url     string
	data    []byte
	fetched time.Time
}

// Logo returns the image at url, from memory when it was loaded within
// the last hour.
func (f *LogoFetcher) Logo(ctx context.Context, url string) ([]byte, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.url == url && time.Since(f.fetched) < logoTTL {
		return f.data, nil
	}

	data, err := f.fetch(ctx, url)
	if err != nil {
		return nil, err
	}
	f.url, f.data, f.fetched = url, data, time.Now()
	return data, nil
}

func (f *LogoFetcher) fetch(ctx context.Context, url string) ([]byte, error) {
	client := f.Client
	if client == nil {
		client = &http.Client{Timeout: logoTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("logo URL %q: %w", url, err)
	}
	req.Header.Set("Accept", "image/png, image/jpeg")
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch logo: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch logo %s: status %d", url, resp.StatusCode)
	}

	data, err := io.ReadAll(io.LimitReader(resp.Body, maxLogoBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read logo %s: %w", url, err)
	}
	if len(data) > maxLogoBytes {
		return nil, fmt.Errorf("logo %s is larger than %d bytes; use a smaller PNG or JPEG image", url, maxLogoBytes)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) && !bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}) {
		return nil, fmt.Errorf("logo %s is neither PNG nor JPEG; certificates can only show those", url)
	}
	return data, nil
}
