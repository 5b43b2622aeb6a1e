package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"time"

	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/web"
	"github.com/laurel-badges/laurel/issuer"
)

// shutdownGrace is how long in-flight requests, such as a large upload,
// may run on after a stop signal.
const shutdownGrace = 30 * time.Second

func setupServe(fs *flag.FlagSet) func(context.Context, *env, *config.Config, []string) error {
	return func(ctx context.Context, e *env, cfg *config.Config, args []string) error {
		if len(args) > 0 {
			return fmt.Errorf("%w: serve takes no arguments", errUsage)
		}
		log := newLogger(cfg, e.stderr)
		a, err := openApp(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()

		ln, err := net.Listen("tcp", cfg.Addr)
		if err != nil {
			return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
		}
		return serve(ctx, a, ln)
	}
}

// serve runs the HTTP server on ln until ctx is cancelled, then shuts down
// gracefully.
func serve(ctx context.Context, a *app, ln net.Listener) error {
	srv := &web.Server{
		Service:   a.service,
		Keys:      a.keys,
		Templates: templateWriter{},
		Ready:     a.db.Ping,
		Logger:    a.log,
	}
	handler := srv.Handler()
	var err error
	if srv.Verifier, err = newServerVerifier(a.cfg.BaseURL, a.service.IssuerID, handler); err != nil {
		return err
	}
	// The read timeout bounds a slow client's upload of the largest
	// attendance file. The write timeout leaves room for issuing a
	// 100,000-row upload with RS256, which takes minutes on two cores.
	hs := &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      10 * time.Minute,
		IdleTimeout:       2 * time.Minute,
	}

	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	a.log.Info("laurel serving", "addr", ln.Addr().String(), "base_url", a.cfg.BaseURL, "issuer", a.service.IssuerID, "database", a.db.Dialect())

	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}

	a.log.Info("shutting down", "grace", shutdownGrace.String())
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), shutdownGrace)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	a.log.Info("stopped")
	return nil
}

// templateWriter adapts internal/attendance's template writers to the web server.
type templateWriter struct{}

func (templateWriter) WriteCSV(w io.Writer, students []issuer.Student) error {
	return attendance.WriteCSVTemplate(w, templateStudents(students))
}

func (templateWriter) WriteXLSX(w io.Writer, title string, students []issuer.Student) error {
	return attendance.WriteXLSXTemplate(w, title, templateStudents(students))
}

func templateStudents(students []issuer.Student) []attendance.TemplateStudent {
	out := make([]attendance.TemplateStudent, len(students))
	for i, s := range students {
		out[i] = attendance.TemplateStudent{Number: s.Number, Name: s.Name}
	}
	return out
}
