package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

func TestKeysCommands(t *testing.T) {
	dir := t.TempDir()
	urls, _ := demoCredentials(t, dir)

	code, out, errOut := laurel(t, dir, "keys", "list")
	first := regexp.MustCompile(`(?m)^(k[a-z2-7]{12})\s+RS256\s+active`).FindStringSubmatch(out)
	if code != exitOK || first == nil {
		t.Fatalf("keys list: exit %d\n%s%s", code, out, errOut)
	}

	code, out, errOut = laurel(t, dir, "keys", "rotate")
	next := regexp.MustCompile(`New active key (k[a-z2-7]{12}) \(RS256\)`).FindStringSubmatch(out)
	if code != exitOK || next == nil || !strings.Contains(out, "Key "+first[1]+" is retired") {
		t.Fatalf("keys rotate: exit %d\n%s%s", code, out, errOut)
	}

	_, out, _ = laurel(t, dir, "keys", "list")
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`(?m)^` + next[1] + `\s+RS256\s+active`),
		regexp.MustCompile(`(?m)^` + first[1] + `\s+RS256\s+retired\s+\S+\s+\S+\s+-$`),
	} {
		if !want.MatchString(out) {
			t.Errorf("keys list after the rotation does not match %s:\n%s", want, out)
		}
	}

	code, out, errOut = laurel(t, dir, "keys", "revoke", first[1])
	wantReport := "Re-issued " + strconv.Itoa(len(urls)) + " of " + strconv.Itoa(len(urls)) + " active credentials"
	if code != exitOK || !strings.Contains(out, "Revoked key "+first[1]) || !strings.Contains(out, wantReport) {
		t.Fatalf("keys revoke: exit %d, want %q\n%s%s", code, wantReport, out, errOut)
	}
	_, out, _ = laurel(t, dir, "keys", "list")
	if !regexp.MustCompile(`(?m)^` + first[1] + `\s+RS256\s+revoked`).MatchString(out) {
		t.Errorf("keys list does not show %s revoked:\n%s", first[1], out)
	}

	code, _, errOut = laurel(t, dir, "keys", "revoke", "knotakey0000")
	if code != exitError || !strings.Contains(errOut, `no signing key has id "knotakey0000"`) {
		t.Errorf("revoke of an unknown key: exit %d\n%s", code, errOut)
	}
	code, _, errOut = laurel(t, dir, "keys", "revoke")
	if code != exitUsage || !strings.Contains(errOut, "give the id of the compromised key") {
		t.Errorf("revoke without an id: exit %d\n%s", code, errOut)
	}
}
