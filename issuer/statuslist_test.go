package issuer

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func testStatusList() *StatusList {
	return &StatusList{
		ID:        "5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6",
		Purpose:   StatusPurposeRevocation,
		Size:      MinStatusListSize,
		Revision:  3,
		UpdatedAt: time.Date(2025, 3, 10, 9, 30, 15, 999000, time.UTC),
	}
}

func TestBuildStatusListDocument(t *testing.T) {
	bits, err := NewBitstring(MinStatusListSize)
	if err != nil {
		t.Fatal(err)
	}
	bits.Set(94567)
	doc, payload, err := buildStatusList(testURLs(t), testIssuerID, testStatusList(), bits)
	if err != nil {
		t.Fatal(err)
	}

	var got map[string]any
	if err := json.Unmarshal(doc, &got); err != nil {
		t.Fatal(err)
	}
	encoded, _ := got["credentialSubject"].(map[string]any)["encodedList"].(string)
	list := testBase + "/status/5e1d2c3b-4a59-4687-9a0b-c1d2e3f4a5b6"
	want := map[string]any{
		"@context":  []any{"https://www.w3.org/ns/credentials/v2"},
		"id":        list,
		"type":      []any{"VerifiableCredential", "BitstringStatusListCredential"},
		"issuer":    testIssuerID,
		"validFrom": "2025-03-10T09:30:15Z",
		"credentialSubject": map[string]any{
			"id": list + "#list", "type": "BitstringStatusList", "statusPurpose": "revocation",
			"encodedList": encoded, "ttl": float64(60000),
		},
	}
	if mustJSON(t, got) != mustJSON(t, want) {
		t.Errorf("document = %s\nwant %s", mustJSON(t, got), mustJSON(t, want))
	}

	decoded, err := DecodeBitstring(encoded)
	if err != nil {
		t.Fatal(err)
	}
	if decoded.Len() != MinStatusListSize || !decoded.Get(94567) || decoded.Get(94566) {
		t.Errorf("encodedList decodes to %d bits, index 94567 %v, index 94566 %v", decoded.Len(), decoded.Get(94567), decoded.Get(94566))
	}

	var claims map[string]any
	if err := json.Unmarshal(payload, &claims); err != nil {
		t.Fatal(err)
	}
	wantClaims := map[string]any{"iss": testIssuerID, "sub": list + "#list", "jti": list, "nbf": float64(1741599015)}
	for name, value := range wantClaims {
		if claims[name] != value {
			t.Errorf("claim %s = %v, want %v", name, claims[name], value)
		}
	}
	if !strings.HasPrefix(string(payload), strings.TrimSuffix(string(doc), "}")) {
		t.Error("the payload does not start with the document's members")
	}
}

func TestBuildStatusListRejectsShortList(t *testing.T) {
	bits, err := NewBitstring(MinStatusListSize / 2)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = buildStatusList(testURLs(t), testIssuerID, testStatusList(), bits)
	if err == nil || !strings.Contains(err.Error(), "fewer than the minimum") {
		t.Errorf("error = %v, want one about the minimum size", err)
	}
}
