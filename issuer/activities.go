package issuer

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// DefaultMinAttendance is the share of sessions a student must attend to
// earn an activity's badges when the activity sets no other rule.
const DefaultMinAttendance = 0.75

// ActivityInput is the data a person supplies to create an activity.
type ActivityInput struct {
	Title            string
	Description      string
	Unit             string
	StartDate        time.Time
	EndDate          time.Time
	Hours            float64
	AchievementCodes []string
	MinAttendance    *float64 // share of sessions, 0 < x ≤ 1; nil means DefaultMinAttendance
	Curricular       bool     // part of a curriculum: such activities are not eligible
	RestrictedEntry  bool     // not open to all students: such activities are not eligible
	OrganiserID      string   // set by admins to create an activity for an organiser
}

// CreateActivity checks in against the scheme's rules and stores the activity.
// Organisers own what they create; admins may name an organiser.
func (s *Service) CreateActivity(ctx context.Context, actor *User, in ActivityInput) (*Activity, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if actor.Role == RoleOrganiser {
		if in.OrganiserID != "" && in.OrganiserID != actor.ID {
			return nil, fmt.Errorf("organisers create activities for themselves only, not for user %s: %w", in.OrganiserID, ErrForbidden)
		}
		in.OrganiserID = actor.ID
	}

	a, err := s.checkActivity(ctx, in)
	if err != nil {
		return nil, err
	}
	if err := s.Store.CreateActivity(ctx, a); err != nil {
		return nil, fmt.Errorf("store activity: %w", err)
	}

	s.audit(ctx, actor, "activity.create", a.ID, fmt.Sprintf("%q", a.Title))
	return a, nil
}

func (s *Service) checkActivity(ctx context.Context, in ActivityInput) (*Activity, error) {
	in.Title = strings.TrimSpace(in.Title)
	in.Unit = strings.TrimSpace(in.Unit)
	in.Description = strings.TrimSpace(in.Description)

	errs := checkActivityText(in)
	if in.Curricular {
		errs = append(errs, Invalidf("curricular", "curricular activities cannot offer badges: the scheme recognises extracurricular activities only"))
	}
	if in.RestrictedEntry {
		errs = append(errs, Invalidf("open_to_all", "the activity must be open to all students of the institution"))
	}
	if in.StartDate.IsZero() || in.EndDate.IsZero() {
		errs = append(errs, Invalidf("dates", "give both a start date and an end date as YYYY-MM-DD"))
	} else if in.EndDate.Before(in.StartDate) {
		errs = append(errs, Invalidf("end_date", "%s is before the start date %s", in.EndDate.Format(time.DateOnly), in.StartDate.Format(time.DateOnly)))
	}
	if in.Hours <= 0 || in.Hours > 10000 {
		errs = append(errs, Invalidf("hours", "%g: give the activity's length in hours, more than 0", in.Hours))
	}
	minAttendance, err := checkMinAttendance(in.MinAttendance)
	errs = append(errs, err)

	ids, err := s.offeredAchievements(ctx, in.AchievementCodes, in.Hours)
	if err != nil {
		errs = append(errs, err)
	}
	if err := s.checkOrganiser(ctx, in.OrganiserID); err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}

	return &Activity{
		Title:           in.Title,
		Description:     in.Description,
		Unit:            in.Unit,
		StartDate:       in.StartDate.UTC(),
		EndDate:         in.EndDate.UTC(),
		Hours:           in.Hours,
		Extracurricular: true,
		OpenToAll:       true,
		MinAttendance:   minAttendance,
		AchievementIDs:  ids,
		OrganiserID:     in.OrganiserID,
		CreatedAt:       s.now(),
	}, nil
}

// checkActivityText checks the trimmed text fields of in: present where
// required, one line where they are names, and not too long.
func checkActivityText(in ActivityInput) []error {
	var errs []error
	if in.Title == "" {
		errs = append(errs, Invalidf("title", "missing; give the activity a title"))
	}
	if in.Unit == "" {
		errs = append(errs, Invalidf("unit", "missing; name the organising unit, such as Careers Centre"))
	} else {
		errs = append(errs, checkUnit(in.Unit))
	}
	return append(errs,
		CheckLine("title", in.Title),
		CheckMultiline("description", in.Description),
		checkLength("title", in.Title, maxNameLength),
		checkLength("unit", in.Unit, maxNameLength),
		checkLength("description", in.Description, maxTextLength))
}

// checkMinAttendance returns the share of sessions a student must attend:
// DefaultMinAttendance when v is nil, else *v when it is above 0 and at
// most 1. A share of 0 would award the badges to a listed student who
// attended no session, which the scheme does not recognise, so it is
// rejected rather than read as "no rule".
func checkMinAttendance(v *float64) (float64, error) {
	switch {
	case v == nil:
		return DefaultMinAttendance, nil
	case *v == 0:
		return 0, Invalidf("min_attendance", "0 would award the badges to students who attended no session; give a share above 0, such as 0.75 for three quarters of the sessions, or leave it out for %g", DefaultMinAttendance)
	case *v < 0 || *v > 1 || math.IsNaN(*v):
		return 0, Invalidf("min_attendance", "%g: give a share above 0 and at most 1, such as 0.75 for three quarters of the sessions", *v)
	}
	return *v, nil
}

// offeredAchievements resolves codes to achievement ids, checking that each
// exists and that the activity is long enough for it.
func (s *Service) offeredAchievements(ctx context.Context, codes []string, hours float64) ([]string, error) {
	if len(codes) == 0 {
		return nil, Invalidf("achievements", "missing; name at least one badge code the activity offers, such as IPC")
	}

	var errs []error
	var ids []string
	seen := map[string]bool{}
	for _, code := range codes {
		code = strings.ToUpper(strings.TrimSpace(code))
		if seen[code] {
			continue
		}
		seen[code] = true
		if err := CheckLine("achievements", code); err != nil {
			errs = append(errs, err)
			continue
		}
		if !codePattern.MatchString(code) {
			errs = append(errs, Invalidf("achievements", "%q is not a badge code; codes are 1 to 16 capital letters, digits, - or _, such as IPC", code))
			continue
		}

		a, err := s.Store.AchievementByCode(ctx, code)
		if errors.Is(err, ErrNotFound) {
			errs = append(errs, Invalidf("achievements", "no badge has code %q; list the catalogue with GET /api/v1/achievements", code))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("find achievement %s: %w", code, err)
		}
		if a.MinHours > 0 && hours < a.MinHours {
			errs = append(errs, Invalidf("achievements", "badge %s needs an activity of at least %g hours; this one has %g", code, a.MinHours, hours))
		}
		ids = append(ids, a.ID)
	}
	return ids, errors.Join(errs...)
}

func (s *Service) checkOrganiser(ctx context.Context, id string) error {
	if id == "" {
		return nil
	}
	if err := CheckLine("organiser", id); err != nil {
		return err
	}
	u, err := s.Store.User(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return Invalidf("organiser", "no user has id %q", id)
	}
	if err != nil {
		return fmt.Errorf("find organiser: %w", err)
	}
	if u.Role != RoleOrganiser && u.Role != RoleAdmin {
		return Invalidf("organiser", "%s is not an organiser", u.Name)
	}
	return nil
}

// Activity returns an activity the actor may manage.
func (s *Service) Activity(ctx context.Context, actor *User, id string) (*Activity, error) {
	a, err := s.Store.Activity(ctx, id)
	if err != nil {
		return nil, err
	}
	if err := canManageActivity(actor, a); err != nil {
		return nil, err
	}
	return a, nil
}

// Activities lists every activity for an admin and an organiser's own ones otherwise.
func (s *Service) Activities(ctx context.Context, actor *User) ([]*Activity, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if actor.Role == RoleAdmin {
		return s.Store.Activities(ctx, "")
	}
	return s.Store.Activities(ctx, actor.ID)
}

// Enrol registers a student in an activity with their publication consent.
func (s *Service) Enrol(ctx context.Context, actor *User, activityID, studentNumber string, consent bool) error {
	a, err := s.Activity(ctx, actor, activityID)
	if err != nil {
		return err
	}
	studentNumber = strings.TrimSpace(studentNumber)
	if studentNumber == "" {
		return Invalidf("student_id", "missing; give the institution's student number")
	}
	if err := CheckLine("student_id", studentNumber); err != nil {
		return err
	}

	found, err := s.Store.StudentsByNumber(ctx, []string{studentNumber})
	if err != nil {
		return fmt.Errorf("find student: %w", err)
	}
	st, ok := found[studentNumber]
	if !ok {
		return Invalidf("student_id", "no student has id %q", studentNumber)
	}
	if err := s.Store.Enrol(ctx, &Enrolment{ActivityID: a.ID, StudentID: st.ID, PublishConsent: consent, CreatedAt: s.now()}); err != nil {
		return fmt.Errorf("store enrolment: %w", err)
	}
	s.records.invalidate()
	s.audit(ctx, actor, "enrolment.set", a.ID, fmt.Sprintf(`{"student":%q,"publish_consent":%t}`, st.ID, consent))
	return nil
}
