package issuer_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

// issueSample uploads the demonstration attendance file and returns its
// 86 credentials.
func (h *harness) issueSample(t *testing.T) []issuer.IssuedCredential {
	t.Helper()
	res, err := h.upload(t, issuer.System, "attendance.csv", readFile(t, "../internal/demo/attendance-workshop.csv"), false)
	if err != nil {
		t.Fatal(err)
	}
	return res.Credentials
}

func (h *harness) award(t *testing.T, credentialID string) *issuer.Award {
	t.Helper()
	a, err := h.db.AwardByCredential(context.Background(), credentialID)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// statusBits returns the decoded bits of the status list served for a
// credential's entry.
func (h *harness) statusBits(t *testing.T, a *issuer.Award) issuer.Bitstring {
	t.Helper()
	list, err := h.svc.StatusListCredential(context.Background(), a.Credential.StatusEntry.ListID)
	if err != nil {
		t.Fatal(err)
	}
	return decodeStatusList(t, list.Document)
}

func decodeStatusList(t *testing.T, document []byte) issuer.Bitstring {
	t.Helper()
	var doc struct {
		CredentialSubject struct {
			EncodedList string `json:"encodedList"`
		} `json:"credentialSubject"`
	}
	if err := json.Unmarshal(document, &doc); err != nil {
		t.Fatal(err)
	}
	bits, err := issuer.DecodeBitstring(doc.CredentialSubject.EncodedList)
	if err != nil {
		t.Fatal(err)
	}
	return bits
}

func admin() *issuer.User {
	return &issuer.User{ID: "admin-1", Name: "Learning Advisor", Role: issuer.RoleAdmin}
}

func TestRevokeSetsStatusBit(t *testing.T) {
	h := newHarness(t)
	creds := h.issueSample(t)
	target, bystander := h.award(t, creds[0].CredentialID), h.award(t, creds[1].CredentialID)
	if bits := h.statusBits(t, target); bits.Get(target.Credential.StatusEntry.Index) {
		t.Fatal("the bit is set before the revocation")
	}

	ctx := issuer.WithRemoteAddr(context.Background(), "192.0.2.7")
	got, err := h.svc.Revoke(ctx, admin(), target.Credential.ID, "  awarded to the wrong student ")
	if err != nil {
		t.Fatal(err)
	}
	if got.Credential.Status != issuer.CredentialRevoked || got.Status != issuer.AwardRevoked {
		t.Errorf("returned statuses %s, %s; want revoked, revoked", got.Credential.Status, got.Status)
	}

	stored := h.award(t, target.Credential.ID)
	if stored.Credential.Revocation.Reason != "awarded to the wrong student" || stored.Credential.Revocation.By != "admin-1" {
		t.Errorf("stored revocation = %+v", stored.Credential.Revocation)
	}

	bits := h.statusBits(t, target)
	if !bits.Get(target.Credential.StatusEntry.Index) {
		t.Error("the served list does not show the revocation")
	}
	if bits.Get(bystander.Credential.StatusEntry.Index) {
		t.Error("the served list shows another credential revoked")
	}

	entries, err := h.db.AuditEntries(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	e := entries[0]
	if e.Action != "credential.revoke" || e.Subject != target.Credential.ID || e.ActorID != "admin-1" || e.Remote != "192.0.2.7" || !strings.Contains(e.Detail, "wrong student") {
		t.Errorf("audit entry = %+v", e)
	}
}

func TestRevokeRules(t *testing.T) {
	h := newHarness(t)
	creds := h.issueSample(t)
	id := creds[0].CredentialID
	organiser := &issuer.User{ID: "org-1", Name: "Organiser", Role: issuer.RoleOrganiser, CanUpload: true}

	tests := []struct {
		name    string
		actor   *issuer.User
		id      string
		reason  string
		wantErr error
		wantMsg string
	}{
		{"organiser forbidden", organiser, id, "x", issuer.ErrForbidden, ""},
		{"no actor", nil, id, "x", issuer.ErrUnauthenticated, ""},
		{"missing reason", admin(), id, "  ", issuer.ErrInvalid, "reason: missing"},
		{"long reason", admin(), id, strings.Repeat("x", 1001), issuer.ErrInvalid, "at most 1000"},
		{"unknown credential", admin(), "00000000-0000-4000-8000-000000000000", "x", issuer.ErrNotFound, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Revoke(context.Background(), tt.actor, tt.id, tt.reason)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("error = %v, want %v", err, tt.wantErr)
			}
			if !strings.Contains(fmt.Sprint(err), tt.wantMsg) {
				t.Errorf("error %q does not contain %q", err, tt.wantMsg)
			}
		})
	}
	if got := h.award(t, id).Credential.Status; got != issuer.CredentialActive {
		t.Fatalf("a rejected revocation changed the status to %s", got)
	}

	t.Run("twice", func(t *testing.T) {
		if _, err := h.svc.Revoke(context.Background(), admin(), id, "first"); err != nil {
			t.Fatal(err)
		}
		_, err := h.svc.Revoke(context.Background(), admin(), id, "second")
		var conflict *issuer.ConflictError
		if !errors.As(err, &conflict) {
			t.Fatalf("error = %v, want a ConflictError", err)
		}
		if !strings.Contains(conflict.Message, "was revoked at") || !strings.Contains(conflict.Message, "(first)") {
			t.Errorf("message %q does not say when and why it was revoked", conflict.Message)
		}
	})
}

func TestConcurrentRevocationsLoseNone(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			h := newHarnessOn(t, db.url(t))
			creds := h.issueSample(t)[:40]

			errs := make([]error, len(creds))
			var wg sync.WaitGroup
			for i, c := range creds {
				wg.Go(func() {
					_, errs[i] = h.svc.Revoke(context.Background(), admin(), c.CredentialID, fmt.Sprintf("reason %d", i))
				})
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Fatalf("revocation %d: %v", i, err)
				}
			}

			revoked := map[issuer.StatusEntry]bool{}
			for _, c := range creds {
				revoked[h.award(t, c.CredentialID).Credential.StatusEntry] = true
			}
			lists := map[string]issuer.Bitstring{}
			for e := range revoked {
				if lists[e.ListID] == nil {
					lists[e.ListID] = h.statusBits(t, &issuer.Award{Credential: issuer.Credential{StatusEntry: e}})
				}
				if !lists[e.ListID].Get(e.Index) {
					t.Errorf("index %d of list %s is not set", e.Index, e.ListID)
				}
			}
			for id, bits := range lists {
				set := 0
				for i := range bits.Len() {
					if bits.Get(i) {
						set++
					}
				}
				if set != len(revoked) {
					t.Errorf("list %s has %d bits set, want %d", id, set, len(revoked))
				}
			}
		})
	}
}

func TestCorrectReissuesFromFixedRecords(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	creds := h.issueSample(t)
	old := h.award(t, creds[0].CredentialID)
	student, err := h.db.Student(ctx, old.StudentID)
	if err != nil {
		t.Fatal(err)
	}

	fixed := *student
	fixed.Name = "CORRECTED Name"
	if _, _, err := h.svc.ImportStudents(ctx, issuer.System, []*issuer.Student{&fixed}); err != nil {
		t.Fatal(err)
	}

	next, err := h.svc.Correct(ctx, admin(), old.Credential.ID, issuer.Correction{Reason: "name fixed in the register"})
	if err != nil {
		t.Fatal(err)
	}
	if next.Credential.ID == old.Credential.ID || next.ID != old.ID {
		t.Fatalf("corrected credential %s of award %s, want a new credential of award %s", next.Credential.ID, next.ID, old.ID)
	}
	if !strings.Contains(string(next.Credential.Document), "CORRECTED Name") {
		t.Error("the corrected credential does not carry the fixed name")
	}
	if !strings.Contains(string(next.Credential.Document), "Attended ") {
		t.Error("the corrected credential lost the sessions attended")
	}

	stored := h.award(t, old.Credential.ID)
	wantReason := "replaced by " + h.svc.URLs.Credential(next.Credential.ID)
	if stored.Credential.Status != issuer.CredentialRevoked || stored.Credential.Revocation.Reason != wantReason || stored.Credential.ReplacedBy != next.Credential.ID {
		t.Errorf("old credential: status %s, reason %q, replaced by %q; want revoked, %q, %s",
			stored.Credential.Status, stored.Credential.Revocation.Reason, stored.Credential.ReplacedBy, wantReason, next.Credential.ID)
	}
	if stored.Credential.JWS != old.Credential.JWS {
		t.Error("the old credential's JWS changed")
	}

	current := h.award(t, next.Credential.ID)
	if current.Credential.Replaces != old.Credential.ID || current.Credential.Status != issuer.CredentialActive {
		t.Errorf("new credential: replaces %q, status %s", current.Credential.Replaces, current.Credential.Status)
	}
	if bits := h.statusBits(t, old); !bits.Get(old.Credential.StatusEntry.Index) {
		t.Error("the old credential's bit is not set")
	}
	if bits := h.statusBits(t, current); bits.Get(current.Credential.StatusEntry.Index) {
		t.Error("the corrected credential's bit is set")
	}

	_, err = h.svc.Correct(ctx, admin(), old.Credential.ID, issuer.Correction{Reason: "again"})
	var conflict *issuer.ConflictError
	if !errors.As(err, &conflict) || !strings.Contains(conflict.Message, "replaced by "+h.svc.URLs.Credential(next.Credential.ID)) {
		t.Errorf("correcting the replaced credential: %v, want a conflict naming its successor", err)
	}
	if _, err := h.svc.Correct(ctx, admin(), next.Credential.ID, issuer.Correction{Reason: "second fix"}); err != nil {
		t.Errorf("correcting the corrected credential: %v", err)
	}
}

func TestCorrectRules(t *testing.T) {
	h := newHarness(t)
	id := h.issueSample(t)[0].CredentialID
	organiser := &issuer.User{ID: "org-1", Name: "Organiser", Role: issuer.RoleOrganiser}

	tests := []struct {
		name    string
		actor   *issuer.User
		reason  string
		wantErr error
	}{
		{"organiser forbidden", organiser, "x", issuer.ErrForbidden},
		{"missing reason", admin(), "", issuer.ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.svc.Correct(context.Background(), tt.actor, id, issuer.Correction{Reason: tt.reason})
			if !errors.Is(err, tt.wantErr) {
				t.Errorf("error = %v, want %v", err, tt.wantErr)
			}
		})
	}

	if _, err := h.svc.Revoke(context.Background(), admin(), id, "withdrawn"); err != nil {
		t.Fatal(err)
	}
	_, err := h.svc.Correct(context.Background(), admin(), id, issuer.Correction{Reason: "x"})
	if !errors.Is(err, issuer.ErrConflict) {
		t.Errorf("correcting a revoked credential: error = %v, want a conflict", err)
	}
}
