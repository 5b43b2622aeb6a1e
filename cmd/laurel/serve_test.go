package main

import (
	"bytes"
	"context"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/internal/config"
)

func TestBaseURLMismatch(t *testing.T) {
	listening := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 9090}
	tests := []struct {
		name, baseURL string
		want          string // part of the warning; "" for none
	}{
		{"default base URL", "http://localhost:8080", "set --base-url (LAUREL_BASE_URL) to the address clients use, such as http://localhost:9090"},
		{"loopback address", "http://127.0.0.1:8080", "names port 8080 on this machine, but the server listens on port 9090"},
		{"IPv6 loopback", "http://[::1]:8080", "such as http://[::1]:9090"},
		{"localhost subdomain", "http://badges.localhost:8080/issuer", "such as http://badges.localhost:9090/issuer"},
		{"default port of the scheme", "http://localhost", "names port 80"},
		{"same port", "http://localhost:9090", ""},
		{"public host", "https://badges.example.edu", ""},
		{"public host with port", "http://badges.example.edu:8080", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg, ok := baseURLMismatch(tt.baseURL, listening)
			if tt.want == "" {
				if ok {
					t.Errorf("warning %q, want none", msg)
				}
				return
			}
			if !ok || !strings.Contains(msg, tt.want) {
				t.Errorf("warning %q (%t), want one containing %q", msg, ok, tt.want)
			}
		})
	}
}

// TestServeWarnsOfBaseURL serves on a free loopback port with the default
// base URL, as `laurel serve --addr 127.0.0.1:PORT` without --base-url
// does, and expects the warning in the log.
func TestServeWarnsOfBaseURL(t *testing.T) {
	dir := t.TempDir()
	if code, out, errOut := laurel(t, dir, "demo"); code != exitOK {
		t.Fatalf("demo: exit %d\n%s%s", code, out, errOut)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := &config.Config{DataDir: dir, BaseURL: "http://localhost:8080", SigningAlg: "RS256", LogFormat: "text", LogLevel: "info"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	var logs syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	a, err := openApp(ctx, cfg, newLogger(cfg, &logs))
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()

	done := make(chan error, 1)
	go func() { done <- serve(ctx, a, ln) }()
	fetch(t, "http://"+ln.Addr().String()+"/healthz", "", "", "")
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}

	port := ln.Addr().(*net.TCPAddr).Port
	for _, want := range []string{"level=WARN", "the base URL http://localhost:8080 names port 8080", "--base-url", "addr=" + ln.Addr().String()} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
	if !strings.Contains(logs.String(), "listens on port "+strconv.Itoa(port)) {
		t.Errorf("log does not name the listening port %d:\n%s", port, logs.String())
	}
}

// syncBuffer is a bytes.Buffer that the server's goroutines may write
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
