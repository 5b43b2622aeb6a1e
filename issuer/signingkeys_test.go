package issuer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/laurel-badges/laurel/issuer"
)

func TestRevokeSigningKeyReissuesItsCredentials(t *testing.T) {
	for _, db := range databases {
		t.Run(db.name, func(t *testing.T) {
			h := newHarnessOn(t, db.url(t))
			h.svc.Keys = h.ring
			ctx := context.Background()
			creds := h.issueSample(t)
			compromised := h.ring.ActiveKeyID()

			report, err := h.svc.RevokeSigningKey(ctx, admin(), compromised)
			if err != nil {
				t.Fatal(err)
			}
			if report.Found != len(creds) || report.Reissued != len(creds) || report.AlreadyRevoked {
				t.Fatalf("report = found %d, re-issued %d, already revoked %v; want %d, %d, false", report.Found, report.Reissued, report.AlreadyRevoked, len(creds), len(creds))
			}
			if h.ring.ActiveKeyID() == compromised || h.ring.Published(compromised) {
				t.Fatal("the compromised key is still active or published")
			}

			for _, c := range creds {
				old := h.award(t, c.CredentialID)
				next := h.award(t, report.Replaced[c.CredentialID])
				if old.Credential.Status != issuer.CredentialRevoked || old.Credential.Revocation.Reason != "signing key compromised" {
					t.Fatalf("old credential %s: status %s, reason %q", c.CredentialID, old.Credential.Status, old.Credential.Revocation.Reason)
				}
				if next.Credential.KeyID != h.ring.ActiveKeyID() || next.Credential.Replaces != c.CredentialID || next.ID != old.ID {
					t.Fatalf("successor of %s: key %s, replaces %s, award %s", c.CredentialID, next.Credential.KeyID, next.Credential.Replaces, next.ID)
				}
			}

			remaining, err := h.db.Awards(ctx, issuer.AwardFilter{KeyID: compromised, Status: issuer.AwardActive})
			if err != nil {
				t.Fatal(err)
			}
			if len(remaining) != 0 {
				t.Errorf("%d active awards still carry credentials of the compromised key", len(remaining))
			}
		})
	}
}

func TestKeyOperationRules(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	organiser := &issuer.User{ID: "org-1", Name: "Organiser", Role: issuer.RoleOrganiser}

	if _, err := h.svc.RotateKey(ctx, admin()); err == nil {
		t.Error("RotateKey without Keys succeeded")
	}
	h.svc.Keys = h.ring

	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"list by organiser", func() error { _, err := h.svc.SigningKeys(ctx, organiser); return err }, issuer.ErrForbidden},
		{"rotate by organiser", func() error { _, err := h.svc.RotateKey(ctx, organiser); return err }, issuer.ErrForbidden},
		{"revoke by organiser", func() error { _, err := h.svc.RevokeSigningKey(ctx, organiser, h.ring.ActiveKeyID()); return err }, issuer.ErrForbidden},
		{"revoke unknown key", func() error { _, err := h.svc.RevokeSigningKey(ctx, admin(), "knotakey0000"); return err }, issuer.ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
		})
	}

	listed, err := h.svc.SigningKeys(ctx, admin())
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range listed {
		if k.EncryptedPrivate != nil {
			t.Errorf("SigningKeys returned the encrypted private key of %s", k.ID)
		}
	}
}
