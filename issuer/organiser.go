package issuer

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"text/template"
	"time"
)

// BadgeFit is the guidance for one catalogue badge on an activity of a
// given length: whether it may be offered and what it recognises, so that
// the organiser picks the badges whose nature and learning outcomes match.
type BadgeFit struct {
	Achievement *Achievement
	Fits        bool   // the activity is long enough for the badge
	Reason      string // reason the badge does not fit; empty when it fits
}

// BadgeGuidance lists every catalogue badge with whether an activity of
// the given hours may offer it. Hours of 0 or less mark every badge with a
// minimum as not fitting yet, with a reason that asks for the hours.
func (s *Service) BadgeGuidance(ctx context.Context, actor *User, hours float64) ([]BadgeFit, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	all, err := s.Store.Achievements(ctx)
	if err != nil {
		return nil, fmt.Errorf("list achievements: %w", err)
	}

	out := make([]BadgeFit, 0, len(all))
	for _, a := range all {
		fit := BadgeFit{Achievement: a, Fits: true}
		switch {
		case a.MinHours > 0 && hours <= 0:
			fit.Fits = false
			fit.Reason = fmt.Sprintf("needs an activity of at least %g hours; enter the activity's hours", a.MinHours)
		case a.MinHours > 0 && hours < a.MinHours:
			fit.Fits = false
			fit.Reason = fmt.Sprintf("needs an activity of at least %g hours; this one has %g", a.MinHours, hours)
		}
		out = append(out, fit)
	}
	return out, nil
}

// UpdateActivity checks in against the scheme's rules, like CreateActivity,
// and replaces the activity's details and offered badges. Credentials
// issued before keep what they state. The organiser stays the same.
func (s *Service) UpdateActivity(ctx context.Context, actor *User, id string, in ActivityInput) (*Activity, error) {
	old, err := s.Activity(ctx, actor, id)
	if err != nil {
		return nil, err
	}

	in.OrganiserID = old.OrganiserID
	a, err := s.checkActivity(ctx, in)
	if err != nil {
		return nil, err
	}
	a.ID = old.ID
	a.CreatedAt = old.CreatedAt
	if err := s.Store.UpdateActivity(ctx, a); err != nil {
		return nil, fmt.Errorf("store activity: %w", err)
	}

	s.audit(ctx, actor, "activity.update", a.ID, fmt.Sprintf("%q", a.Title))
	return a, nil
}

// enrolmentTokenBytes is the length of an enrolment token's random part:
// 256 bits cannot be guessed.
const enrolmentTokenBytes = 32

// EnrolmentLink returns the URL at which students enrol in the activity,
// making its token on first use.
func (s *Service) EnrolmentLink(ctx context.Context, actor *User, activityID string) (string, error) {
	a, err := s.Activity(ctx, actor, activityID)
	if err != nil {
		return "", err
	}

	random := make([]byte, enrolmentTokenBytes)
	if _, err := rand.Read(random); err != nil {
		return "", fmt.Errorf("make enrolment token: %w", err)
	}
	token, err := s.Store.EnsureEnrolmentToken(ctx, a.ID, base64.RawURLEncoding.EncodeToString(random))
	if err != nil {
		return "", fmt.Errorf("store enrolment token: %w", err)
	}
	return s.URLs.Enrolment(token), nil
}

// EnrolmentActivity returns the activity of an enrolment link's token, or
// ErrNotFound.
func (s *Service) EnrolmentActivity(ctx context.Context, token string) (*Activity, error) {
	if token == "" {
		return nil, ErrNotFound
	}
	return s.Store.ActivityByEnrolmentToken(ctx, token)
}

// EnrolByLink enrols a signed-in student in the activity of an enrolment
// link, with their choice of publication, or changes that choice.
// Graduated students earn no new badges, so they cannot enrol.
func (s *Service) EnrolByLink(ctx context.Context, st *Student, token string, consent bool) (*Activity, error) {
	if st == nil {
		return nil, ErrUnauthenticated
	}
	a, err := s.EnrolmentActivity(ctx, token)
	if err != nil {
		return nil, err
	}
	if st.Status == Graduated {
		return nil, Invalidf("student", "graduated students cannot enrol in new activities; earlier badges stay valid")
	}

	e := &Enrolment{ActivityID: a.ID, StudentID: st.ID, PublishConsent: consent, CreatedAt: s.now()}
	if err := s.Store.Enrol(ctx, e); err != nil {
		return nil, fmt.Errorf("store enrolment: %w", err)
	}
	s.records.invalidate()
	s.audit(ctx, studentActor(st), "enrolment.set", a.ID, fmt.Sprintf(`{"student":%q,"publish_consent":%t}`, st.ID, consent))
	return a, nil
}

// studentActor returns the audit actor for a change a student makes. The
// prefix keeps student ids apart from staff user ids in the audit log.
func studentActor(st *Student) *User {
	return &User{ID: "student:" + st.ID, Name: st.Name}
}

// DefaultPromotionRemark is the text/template of the promotion remark when
// the Service sets none. It receives a PromotionData.
const DefaultPromotionRemark = `Participants who meet the attendance requirement of this activity ` +
	`({{percent .Activity.MinAttendance}} of the sessions) will receive ` +
	`{{if eq (len .Badges) 1}}the digital badge{{else}}the digital badges{{end}} ` +
	`{{range $i, $b := .Badges}}{{if $i}}{{if last $i $.Badges}} and {{else}}, {{end}}{{end}}"{{$b.Name}}" ({{$b.Code}}){{end}} ` +
	`of the {{.IssuerName}} Digital Badges Scheme.`

// PromotionData is the data of a promotion remark template.
type PromotionData struct {
	IssuerName string
	Activity   *Activity
	Badges     []*Achievement
}

var promotionFuncs = template.FuncMap{
	"percent": func(share float64) string { return fmt.Sprintf("%g%%", share*100) },
	"last":    func(i int, badges []*Achievement) bool { return i == len(badges)-1 },
}

// ParsePromotionRemark parses a promotion remark template and checks that
// it runs on sample data, so that a broken template fails at start.
func ParsePromotionRemark(text string) (*template.Template, error) {
	t, err := template.New("promotion").Funcs(promotionFuncs).Parse(text)
	if err != nil {
		return nil, fmt.Errorf("parse promotion remark template: %w", err)
	}
	sample := PromotionData{
		IssuerName: "Example College",
		Activity:   &Activity{Title: "Workshop", MinAttendance: DefaultMinAttendance},
		Badges:     []*Achievement{{Code: "IPC", Name: "Informed and Professionally Competent"}},
	}
	if err := t.Execute(new(bytes.Buffer), sample); err != nil {
		return nil, fmt.Errorf("run promotion remark template: %w", err)
	}
	return t, nil
}

var defaultPromotionTemplate = template.Must(template.New("promotion").Funcs(promotionFuncs).Parse(DefaultPromotionRemark))

// Promotion is the material for an activity's promotion: the
// ready-to-paste remark and the badges it names.
type Promotion struct {
	Remark string
	Badges []*Achievement
}

// Promotion returns the promotion remark and badges of an activity.
func (s *Service) Promotion(ctx context.Context, actor *User, activityID string) (*Promotion, error) {
	a, err := s.Activity(ctx, actor, activityID)
	if err != nil {
		return nil, err
	}
	badges, err := s.activityAchievements(ctx, a)
	if err != nil {
		return nil, err
	}

	issuerName := "the institution"
	p, err := s.Store.Profile(ctx)
	switch {
	case err == nil:
		issuerName = p.Name
	case !errors.Is(err, ErrNotFound):
		return nil, fmt.Errorf("read issuer profile: %w", err)
	}

	t := s.PromotionRemark
	if t == nil {
		t = defaultPromotionTemplate
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, PromotionData{IssuerName: issuerName, Activity: a, Badges: badges}); err != nil {
		return nil, fmt.Errorf("write promotion remark: %w", err)
	}
	return &Promotion{Remark: strings.TrimSpace(buf.String()), Badges: badges}, nil
}

// pendingUploadTTL is how long a previewed attendance file waits for its
// confirmation. A day covers an organiser who checks the preview with
// colleagues; older files are removed when the next one is kept.
const pendingUploadTTL = 24 * time.Hour

// PreviewUpload checks an attendance file without issuing and keeps it
// for ConfirmUpload. A file with blocking problems is kept as well, so
// that the organiser can withhold the rows at fault and confirm. The
// returned id names the kept file.
func (s *Service) PreviewUpload(ctx context.Context, actor *User, req UploadRequest) (string, *UploadResult, error) {
	req.DryRun = true
	res, err := s.ProcessUpload(ctx, actor, req)
	if err != nil && !errors.Is(err, ErrInvalid) {
		return "", nil, err
	}
	if res == nil {
		return "", nil, err
	}

	if n, err := s.Store.DeletePendingUploadsBefore(ctx, s.now().Add(-pendingUploadTTL)); err != nil {
		s.logger().ErrorContext(ctx, "delete old pending uploads", "err", err)
	} else if n > 0 {
		s.logger().InfoContext(ctx, "deleted old pending uploads", "count", n)
	}

	p := &PendingUpload{
		ActivityID:  req.ActivityID,
		UserID:      actor.ID,
		Filename:    req.Filename,
		ContentType: req.ContentType,
		Data:        req.Data,
		CreatedAt:   s.now(),
	}
	if err := s.Store.CreatePendingUpload(ctx, p); err != nil {
		return "", nil, fmt.Errorf("keep attendance file: %w", err)
	}
	return p.ID, res, nil
}

// PendingPreview checks a kept attendance file again with a new list of
// withheld students, without issuing.
func (s *Service) PendingPreview(ctx context.Context, actor *User, pendingID string, withhold []string) (*PendingUpload, *UploadResult, error) {
	p, err := s.pendingUpload(ctx, actor, pendingID)
	if err != nil {
		return nil, nil, err
	}
	res, err := s.ProcessUpload(ctx, actor, p.request(true, withhold))
	if err != nil && !errors.Is(err, ErrInvalid) {
		return nil, nil, err
	}
	return p, res, err
}

// ConfirmUpload issues the awards of a kept attendance file, leaving out
// the students in withhold, and removes the kept file once issued. When
// problems remain, nothing is issued and the file stays for another try.
func (s *Service) ConfirmUpload(ctx context.Context, actor *User, pendingID string, withhold []string) (*UploadResult, error) {
	p, err := s.pendingUpload(ctx, actor, pendingID)
	if err != nil {
		return nil, err
	}
	res, err := s.ProcessUpload(ctx, actor, p.request(false, withhold))
	if err != nil {
		return res, err
	}

	if err := s.Store.DeletePendingUpload(ctx, p.ID); err != nil {
		// The awards are issued; a leftover file only expires later.
		s.logger().ErrorContext(ctx, "delete confirmed pending upload", "pending_upload", p.ID, "err", err)
	}
	return res, nil
}

// PendingUpload returns a kept file that actor previewed, so that the
// caller can choose between ConfirmUpload and ConfirmUploadInBackground.
func (s *Service) PendingUpload(ctx context.Context, actor *User, pendingID string) (*PendingUpload, error) {
	return s.pendingUpload(ctx, actor, pendingID)
}

// ConfirmUploadInBackground queues the issuing of a kept attendance file,
// leaving out the students in withhold, and removes the kept file, because
// the run stores its own copy. Problems in the file end the run as failed.
func (s *Service) ConfirmUploadInBackground(ctx context.Context, actor *User, pendingID string, withhold []string) (*UploadRun, error) {
	p, err := s.pendingUpload(ctx, actor, pendingID)
	if err != nil {
		return nil, err
	}
	run, err := s.StartUploadRun(ctx, actor, p.request(false, withhold))
	if err != nil {
		return nil, err
	}

	if err := s.Store.DeletePendingUpload(ctx, p.ID); err != nil {
		// The run is queued; a leftover file only expires later.
		s.logger().ErrorContext(ctx, "delete queued pending upload", "pending_upload", p.ID, "err", err)
	}
	return run, nil
}

// pendingUpload returns a kept file that actor previewed. Another user's
// file is ErrNotFound, so that its id reveals nothing.
func (s *Service) pendingUpload(ctx context.Context, actor *User, id string) (*PendingUpload, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	p, err := s.Store.PendingUpload(ctx, id)
	if err != nil {
		return nil, err
	}
	if p.UserID != actor.ID {
		return nil, fmt.Errorf("pending upload %s belongs to another user: %w", id, ErrNotFound)
	}
	if s.now().Sub(p.CreatedAt) > pendingUploadTTL {
		return nil, Invalidf("file", "the preview of %s is older than %s; upload the file again", p.Filename, pendingUploadTTL)
	}
	return p, nil
}

func (p *PendingUpload) request(dryRun bool, withhold []string) UploadRequest {
	return UploadRequest{
		ActivityID:  p.ActivityID,
		Filename:    p.Filename,
		ContentType: p.ContentType,
		Data:        p.Data,
		DryRun:      dryRun,
		Withhold:    withhold,
	}
}

// UploadCredentials returns an upload and the credentials it issued, in
// the order of the store's award listing.
func (s *Service) UploadCredentials(ctx context.Context, actor *User, uploadID string) (*Upload, []IssuedCredential, error) {
	u, err := s.Upload(ctx, actor, uploadID)
	if err != nil {
		return nil, nil, err
	}
	awards, err := s.Store.Awards(ctx, AwardFilter{UploadID: u.ID})
	if err != nil {
		return nil, nil, fmt.Errorf("list awards of upload %s: %w", u.ID, err)
	}
	achievements, err := s.Store.Achievements(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list achievements: %w", err)
	}
	codes := make(map[string]string, len(achievements))
	for _, a := range achievements {
		codes[a.ID] = a.Code
	}

	numbers := map[string]string{}
	out := make([]IssuedCredential, 0, len(awards))
	for _, a := range awards {
		number, ok := numbers[a.StudentID]
		if !ok {
			st, err := s.Store.Student(ctx, a.StudentID)
			if err != nil {
				return nil, nil, fmt.Errorf("read student %s: %w", a.StudentID, err)
			}
			number = st.Number
			numbers[a.StudentID] = number
		}
		out = append(out, IssuedCredential{
			CredentialID:    a.Credential.ID,
			URL:             s.URLs.Credential(a.Credential.ID),
			StudentNumber:   number,
			AchievementCode: codes[a.AchievementID],
		})
	}
	return u, out, nil
}
