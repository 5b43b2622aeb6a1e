package web

import (
	"net/http"
	"strings"
	"testing"
)

// htmlPage fetches path as HTML and returns the body.
func (ts *testServer) htmlPage(t testing.TB, path string) string {
	t.Helper()
	resp := ts.do(t, request{path: path, header: http.Header{"Accept": {"text/html"}}}).wantStatus(t, http.StatusOK)
	return string(resp.body)
}

func TestCredentialPageShowsVerdict(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	page := ts.htmlPage(t, "/credentials/"+award.Credential.ID)

	for _, want := range []string{
		`data-verdict="valid"`,
		"Verification result: <strong>valid</strong>.",
		"This badge is genuine",
		"✓ Passed:</strong> Signature.",
		"✓ Passed:</strong> Issuer&#39;s key.",
		"✓ Passed:</strong> Revocation status.",
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
	if strings.Contains(page, "Failed:") || strings.Contains(page, "Not checked:") {
		t.Errorf("own credential has a failed or skipped check:\n%s", page)
	}
}

// TestCredentialPageVerdictAfterRevocation loads the page once, so that the
// valid result and the status list are cached, then revokes.
func TestCredentialPageVerdictAfterRevocation(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	path := "/credentials/" + award.Credential.ID

	if page := ts.htmlPage(t, path); !strings.Contains(page, `data-verdict="valid"`) {
		t.Fatalf("page before revocation is not valid:\n%s", page)
	}
	ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/revoke", ts.admin.token, `{"reason": "awarded in error"}`).wantStatus(t, http.StatusOK)

	page := ts.htmlPage(t, path)
	for _, want := range []string{`data-verdict="revoked"`, "Verification result: <strong>revoked</strong>.", "✗ Failed:</strong> Revocation status."} {
		if !strings.Contains(page, want) {
			t.Errorf("page after revocation does not contain %q", want)
		}
	}
}

// TestCredentialPageVerdictAfterKeyRotation checks that a credential
// signed with a key that the cached DID document does not list yet is
// still shown as valid.
func TestCredentialPageVerdictAfterKeyRotation(t *testing.T) {
	ts := newTestServer(t)
	first := ts.credentialOf(t, ts.issueTo(t, "S1001,CHAN Tai Man,4,4,,"), "S1001")
	if page := ts.htmlPage(t, "/credentials/"+first.Credential.ID); !strings.Contains(page, `data-verdict="valid"`) {
		t.Fatalf("page before rotation is not valid:\n%s", page)
	}

	ts.rotate(t)
	second := ts.credentialOf(t, ts.issueTo(t, "S1003,WONG Siu Ming,4,4,,"), "S1003")
	if second.Credential.KeyID == first.Credential.KeyID {
		t.Fatalf("second credential was signed with the old key %s", first.Credential.KeyID)
	}
	if page := ts.htmlPage(t, "/credentials/"+second.Credential.ID); !strings.Contains(page, `data-verdict="valid"`) {
		t.Errorf("page of a credential signed with the new key is not valid:\n%s", page)
	}
}

func TestCredentialPagePreviewTags(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")
	page := ts.htmlPage(t, "/credentials/"+award.Credential.ID)

	for _, want := range []string{
		`<meta property="og:title" content="Informed and Professionally Competent – CHAN Tai Man">`,
		`<meta property="og:description" content="Open Badge issued by Example University on `,
		`<meta property="og:url" content="` + ts.URL + "/credentials/" + award.Credential.ID + `">`,
		`<meta property="og:image" content="` + ts.URL + "/achievements/" + ts.achievement.ID + `/image.svg">`,
		`<meta name="twitter:card" content="summary">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("page does not contain %q", want)
		}
	}
}
