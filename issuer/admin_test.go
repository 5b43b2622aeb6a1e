package issuer_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

func TestAdminOnlyMethods(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	organiser := &issuer.User{ID: "org-1", Name: "Organiser", Role: issuer.RoleOrganiser}

	calls := map[string]func(actor *issuer.User) error{
		"Dashboard": func(a *issuer.User) error { _, err := h.svc.Dashboard(ctx, a); return err },
		"SearchAwards": func(a *issuer.User) error {
			_, _, err := h.svc.SearchAwards(ctx, a, issuer.AwardSearch{})
			return err
		},
		"AuditLog": func(a *issuer.User) error { _, err := h.svc.AuditLog(ctx, a, issuer.AuditFilter{}); return err },
		"Export": func(a *issuer.User) error {
			return h.svc.Export(ctx, a, "awards", func(issuer.Store) error { return nil })
		},
		"EditAchievement": func(a *issuer.User) error {
			_, err := h.svc.EditAchievement(ctx, a, "any", issuer.CatalogueEntry{}, nil)
			return err
		},
	}
	for name, call := range calls {
		t.Run(name, func(t *testing.T) {
			if err := call(organiser); !errors.Is(err, issuer.ErrForbidden) {
				t.Errorf("organiser: error = %v, want ErrForbidden", err)
			}
			if err := call(nil); !errors.Is(err, issuer.ErrUnauthenticated) {
				t.Errorf("no actor: error = %v, want ErrUnauthenticated", err)
			}
		})
	}
}

func TestDashboardAfterIssuing(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	creds := h.issueSample(t)

	d, err := h.svc.Dashboard(ctx, admin())
	if err != nil {
		t.Fatalf("Dashboard: %v", err)
	}
	if d.Counts.ActiveAwards != len(creds) {
		t.Errorf("active awards = %d, want %d", d.Counts.ActiveAwards, len(creds))
	}
	if len(d.Months) != issuer.DashboardMonths {
		t.Errorf("months = %d, want %d", len(d.Months), issuer.DashboardMonths)
	}
	if got, want := d.Months[len(d.Months)-1], time.Now().UTC().Format("2006-01"); got != want {
		t.Errorf("last month = %s, want this month %s", got, want)
	}

	var charted int
	for _, m := range d.AwardsByMonth {
		charted += m.Count
	}
	if charted != len(creds) {
		t.Errorf("awards in the monthly series = %d, want %d issued this month", charted, len(creds))
	}
	if len(d.Units) != 1 || d.Units[0].Unit != "Careers Centre" {
		t.Errorf("units = %+v, want the Careers Centre alone", d.Units)
	}
	if len(d.Achievements) != 6 {
		t.Errorf("achievements = %d, want the 6 of the demo catalogue", len(d.Achievements))
	}
}

func TestEditAchievement(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	ipc, err := h.db.AchievementByCode(ctx, "IPC")
	if err != nil {
		t.Fatal(err)
	}
	entry := issuer.CatalogueEntry{
		Code: " ipc2 ", Name: "Informed", Description: "Knows the field.", Criteria: "Attend.",
		AchievementType: "Badge", MinHours: 3,
	}

	t.Run("fields and image", func(t *testing.T) {
		img := &issuer.Image{ContentType: "image/png", Data: []byte("png bytes")}
		got, err := h.svc.EditAchievement(ctx, admin(), ipc.ID, entry, img)
		if err != nil {
			t.Fatalf("EditAchievement: %v", err)
		}
		if got.Code != "IPC2" || got.Name != "Informed" || got.MinHours != 3 {
			t.Errorf("stored %q %q %v, want IPC2 Informed 3", got.Code, got.Name, got.MinHours)
		}
		stored, err := h.db.Achievement(ctx, ipc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.Image.ContentType != "image/png" || string(stored.Image.Data) != "png bytes" {
			t.Errorf("stored image = %s %q, want the new PNG", stored.Image.ContentType, stored.Image.Data)
		}
	})

	t.Run("image kept when nil", func(t *testing.T) {
		entry := entry
		entry.Name = "Informed again"
		if _, err := h.svc.EditAchievement(ctx, admin(), ipc.ID, entry, nil); err != nil {
			t.Fatalf("EditAchievement: %v", err)
		}
		stored, err := h.db.Achievement(ctx, ipc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(stored.Image.Data) != "png bytes" {
			t.Errorf("image changed to %q without a new one", stored.Image.Data)
		}
	})

	t.Run("code of another", func(t *testing.T) {
		entry := entry
		entry.Code = "EC"
		_, err := h.svc.EditAchievement(ctx, admin(), ipc.ID, entry, nil)
		if !errors.Is(err, issuer.ErrConflict) || !strings.Contains(err.Error(), "code EC belongs to") {
			t.Errorf("error = %v, want a conflict naming code EC", err)
		}
	})

	t.Run("invalid fields", func(t *testing.T) {
		_, err := h.svc.EditAchievement(ctx, admin(), ipc.ID, issuer.CatalogueEntry{Code: "IPC2"}, nil)
		if !errors.Is(err, issuer.ErrInvalid) || !strings.Contains(err.Error(), "name") {
			t.Errorf("error = %v, want an invalid name", err)
		}
	})

	t.Run("unknown id", func(t *testing.T) {
		_, err := h.svc.EditAchievement(ctx, admin(), "no-such-id", entry, nil)
		if !errors.Is(err, issuer.ErrNotFound) {
			t.Errorf("error = %v, want ErrNotFound", err)
		}
	})

	t.Run("audited", func(t *testing.T) {
		entries, err := h.db.AuditLog(ctx, issuer.AuditFilter{Action: "achievement.update", Subject: ipc.ID})
		if err != nil {
			t.Fatal(err)
		}
		if len(entries) != 2 {
			t.Errorf("audit entries = %d, want 2 (one per successful edit)", len(entries))
		}
	})
}
