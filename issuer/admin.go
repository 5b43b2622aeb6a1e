package issuer

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Dashboard is the learning advisor's overview.
type Dashboard struct {
	Counts        DashboardCounts
	Achievements  []*Achievement     // the catalogue, ordered by code, to name the chart series
	AwardsByMonth []MonthlyAwards    // the last DashboardMonths months, oldest first
	Months        []string           // every month of AwardsByMonth's range, "2006-01", oldest first
	BadgeCounts   []BadgeCountBucket // students by number of different badges
	Units         []UnitActivities
}

// DashboardMonths is the number of calendar months, this one included,
// that the awards chart covers.
const DashboardMonths = 12

// Dashboard returns the totals and chart series of the admin dashboard.
func (s *Service) Dashboard(ctx context.Context, actor *User) (*Dashboard, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}

	d := &Dashboard{Months: lastMonths(s.now(), DashboardMonths)}
	from, err := time.Parse("2006-01", d.Months[0])
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}

	counts, err := s.Store.DashboardCounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	d.Counts = *counts
	if d.Achievements, err = s.Store.Achievements(ctx); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	if d.AwardsByMonth, err = s.Store.AwardsPerMonth(ctx, from); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	if d.BadgeCounts, err = s.Store.BadgeCountDistribution(ctx); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	if d.Units, err = s.Store.ActivitiesByUnit(ctx); err != nil {
		return nil, fmt.Errorf("dashboard: %w", err)
	}
	return d, nil
}

// lastMonths returns the n calendar months up to and including the month
// of now (UTC), oldest first, as "2006-01".
func lastMonths(now time.Time, n int) []string {
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -(n - 1), 0)
	months := make([]string, n)
	for i := range months {
		months[i] = first.AddDate(0, i, 0).Format("2006-01")
	}
	return months
}

// SearchAwards returns one page of the awards matching f and the number
// that match in all.
func (s *Service) SearchAwards(ctx context.Context, actor *User, f AwardSearch) ([]*AwardRecord, int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, 0, err
	}
	f.Query = strings.TrimSpace(f.Query)
	if err := CheckLine("q", f.Query); err != nil {
		return nil, 0, err
	}
	return s.Store.SearchAwards(ctx, f)
}

// AuditLog lists audit entries matching f, newest first.
func (s *Service) AuditLog(ctx context.Context, actor *User, f AuditFilter) ([]*AuditEntry, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.Store.AuditLog(ctx, f)
}

// Export checks that actor may export records, records the export in the
// audit log, and calls write with the store to read them from.
func (s *Service) Export(ctx context.Context, actor *User, dataset string, write func(Store) error) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	s.audit(ctx, actor, "export.download", dataset, "")
	return write(s.Store)
}

// EditAchievement replaces the catalogue fields of the achievement with
// id by e, and its image by image unless image is nil. The code may
// change only to one no other achievement uses. Credentials issued
// already keep the achievement as it was when they were signed.
func (s *Service) EditAchievement(ctx context.Context, actor *User, id string, e CatalogueEntry, image *Image) (*Achievement, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	existing, err := s.Store.Achievement(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("edit achievement %s: %w", id, err)
	}

	e.Code = strings.ToUpper(strings.TrimSpace(e.Code))
	if err := e.validate(); err != nil {
		return nil, err
	}
	other, err := s.Store.AchievementByCode(ctx, e.Code)
	switch {
	case err == nil && other.ID != id:
		return nil, Conflictf("code %s belongs to the achievement %q; choose another code", e.Code, other.Name)
	case err != nil && !errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("edit achievement %s: %w", id, err)
	}

	a := e.achievement()
	a.ID, a.Image, a.CreatedAt, a.UpdatedAt = existing.ID, existing.Image, existing.CreatedAt, s.now()
	if image != nil {
		a.Image = *image
	}
	if err := s.Store.UpdateAchievement(ctx, a); err != nil {
		return nil, fmt.Errorf("edit achievement %s: %w", id, err)
	}

	detail := fmt.Sprintf(`{"code":%q,"image":%t}`, a.Code, image != nil)
	s.audit(ctx, actor, "achievement.update", a.ID, detail)
	return a, nil
}
