package issuer

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
)

// CredentialByID returns the public award behind a credential id. Anyone may
// read it: the credential URL is the share link.
func (s *Service) CredentialByID(ctx context.Context, credentialID string) (*Award, error) {
	return s.Store.AwardByCredential(ctx, credentialID)
}

// Awards lists awards. Organisers must name one of their own activities.
func (s *Service) Awards(ctx context.Context, actor *User, f AwardFilter) ([]*Award, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	if actor.Role != RoleAdmin {
		if f.ActivityID == "" {
			return nil, Invalidf("activity", "organisers must name one of their activities")
		}
		if _, err := s.Activity(ctx, actor, f.ActivityID); err != nil {
			return nil, err
		}
	}
	return s.Store.Awards(ctx, f)
}

// Uploads lists the uploads of an activity the actor manages.
func (s *Service) Uploads(ctx context.Context, actor *User, activityID string) ([]*Upload, error) {
	if _, err := s.Activity(ctx, actor, activityID); err != nil {
		return nil, err
	}
	return s.Store.Uploads(ctx, activityID)
}

// Upload returns an upload, with its original file, of an activity the actor manages.
func (s *Service) Upload(ctx context.Context, actor *User, id string) (*Upload, error) {
	u, err := s.Store.Upload(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := s.Activity(ctx, actor, u.ActivityID); err != nil {
		return nil, err
	}
	return u, nil
}

// TemplateStudents returns the enrolled students to pre-fill an activity's
// attendance template; the list is empty when no student has enrolled.
func (s *Service) TemplateStudents(ctx context.Context, actor *User, activityID string) (*Activity, []*Student, error) {
	act, err := s.Activity(ctx, actor, activityID)
	if err != nil {
		return nil, nil, err
	}
	students, err := s.Store.Enrolments(ctx, act.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("list enrolments: %w", err)
	}
	return act, students, nil
}

// Profile returns the issuer profile.
func (s *Service) Profile(ctx context.Context) (*Profile, error) {
	return s.Store.Profile(ctx)
}

// hexColor matches a colour written as #rrggbb.
var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// SetProfile replaces the issuer profile.
func (s *Service) SetProfile(ctx context.Context, actor *User, p *Profile) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	if p.Name == "" {
		return Invalidf("name", "missing; give the institution's name")
	}
	var errs []error
	if p.URL != "" && !isWebURL(p.URL) {
		errs = append(errs, Invalidf("url", "%q is not an absolute http or https URL such as https://www.example.edu", p.URL))
	}
	if p.ImageURL != "" && !isWebURL(p.ImageURL) {
		errs = append(errs, Invalidf("image", "%q is not an absolute http or https URL of the logo", p.ImageURL))
	}
	for _, c := range []struct{ field, value string }{{"color", p.Color}, {"accent_color", p.AccentColor}} {
		if c.value != "" && !hexColor.MatchString(c.value) {
			errs = append(errs, Invalidf(c.field, "%q is not a colour written as #rrggbb, such as #1f3a5f", c.value))
		}
	}
	if a, err := mail.ParseAddress(p.Email); p.Email != "" && (err != nil || a.Address != p.Email) {
		errs = append(errs, Invalidf("email", "%q is not an email address such as badges@example.edu", p.Email))
	}
	errs = append(errs,
		CheckLine("name", p.Name),
		CheckLine("url", p.URL),
		CheckLine("email", p.Email),
		CheckMultiline("description", p.Description),
		CheckLine("image", p.ImageURL),
		checkLength("name", p.Name, maxNameLength),
		checkLength("description", p.Description, maxTextLength))
	if err := errors.Join(errs...); err != nil {
		return err
	}
	p.UpdatedAt = s.now()
	if err := s.Store.SetProfile(ctx, p); err != nil {
		return fmt.Errorf("store profile: %w", err)
	}
	s.audit(ctx, actor, "profile.set", "", fmt.Sprintf("%q", p.Name))
	return nil
}

// Achievement returns an achievement definition. Anyone may read it:
// every credential links to it.
func (s *Service) Achievement(ctx context.Context, id string) (*Achievement, error) {
	return s.Store.Achievement(ctx, id)
}

// PublicActivity returns an activity as evidence for its credentials.
// Anyone may read it: activities are promoted openly, and the record holds
// no personal data.
func (s *Service) PublicActivity(ctx context.Context, id string) (*Activity, error) {
	return s.Store.Activity(ctx, id)
}

// UnitExists reports whether any activity is organised by the unit called name.
//
// NOTE: this scans every activity; a store query would be needed once an
// institution has tens of thousands of activities.
func (s *Service) UnitExists(ctx context.Context, name string) (bool, error) {
	acts, err := s.Store.Activities(ctx, "")
	if err != nil {
		return false, fmt.Errorf("list activities: %w", err)
	}
	for _, a := range acts {
		if a.Unit == name {
			return true, nil
		}
	}
	return false, nil
}
