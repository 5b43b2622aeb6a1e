package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

func TestRevokeThroughAPI(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	award, other := ts.credentialOf(t, res, "S1001"), ts.credentialOf(t, res, "S1003")
	path := ts.statusListPath(t, award)
	entry := award.Credential.StatusEntry

	before := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/vc+jwt"}}}).wantStatus(t, http.StatusOK)
	if ts.statusListBits(t, path).Get(entry.Index) {
		t.Fatal("the bit is set before the revocation")
	}

	resp := ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/revoke", ts.admin.token, `{"reason": "awarded to the wrong student"}`).wantStatus(t, http.StatusOK)
	var view credentialView
	resp.decode(t, &view)
	if view.Status != "revoked" || view.RevocationReason != "awarded to the wrong student" || view.RevokedBy != ts.admin.user.ID || view.RevokedAt == nil {
		t.Errorf("response = %+v", view)
	}
	if view.StatusListCredential != ts.URL+path || view.StatusListIndex == nil || *view.StatusListIndex != entry.Index {
		t.Errorf("response names entry %v of %s, want %d of %s", view.StatusListIndex, view.StatusListCredential, entry.Index, ts.URL+path)
	}

	// The served list must show the revocation at once, whatever was cached.
	bits := ts.statusListBits(t, path)
	if !bits.Get(entry.Index) {
		t.Error("the served list does not show the revocation")
	}
	if bits.Get(other.Credential.StatusEntry.Index) {
		t.Error("the served list shows another credential revoked")
	}
	stale := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/vc+jwt"}, "If-None-Match": {before.Header.Get("ETag")}}})
	stale.wantStatus(t, http.StatusOK)

	again := ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/revoke", ts.admin.token, `{"reason": "again"}`).wantStatus(t, http.StatusConflict)
	if msg := again.errorBody(t).Error.Message; !strings.Contains(msg, "was revoked at") {
		t.Errorf("second revocation message = %q, want one saying when it was revoked", msg)
	}

	missing := ts.postJSON(t, "/api/v1/credentials/"+other.Credential.ID+"/revoke", ts.admin.token, `{"reason": ""}`).wantStatus(t, http.StatusUnprocessableEntity)
	if msg := missing.errorBody(t).Error.Message; !strings.Contains(msg, "reason: missing") {
		t.Errorf("missing reason message = %q", msg)
	}
	ts.postJSON(t, "/api/v1/credentials/"+uuid.NewString()+"/revoke", ts.admin.token, `{"reason": "x"}`).wantStatus(t, http.StatusNotFound)
	ts.postJSON(t, "/api/v1/credentials/not-a-uuid/revoke", ts.admin.token, `{"reason": "x"}`).wantStatus(t, http.StatusNotFound)
	ts.postJSON(t, "/api/v1/credentials/"+other.Credential.ID+"/revoke", ts.admin.token, `{"why": "x"}`).wantStatus(t, http.StatusBadRequest)

	jws := ts.do(t, request{path: "/credentials/" + award.Credential.ID, header: http.Header{"Accept": {"application/vc+jwt"}}}).wantStatus(t, http.StatusOK)
	if string(jws.body) != award.Credential.JWS {
		t.Error("the revoked credential's URL no longer serves its JWS")
	}
}

func TestReissueThroughAPI(t *testing.T) {
	ts := newTestServer(t)
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	resp := ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/reissue", ts.admin.token, `{"reason": "name corrected"}`).wantStatus(t, http.StatusCreated)
	var next credentialView
	resp.decode(t, &next)
	if next.Replaces != award.Credential.ID || next.Status != "active" || next.AwardID != award.ID || next.ID == award.Credential.ID {
		t.Errorf("response = %+v", next)
	}
	if loc := resp.Header.Get("Location"); loc != ts.URL+"/credentials/"+next.ID {
		t.Errorf("Location = %q", loc)
	}

	old := ts.get(t, "/credentials/"+award.Credential.ID+".jwt", "").wantStatus(t, http.StatusOK)
	if string(old.body) != award.Credential.JWS {
		t.Error("the replaced credential's URL no longer serves its JWS")
	}
	if !ts.statusListBits(t, ts.statusListPath(t, award)).Get(award.Credential.StatusEntry.Index) {
		t.Error("the replaced credential's bit is not set")
	}

	stored, err := ts.db.AwardByCredential(context.Background(), award.Credential.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := "replaced by " + ts.URL + "/credentials/" + next.ID; stored.Credential.Revocation.Reason != want {
		t.Errorf("revocation reason = %q, want %q", stored.Credential.Revocation.Reason, want)
	}

	again := ts.postJSON(t, "/api/v1/credentials/"+award.Credential.ID+"/reissue", ts.admin.token, `{"reason": "again"}`).wantStatus(t, http.StatusConflict)
	if msg := again.errorBody(t).Error.Message; !strings.Contains(msg, next.ID) {
		t.Errorf("message = %q, want the successor named", msg)
	}
}

func TestRevocationRoutesAuthorization(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	id := ts.credentialOf(t, res, "S1001").Credential.ID

	for _, route := range []string{"/api/v1/credentials/" + id + "/revoke", "/api/v1/credentials/" + id + "/reissue"} {
		t.Run(route[strings.LastIndex(route, "/")+1:], func(t *testing.T) {
			ts.postJSON(t, route, "", `{"reason": "x"}`).wantStatus(t, http.StatusUnauthorized)
			ts.postJSON(t, route, "laurel_not-a-token", `{"reason": "x"}`).wantStatus(t, http.StatusUnauthorized)
			ts.postJSON(t, route, ts.organiser.token, `{"reason": "x"}`).wantStatus(t, http.StatusForbidden)
		})
	}

	stored, err := ts.db.AwardByCredential(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Credential.Status != issuer.CredentialActive {
		t.Errorf("rejected requests changed the credential to %s", stored.Credential.Status)
	}
}

// TestStatusListNodeDecoder revokes credentials and reads the served list
// with test/interop/statuslist.mjs, which uses only Node.js's zlib and
// Buffer, and with this package's decoder.
func TestStatusListNodeDecoder(t *testing.T) {
	node := requireNodeOnly(t)
	ts := newTestServer(t)
	res := ts.issue(t)
	revoked := ts.credentialOf(t, res, "S1002")
	kept := ts.credentialOf(t, res, "S1003")
	ts.postJSON(t, "/api/v1/credentials/"+revoked.Credential.ID+"/revoke", ts.admin.token, `{"reason": "test"}`).wantStatus(t, http.StatusOK)

	path := ts.statusListPath(t, revoked)
	resp := ts.do(t, request{path: path, header: http.Header{"Accept": {"application/json"}}}).wantStatus(t, http.StatusOK)
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	resp.decode(t, &doc)

	indexes := []int{revoked.Credential.StatusEntry.Index, kept.Credential.StatusEntry.Index}
	got := runStatusListScript(t, node, doc.CredentialSubject.EncodedList, indexes)
	if got.Length < issuer.MinStatusListSize {
		t.Errorf("Node reads %d entries, want at least %d", got.Length, issuer.MinStatusListSize)
	}
	if got.Bits[strconv.Itoa(indexes[0])] != 1 || got.Bits[strconv.Itoa(indexes[1])] != 0 {
		t.Errorf("Node reads revoked %d, kept %d; want 1, 0", got.Bits[strconv.Itoa(indexes[0])], got.Bits[strconv.Itoa(indexes[1])])
	}

	ours := ts.statusListBits(t, path)
	if !ours.Get(indexes[0]) || ours.Get(indexes[1]) {
		t.Errorf("the Go decoder reads revoked %v, kept %v; want true, false", ours.Get(indexes[0]), ours.Get(indexes[1]))
	}
}

// TestStatusListBitOrderWithNode checks the packing of indexes 0 and 7
// with Node.js: a list with only index 0 set must read 1 at index 0 and 0
// at index 7, which a decoder that reads bytes from the least significant
// bit gets the other way round.
func TestStatusListBitOrderWithNode(t *testing.T) {
	node := requireNodeOnly(t)
	bits, err := issuer.NewBitstring(issuer.MinStatusListSize)
	if err != nil {
		t.Fatal(err)
	}
	bits.Set(0)
	bits.Set(issuer.MinStatusListSize - 1)
	encoded, err := bits.Encode()
	if err != nil {
		t.Fatal(err)
	}

	got := runStatusListScript(t, node, encoded, []int{0, 7, issuer.MinStatusListSize - 8, issuer.MinStatusListSize - 1})
	want := map[string]int{"0": 1, "7": 0, strconv.Itoa(issuer.MinStatusListSize - 8): 0, strconv.Itoa(issuer.MinStatusListSize - 1): 1}
	for index, bit := range want {
		if got.Bits[index] != bit {
			t.Errorf("index %s = %d, want %d", index, got.Bits[index], bit)
		}
	}
	if got.Length != issuer.MinStatusListSize {
		t.Errorf("length = %d, want %d", got.Length, issuer.MinStatusListSize)
	}
}

// requireNodeOnly returns the node binary, or skips the test without it;
// with CI set its absence fails the test.
func requireNodeOnly(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("node is not installed, and CI must run the independent status list check: %v", err)
		}
		t.Skipf("independent status list check skipped: node is not installed (%v)", err)
	}
	return node
}

type nodeBits struct {
	Length int            `json:"length"`
	Bits   map[string]int `json:"bits"`
}

func runStatusListScript(t *testing.T, node, encoded string, indexes []int) nodeBits {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	args := []string{filepath.Join("..", "..", "test", "interop", "statuslist.mjs"), encoded}
	for _, i := range indexes {
		args = append(args, strconv.Itoa(i))
	}
	cmd := exec.CommandContext(ctx, node, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("statuslist.mjs: %v\n%s", err, stderr.Bytes())
	}

	var got nodeBits
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("statuslist.mjs printed %q: %v", out, err)
	}
	return got
}
