package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/internal/artefact"
	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/internal/config"
	"github.com/laurel-badges/laurel/internal/fonts"
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

// serve runs the job workers and the HTTP server on ln until ctx is
// cancelled, then shuts both down gracefully.
func serve(ctx context.Context, a *app, ln net.Listener) (err error) {
	runner, err := a.startJobs(ctx)
	if err != nil {
		ln.Close()
		return err
	}
	defer func() { err = errors.Join(err, a.stopJobs(ctx, runner)) }()

	// Sign-in links go out at once through the notifier rather than as
	// jobs, because a link is a secret that should not be stored in a job
	// and it expires long before a retry would run.
	notifier, err := a.notifier()
	if err != nil {
		return err
	}

	srv := &web.Server{
		Service:   a.service,
		Keys:      a.keys,
		Templates: templateWriter{},
		Ready:     a.db.Ping,
		Logger:    a.log,
		Logos:     &artefact.LogoFetcher{},

		SignInLinks:            notifier,
		VerifyRateLimit:        a.cfg.VerifyPerMinute,
		LinkedInOrganizationID: a.cfg.LinkedInOrganizationID,
		TrustedProxies:         a.cfg.TrustedProxyPrefixes,
	}
	chain, err := fonts.Load(a.cfg.FontDir)
	if err != nil {
		// Credentials, baked SVG badges and QR codes need no fonts.
		a.log.Warn("certificates and PNG badges are unavailable", "err", err)
	} else {
		srv.Fonts = chain
	}
	handler := srv.Handler()
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
	go deleteStaleSessions(ctx, a, srv)
	if msg, ok := baseURLMismatch(a.cfg.BaseURL, ln.Addr()); ok {
		a.log.Warn(msg, "base_url", a.cfg.BaseURL, "addr", ln.Addr().String())
	}
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
	srv.Wait()
	a.log.Info("stopped")
	return nil
}

// baseURLMismatch reports a base URL on this machine (localhost, a name
// under .localhost, or a loopback address) whose port is not the one the
// server listens on. Credential ids, the issuer DID and links would then
// point at another server, or at none: the usual cause is --addr set
// without --base-url, whose default is http://localhost:8080. A base URL
// with a public host is left alone, because a reverse proxy may forward
// its port to any local one.
func baseURLMismatch(baseURL string, listening net.Addr) (string, bool) {
	u, err := url.Parse(baseURL)
	if err != nil || !isLoopbackHost(u.Hostname()) {
		return "", false
	}
	tcp, ok := listening.(*net.TCPAddr)
	if !ok {
		return "", false
	}

	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	if port == strconv.Itoa(tcp.Port) {
		return "", false
	}
	want := *u
	want.Host = net.JoinHostPort(u.Hostname(), strconv.Itoa(tcp.Port))
	return fmt.Sprintf("the base URL %s names port %s on this machine, but the server listens on port %d: credentials and links would point elsewhere; set --base-url (LAUREL_BASE_URL) to the address clients use, such as %s",
		baseURL, port, tcp.Port, strings.TrimSuffix(want.String(), "/")), true
}

func isLoopbackHost(host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// staleSessionsEvery is how often the server deletes expired sessions,
// sign-in links and sign-in attempt counts. They are rejected or ignored
// when used either way, so this only bounds the size of the tables.
const staleSessionsEvery = time.Hour

func deleteStaleSessions(ctx context.Context, a *app, srv *web.Server) {
	t := time.NewTicker(staleSessionsEvery)
	defer t.Stop()
	for {
		n, err := a.service.DeleteStaleSessions(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("delete expired sessions", "err", err)
		case n > 0:
			a.log.Info("deleted expired sessions", "count", n)
		}

		n, err = srv.DeleteExpiredSignInAttempts(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.log.Error("delete expired sign-in attempt counts", "err", err)
		case n > 0:
			a.log.Info("deleted expired sign-in attempt counts", "count", n)
		}

		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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
