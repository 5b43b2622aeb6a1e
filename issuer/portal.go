package issuer

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// graduateAttributeTag marks the catalogue badges that count towards
// "all of them" in a student's progress.
const graduateAttributeTag = "graduate attribute"

// StudentBadge is one of a student's awards with what the student's pages
// show about it.
type StudentBadge struct {
	Award       *Award
	Achievement *Achievement
	Activity    *Activity
	Published   bool // shown on the Records of Achievement
}

// BadgeProgress is one graduate-attribute badge and how often the student
// earned it; Count counts active awards only.
type BadgeProgress struct {
	Achievement *Achievement
	Count       int
}

// Progress is a student's progress towards every graduate-attribute badge.
type Progress struct {
	Badges []BadgeProgress
	Earned int // badges with at least one active award
}

// ActivityRecord is one activity in a student's history: one they enrolled
// in, earned a badge from, or both.
type ActivityRecord struct {
	Activity       *Activity
	Enrolled       bool
	PublishConsent bool      // the choice made at enrolment
	EnrolledAt     time.Time // zero when not enrolled
	Badges         []*Achievement
}

// studentView is everything about one student that the portal pages
// combine, read once per page.
type studentView struct {
	achievements map[string]*Achievement
	catalogue    []*Achievement
	awards       []*Award
	enrolments   []*Enrolment
	setting      *PublicationSetting
}

func (s *Service) loadStudentView(ctx context.Context, st *Student) (*studentView, error) {
	if st == nil {
		return nil, ErrUnauthenticated
	}
	v := &studentView{achievements: map[string]*Achievement{}}
	var err error
	if v.catalogue, err = s.Store.Achievements(ctx); err != nil {
		return nil, fmt.Errorf("list achievements: %w", err)
	}
	for _, a := range v.catalogue {
		v.achievements[a.ID] = a
	}
	if v.awards, err = s.Store.Awards(ctx, AwardFilter{StudentID: st.ID}); err != nil {
		return nil, fmt.Errorf("list awards of student %s: %w", st.ID, err)
	}
	if v.enrolments, err = s.Store.StudentEnrolments(ctx, st.ID); err != nil {
		return nil, fmt.Errorf("list enrolments of student %s: %w", st.ID, err)
	}
	if v.setting, err = s.Store.PublicationSetting(ctx, st.ID); err != nil {
		return nil, fmt.Errorf("read publication setting: %w", err)
	}
	return v, nil
}

// published reports whether the Records of Achievement show award a. The
// store's records query applies the same rule.
func (v *studentView) published(a *Award) bool {
	if a.Status != AwardActive {
		return false
	}
	switch v.setting.Mode {
	case PublishAll:
		return true
	case PublishNone:
		return false
	case PublishSelected:
		return slices.Contains(v.setting.AwardIDs, a.ID)
	}
	for _, e := range v.enrolments {
		if e.ActivityID == a.ActivityID {
			return e.PublishConsent
		}
	}
	return false
}

// StudentBadges lists a student's awards, newest first, revoked ones included.
func (s *Service) StudentBadges(ctx context.Context, st *Student) ([]*StudentBadge, error) {
	v, err := s.loadStudentView(ctx, st)
	if err != nil {
		return nil, err
	}
	activities := map[string]*Activity{}
	out := make([]*StudentBadge, 0, len(v.awards))
	for _, a := range v.awards {
		act, err := s.cachedActivity(ctx, activities, a.ActivityID)
		if err != nil {
			return nil, err
		}
		out = append(out, &StudentBadge{Award: a, Achievement: v.achievements[a.AchievementID], Activity: act, Published: v.published(a)})
	}
	return out, nil
}

// StudentBadge returns one of the student's awards. An award of another
// student is ErrForbidden.
func (s *Service) StudentBadge(ctx context.Context, st *Student, awardID string) (*StudentBadge, error) {
	badges, err := s.StudentBadges(ctx, st)
	if err != nil {
		return nil, err
	}
	for _, b := range badges {
		if b.Award.ID == awardID {
			return b, nil
		}
	}
	if _, err := s.Store.Award(ctx, awardID); err != nil {
		return nil, err
	}
	return nil, fmt.Errorf("award %s belongs to another student: %w", awardID, ErrForbidden)
}

func (s *Service) cachedActivity(ctx context.Context, cache map[string]*Activity, id string) (*Activity, error) {
	if a, ok := cache[id]; ok {
		return a, nil
	}
	a, err := s.Store.Activity(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read activity %s: %w", id, err)
	}
	cache[id] = a
	return a, nil
}

// StudentProgress counts the student's active awards of each
// graduate-attribute badge: those tagged "graduate attribute", or every
// catalogue badge when none is tagged.
func (s *Service) StudentProgress(ctx context.Context, st *Student) (*Progress, error) {
	v, err := s.loadStudentView(ctx, st)
	if err != nil {
		return nil, err
	}

	counts := map[string]int{}
	for _, a := range v.awards {
		if a.Status == AwardActive {
			counts[a.AchievementID]++
		}
	}

	p := &Progress{}
	for _, a := range graduateAttributes(v.catalogue) {
		p.Badges = append(p.Badges, BadgeProgress{Achievement: a, Count: counts[a.ID]})
		if counts[a.ID] > 0 {
			p.Earned++
		}
	}
	return p, nil
}

func graduateAttributes(catalogue []*Achievement) []*Achievement {
	var tagged []*Achievement
	for _, a := range catalogue {
		if slices.ContainsFunc(a.Tags, func(t string) bool { return strings.EqualFold(t, graduateAttributeTag) }) {
			tagged = append(tagged, a)
		}
	}
	if len(tagged) == 0 {
		return catalogue
	}
	return tagged
}

// StudentActivities lists the activities a student enrolled in or earned a
// badge from, latest start first.
func (s *Service) StudentActivities(ctx context.Context, st *Student) ([]*ActivityRecord, error) {
	v, err := s.loadStudentView(ctx, st)
	if err != nil {
		return nil, err
	}

	byID := map[string]*ActivityRecord{}
	activities := map[string]*Activity{}
	record := func(id string) (*ActivityRecord, error) {
		if r, ok := byID[id]; ok {
			return r, nil
		}
		a, err := s.cachedActivity(ctx, activities, id)
		if err != nil {
			return nil, err
		}
		r := &ActivityRecord{Activity: a}
		byID[id] = r
		return r, nil
	}

	for _, e := range v.enrolments {
		r, err := record(e.ActivityID)
		if err != nil {
			return nil, err
		}
		r.Enrolled, r.PublishConsent, r.EnrolledAt = true, e.PublishConsent, e.CreatedAt
	}
	for _, a := range v.awards {
		r, err := record(a.ActivityID)
		if err != nil {
			return nil, err
		}
		if a.Status == AwardActive {
			r.Badges = append(r.Badges, v.achievements[a.AchievementID])
		}
	}

	out := make([]*ActivityRecord, 0, len(byID))
	for _, r := range byID {
		out = append(out, r)
	}
	slices.SortFunc(out, func(a, b *ActivityRecord) int {
		return cmp.Or(b.Activity.StartDate.Compare(a.Activity.StartDate), strings.Compare(a.Activity.ID, b.Activity.ID))
	})
	return out, nil
}

// PublicationSetting returns the student's choice for the Records of Achievement.
func (s *Service) PublicationSetting(ctx context.Context, st *Student) (*PublicationSetting, error) {
	if st == nil {
		return nil, ErrUnauthenticated
	}
	return s.Store.PublicationSetting(ctx, st.ID)
}

// SetPublication records the student's choice for the Records of
// Achievement. awardIDs name the published awards for PublishSelected and
// must be the student's own; other modes ignore them.
func (s *Service) SetPublication(ctx context.Context, st *Student, mode PublicationMode, awardIDs []string) error {
	if st == nil {
		return ErrUnauthenticated
	}
	switch mode {
	case PublishByEnrolment, PublishAll, PublishNone:
		awardIDs = nil
	case PublishSelected:
	default:
		return Invalidf("mode", "%q is not a publication choice; choose enrolment, all, none or selected", mode)
	}

	awardIDs = slices.Compact(slices.Sorted(slices.Values(awardIDs)))
	if err := s.checkOwnAwards(ctx, st, awardIDs); err != nil {
		return err
	}

	p := &PublicationSetting{StudentID: st.ID, Mode: mode, AwardIDs: awardIDs, UpdatedAt: s.now()}
	if err := s.Store.SetPublicationSetting(ctx, p); err != nil {
		return fmt.Errorf("store publication setting: %w", err)
	}
	s.records.invalidate()
	s.audit(ctx, studentActor(st), "publication.set", st.ID, fmt.Sprintf(`{"mode":%q,"awards":%d}`, mode, len(p.AwardIDs)))
	return nil
}

// checkOwnAwards returns a ValidationError naming the first of awardIDs
// that is not an award of st. An award of another student gets the same
// message as an unknown id, so that the error reveals nothing about it.
func (s *Service) checkOwnAwards(ctx context.Context, st *Student, awardIDs []string) error {
	if len(awardIDs) == 0 {
		return nil
	}
	awards, err := s.Store.Awards(ctx, AwardFilter{StudentID: st.ID})
	if err != nil {
		return fmt.Errorf("list awards of student %s: %w", st.ID, err)
	}
	own := make(map[string]bool, len(awards))
	for _, a := range awards {
		own[a.ID] = true
	}
	for _, id := range awardIDs {
		if !own[id] {
			return Invalidf("award_ids", "%q is not one of your awards; use the award ids of your own badges", id)
		}
	}
	return nil
}

// maxTranscriptNoteLength limits the delivery note of a transcript
// request, in characters: an address and a sentence fit.
const maxTranscriptNoteLength = 1000

// RequestTranscript records a student's request for a printed transcript,
// which the learning advisor sees in the list of requests.
func (s *Service) RequestTranscript(ctx context.Context, st *Student, note string) (*TranscriptRequest, error) {
	if st == nil {
		return nil, ErrUnauthenticated
	}
	note = strings.TrimSpace(note)
	if err := CheckMultiline("note", note); err != nil {
		return nil, err
	}
	if err := checkLength("note", note, maxTranscriptNoteLength); err != nil {
		return nil, err
	}

	r := &TranscriptRequest{StudentID: st.ID, Note: note, RequestedAt: s.now()}
	if err := s.Store.CreateTranscriptRequest(ctx, r); err != nil {
		return nil, fmt.Errorf("store transcript request: %w", err)
	}
	s.audit(ctx, studentActor(st), "transcript.request", r.ID, "")
	return r, nil
}

// StudentTranscriptRequests lists the student's own transcript requests, newest first.
func (s *Service) StudentTranscriptRequests(ctx context.Context, st *Student) ([]*TranscriptRequest, error) {
	if st == nil {
		return nil, ErrUnauthenticated
	}
	return s.Store.TranscriptRequests(ctx, st.ID)
}

// TranscriptRequests lists every transcript request, newest first, for the admin.
func (s *Service) TranscriptRequests(ctx context.Context, actor *User) ([]*TranscriptRequest, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.Store.TranscriptRequests(ctx, "")
}

// ActivityBadges returns the achievements an activity offers, in offer
// order. Enrolment pages show them to students.
func (s *Service) ActivityBadges(ctx context.Context, a *Activity) ([]*Achievement, error) {
	return s.activityAchievements(ctx, a)
}

// TranscriptRequestView is a transcript request with its student.
type TranscriptRequestView struct {
	Request *TranscriptRequest
	Student *Student
}

// TranscriptRequestsWithStudents lists every transcript request, newest
// first, with its student, for the admin.
func (s *Service) TranscriptRequestsWithStudents(ctx context.Context, actor *User) ([]TranscriptRequestView, error) {
	requests, err := s.TranscriptRequests(ctx, actor)
	if err != nil {
		return nil, err
	}
	students := map[string]*Student{}
	out := make([]TranscriptRequestView, 0, len(requests))
	for _, r := range requests {
		st, ok := students[r.StudentID]
		if !ok {
			if st, err = s.Store.Student(ctx, r.StudentID); err != nil {
				return nil, fmt.Errorf("read student %s: %w", r.StudentID, err)
			}
			students[r.StudentID] = st
		}
		out = append(out, TranscriptRequestView{Request: r, Student: st})
	}
	return out, nil
}

// Catalogue lists every achievement, ordered by code. The catalogue is
// public: credentials link to each achievement.
func (s *Service) Catalogue(ctx context.Context) ([]*Achievement, error) {
	return s.Store.Achievements(ctx)
}
