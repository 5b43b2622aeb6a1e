package verifier

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// localTransport serves requests for the authorities in handlers by
// calling the handler in the same process, and sends every other request
// through next. A server that verifies its own credentials reaches its own
// documents this way without opening loopback or private addresses to
// fetches, and without depending on how its public host name resolves
// from inside its own network.
type localTransport struct {
	handlers map[string]http.Handler // authority (host[:port], lower case) → handler
	maxBytes int64
	next     http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (t *localTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	h, ok := t.handlers[urlAuthority(req.URL)]
	if !ok {
		return t.next.RoundTrip(req)
	}

	// The handler gets a context with the caller's cancellation and
	// deadline but none of its values. A router that verifies inside one
	// of its own requests would otherwise find that request's routing
	// state in the context and route this request by it.
	ctx, cancel := detachedContext(req.Context())
	defer cancel()
	in := req.Clone(ctx)
	in.RequestURI = req.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:0"
	in.Host = req.URL.Host
	in.Body = http.NoBody

	w := &bufferedResponse{header: http.Header{}, limit: t.maxBytes + 1}
	h.ServeHTTP(w, in)
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return &http.Response{
		Status:        fmt.Sprintf("%d %s", w.status, http.StatusText(w.status)),
		StatusCode:    w.status,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        w.header,
		Body:          io.NopCloser(bytes.NewReader(w.body.Bytes())),
		ContentLength: int64(w.body.Len()),
		Request:       req,
	}, nil
}

// detachedContext returns a context without the values of parent that is
// cancelled with parent and has its deadline.
func detachedContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	cancelDeadline := context.CancelFunc(func() {})
	if deadline, ok := parent.Deadline(); ok {
		ctx, cancelDeadline = context.WithDeadline(ctx, deadline)
	}
	stop := context.AfterFunc(parent, cancel)
	return ctx, func() {
		stop()
		cancelDeadline()
		cancel()
	}
}

// bufferedResponse is an http.ResponseWriter that keeps at most limit
// bytes of the body; the fetcher rejects anything longer anyway.
type bufferedResponse struct {
	header http.Header
	status int
	body   bytes.Buffer
	limit  int64
}

func (w *bufferedResponse) Header() http.Header { return w.header }

func (w *bufferedResponse) WriteHeader(status int) {
	if w.status == 0 {
		w.status = status
	}
}

func (w *bufferedResponse) Write(p []byte) (int, error) {
	w.WriteHeader(http.StatusOK)
	room := w.limit - int64(w.body.Len())
	if room > 0 {
		w.body.Write(p[:min(int64(len(p)), room)])
	}
	return len(p), nil
}

// localAuthorities returns the authorities of Options.LocalHandlers in
// the form urlAuthority writes, so that lookups match.
func localAuthorities(handlers map[string]http.Handler) map[string]http.Handler {
	out := make(map[string]http.Handler, len(handlers))
	for authority, h := range handlers {
		out[strings.ToLower(authority)] = h
	}
	return out
}
