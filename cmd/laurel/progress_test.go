package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestProgressPlainLines(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b)
	for done := 0; done <= 1000; done += 50 {
		p.update(done, 1000)
	}
	p.finish()

	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 11 {
		t.Fatalf("got %d lines, want one per tenth (11):\n%s", len(lines), b.String())
	}
	if lines[0] != "signed 0 of 1000 credentials (0%)" {
		t.Errorf("first line = %q", lines[0])
	}
	if lines[10] != "signed 1000 of 1000 credentials (100%)" {
		t.Errorf("last line = %q", lines[10])
	}
	if strings.Contains(b.String(), "\r") {
		t.Error("plain output contains a carriage return")
	}
}

func TestProgressTerminalBar(t *testing.T) {
	var b bytes.Buffer
	p := &progress{w: &b, terminal: true, lastStep: -1}
	p.update(0, 4)
	p.update(2, 4)
	p.update(4, 4)
	p.finish()

	out := b.String()
	if strings.Count(out, "\r") != 3 || !strings.HasSuffix(out, "\n") {
		t.Errorf("bar output = %q, want three redraws and a final newline", out)
	}
	if !strings.Contains(out, "[###############...............]  50%  2 of 4 credentials") {
		t.Errorf("bar output = %q, want the half-way bar", out)
	}
}

func TestProgressNothingToIssue(t *testing.T) {
	var b bytes.Buffer
	p := newProgress(&b)
	p.update(0, 0)
	p.finish()
	if b.Len() != 0 {
		t.Errorf("output = %q, want none", b.String())
	}
}
