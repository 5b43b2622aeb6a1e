package issuer_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/laurel-badges/laurel/issuer"
)

// organiserFixture adds two organisers, one owning a new activity, to the harness.
func organiserFixture(t *testing.T, h *harness) (owner, other *issuer.User, act *issuer.Activity) {
	t.Helper()
	ctx := context.Background()
	owner = &issuer.User{Name: "owner", Email: "owner@example.edu", Role: issuer.RoleOrganiser, CanUpload: true}
	other = &issuer.User{Name: "other", Email: "other@example.edu", Role: issuer.RoleOrganiser, CanUpload: true}
	for _, u := range []*issuer.User{owner, other} {
		if err := h.db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	day := time.Date(2026, 11, 9, 0, 0, 0, 0, time.UTC)
	act, err := h.svc.CreateActivity(ctx, owner, issuer.ActivityInput{
		Title: "Mock Interviews", Unit: "Careers Centre", StartDate: day, EndDate: day, Hours: 3,
		AchievementCodes: []string{"EC", "IPC"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return owner, other, act
}

func studentByNumber(t *testing.T, h *harness, number string) *issuer.Student {
	t.Helper()
	found, err := h.db.StudentsByNumber(context.Background(), []string{number})
	if err != nil {
		t.Fatal(err)
	}
	st, ok := found[number]
	if !ok {
		t.Fatalf("no demo student %s", number)
	}
	return st
}

func TestUpdateActivityRules(t *testing.T) {
	h := newHarness(t)
	owner, other, act := organiserFixture(t, h)
	ctx := context.Background()
	in := issuer.ActivityInput{
		Title: "Mock Interviews, two rounds", Unit: "Careers Centre",
		StartDate: act.StartDate, EndDate: act.EndDate.AddDate(0, 0, 1), Hours: 6,
		AchievementCodes: []string{"PS"},
	}

	got, err := h.svc.UpdateActivity(ctx, owner, act.ID, in)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := h.db.Activity(ctx, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	if stored.Title != in.Title || stored.Hours != 6 || len(stored.AchievementIDs) != 1 {
		t.Errorf("stored activity = %+v, want the new title, 6 hours and one badge", stored)
	}
	if got.OrganiserID != owner.ID || stored.OrganiserID != owner.ID {
		t.Errorf("organiser = %q, want %q kept", stored.OrganiserID, owner.ID)
	}

	if _, err := h.svc.UpdateActivity(ctx, other, act.ID, in); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("other organiser's update: error = %v, want ErrForbidden", err)
	}

	curricular := in
	curricular.Curricular = true
	_, err = h.svc.UpdateActivity(ctx, owner, act.ID, curricular)
	if !errors.Is(err, issuer.ErrInvalid) || !strings.Contains(err.Error(), "extracurricular") {
		t.Errorf("curricular update: error = %v, want ErrInvalid naming extracurricular activities", err)
	}
}

func TestBadgeGuidanceHours(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	a, err := h.db.AchievementByCode(ctx, "PS")
	if err != nil {
		t.Fatal(err)
	}
	a.MinHours = 6
	if err := h.db.UpdateAchievement(ctx, a); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		hours      float64
		wantFits   bool
		wantReason string
	}{
		{0, false, "enter the activity's hours"},
		{3, false, "at least 6 hours; this one has 3"},
		{6, true, ""},
	}
	for _, tt := range tests {
		fits, err := h.svc.BadgeGuidance(ctx, issuer.System, tt.hours)
		if err != nil {
			t.Fatal(err)
		}
		if len(fits) != 6 {
			t.Fatalf("guidance lists %d badges, want the 6 of the catalogue", len(fits))
		}
		for _, f := range fits {
			if f.Achievement.Code != "PS" {
				if !f.Fits {
					t.Errorf("hours %g: badge %s without minimum does not fit: %s", tt.hours, f.Achievement.Code, f.Reason)
				}
				continue
			}
			if f.Fits != tt.wantFits || !strings.Contains(f.Reason, tt.wantReason) {
				t.Errorf("hours %g: PS fits = %t, reason %q; want %t with %q", tt.hours, f.Fits, f.Reason, tt.wantFits, tt.wantReason)
			}
		}
	}

	if _, err := h.svc.BadgeGuidance(ctx, nil, 3); !errors.Is(err, issuer.ErrUnauthenticated) {
		t.Errorf("anonymous guidance: error = %v, want ErrUnauthenticated", err)
	}
}

func TestPromotionRemarkNamesBadges(t *testing.T) {
	h := newHarness(t)
	owner, other, act := organiserFixture(t, h)
	ctx := context.Background()

	p, err := h.svc.Promotion(ctx, owner, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := `Participants who meet the attendance requirement of this activity (75% of the sessions) will receive ` +
		`the digital badges "Effective Communicator" (EC) and "Informed and Professionally Competent" (IPC) ` +
		`of the Example College Digital Badges Scheme.`
	if p.Remark != want {
		t.Errorf("remark:\n got  %s\n want %s", p.Remark, want)
	}
	if len(p.Badges) != 2 || p.Badges[0].Code != "EC" {
		t.Errorf("badges = %d, first %s; want EC then IPC", len(p.Badges), p.Badges[0].Code)
	}

	custom, err := issuer.ParsePromotionRemark(`Earn {{range .Badges}}[{{.Code}}]{{end}} at {{.Activity.Title}}.`)
	if err != nil {
		t.Fatal(err)
	}
	h.svc.PromotionRemark = custom
	p, err = h.svc.Promotion(ctx, owner, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p.Remark != "Earn [EC][IPC] at Mock Interviews." {
		t.Errorf("custom remark = %q", p.Remark)
	}

	if _, err := h.svc.Promotion(ctx, other, act.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("other organiser: error = %v, want ErrForbidden", err)
	}
}

func TestParsePromotionRemarkRejects(t *testing.T) {
	for _, text := range []string{"{{.Missing", "{{.Activity.Nope}}"} {
		if _, err := issuer.ParsePromotionRemark(text); err == nil {
			t.Errorf("ParsePromotionRemark(%q) = nil error, want one", text)
		}
	}
}

func TestEnrolByLink(t *testing.T) {
	h := newHarness(t)
	owner, other, act := organiserFixture(t, h)
	ctx := context.Background()

	link, err := h.svc.EnrolmentLink(ctx, owner, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	again, err := h.svc.EnrolmentLink(ctx, owner, act.ID)
	if err != nil {
		t.Fatal(err)
	}
	if link != again {
		t.Errorf("second link %s differs from the first %s", again, link)
	}
	token, ok := strings.CutPrefix(link, testBase+"/enrol/")
	if !ok || len(token) < 43 {
		t.Fatalf("link %s: want %s/enrol/ and a token of at least 43 characters", link, testBase)
	}
	if _, err := h.svc.EnrolmentLink(ctx, other, act.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("other organiser's link: error = %v, want ErrForbidden", err)
	}

	st := studentByNumber(t, h, "015766261")
	got, err := h.svc.EnrolByLink(ctx, st, token, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != act.ID {
		t.Errorf("enrolled in %s, want %s", got.ID, act.ID)
	}
	enrolled, err := h.db.StudentEnrolments(ctx, st.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(enrolled) != 1 || !enrolled[0].PublishConsent {
		t.Errorf("enrolments = %+v, want one with consent", enrolled)
	}

	if _, err := h.svc.EnrolByLink(ctx, st, token+"x", true); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("wrong token: error = %v, want ErrNotFound", err)
	}
	st.Status = issuer.Graduated
	if _, err := h.svc.EnrolByLink(ctx, st, token, true); !errors.Is(err, issuer.ErrInvalid) {
		t.Errorf("graduated student: error = %v, want ErrInvalid", err)
	}
}

func TestPreviewConfirmWithhold(t *testing.T) {
	h := newHarness(t)
	owner, other, act := organiserFixture(t, h)
	ctx := context.Background()
	file := []byte("student_id,name,sessions_attended,sessions_total\n" +
		"015766261,TSE Cheuk Hin Marco,4,4\n" +
		"039898513,KWOK Kwan Ho Natalie,4,4\n" +
		"999999999,Nobody,4,4\n")
	req := issuer.UploadRequest{ActivityID: act.ID, Filename: "attendance.csv", ContentType: "text/csv", Data: file}

	id, preview, err := h.svc.PreviewUpload(ctx, owner, req)
	if err != nil {
		t.Fatal(err)
	}
	if !preview.Blocking() {
		t.Fatalf("preview counts = %+v, want a blocking problem for the unknown student", preview.Counts)
	}

	if _, err := h.svc.ConfirmUpload(ctx, other, id, nil); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("other organiser's confirm: error = %v, want ErrNotFound", err)
	}
	if _, err := h.svc.ConfirmUpload(ctx, owner, id, nil); !errors.Is(err, issuer.ErrInvalid) {
		t.Errorf("confirm with the problem: error = %v, want ErrInvalid", err)
	}

	withhold := []string{"999999999", "039898513"}
	_, again, err := h.svc.PendingPreview(ctx, owner, id, withhold)
	if err != nil {
		t.Fatal(err)
	}
	if again.Blocking() || again.Counts.Withheld != 2 || again.Counts.Students != 1 {
		t.Errorf("preview with withheld rows: counts = %+v, want 1 student, 2 withheld, no problem", again.Counts)
	}

	res, err := h.svc.ConfirmUpload(ctx, owner, id, withhold)
	if err != nil {
		t.Fatal(err)
	}
	if res.Counts.Awards != 2 || res.Counts.Withheld != 2 || len(res.Credentials) != 2 {
		t.Errorf("confirm counts = %+v, %d credentials; want 2 awards for one student", res.Counts, len(res.Credentials))
	}
	if _, err := h.db.PendingUpload(ctx, id); !errors.Is(err, issuer.ErrNotFound) {
		t.Errorf("pending upload after confirm: error = %v, want ErrNotFound", err)
	}
}

func TestStudentPortal(t *testing.T) {
	h := newHarness(t)
	owner, _, act := organiserFixture(t, h)
	ctx := context.Background()
	st := studentByNumber(t, h, "015766261")
	classmate := studentByNumber(t, h, "039898513")

	if err := h.svc.Enrol(ctx, owner, act.ID, st.Number, true); err != nil {
		t.Fatal(err)
	}
	file := []byte("student_id,name,sessions_attended,sessions_total\n" +
		"015766261,TSE Cheuk Hin Marco,4,4\n039898513,KWOK Kwan Ho Natalie,4,4\n")
	if _, err := h.svc.ProcessUpload(ctx, owner, issuer.UploadRequest{ActivityID: act.ID, Filename: "a.csv", Data: file}); err != nil {
		t.Fatal(err)
	}

	progress, err := h.svc.StudentProgress(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(progress.Badges) != 6 || progress.Earned != 2 {
		t.Errorf("progress: %d badges, %d earned; want 6 and 2", len(progress.Badges), progress.Earned)
	}

	badges, err := h.svc.StudentBadges(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(badges) != 2 || !badges[0].Published || badges[0].Activity.ID != act.ID {
		t.Fatalf("badges = %d, first published %t; want 2 published by enrolment consent", len(badges), badges[0].Published)
	}
	classmateBadges, err := h.svc.StudentBadges(ctx, classmate)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.svc.StudentBadge(ctx, st, classmateBadges[0].Award.ID); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("another student's badge: error = %v, want ErrForbidden", err)
	}

	history, err := h.svc.StudentActivities(ctx, st)
	if err != nil {
		t.Fatal(err)
	}
	if len(history) != 1 || !history[0].Enrolled || len(history[0].Badges) != 2 {
		t.Errorf("history = %+v, want the one activity, enrolled, with 2 badges", history)
	}

	page, err := h.svc.RecordsOfAchievement(ctx, issuer.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Entries[0].Name != st.Name || page.Entries[0].BadgeCount != 2 {
		t.Errorf("records = %d entries, want %s with 2 badges", page.Total, st.Name)
	}

	if err := h.svc.SetPublication(ctx, st, issuer.PublishSelected, []string{badges[1].Award.ID}); err != nil {
		t.Fatal(err)
	}
	page, err = h.svc.RecordsOfAchievement(ctx, issuer.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Entries[0].BadgeCount != 1 {
		t.Errorf("records after selecting one badge = %+v, want 1 badge", page.Entries)
	}
	err = h.svc.SetPublication(ctx, st, issuer.PublishSelected, []string{badges[1].Award.ID, classmateBadges[0].Award.ID})
	var invalid *issuer.ValidationError
	if !errors.As(err, &invalid) || invalid.Field != "award_ids" {
		t.Errorf("selecting another student's badge: error = %v, want a ValidationError of award_ids", err)
	}
	page, err = h.svc.RecordsOfAchievement(ctx, issuer.RecordFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if page.Total != 1 || page.Entries[0].BadgeCount != 1 {
		t.Errorf("records after a rejected selection = %+v, want the earlier 1 badge", page.Entries)
	}
	if err := h.svc.SetPublication(ctx, st, "everyone", nil); !errors.Is(err, issuer.ErrInvalid) {
		t.Errorf("unknown mode: error = %v, want ErrInvalid", err)
	}
}

func TestTranscriptRequests(t *testing.T) {
	h := newHarness(t)
	owner, _, _ := organiserFixture(t, h)
	ctx := context.Background()
	st := studentByNumber(t, h, "015766261")

	r, err := h.svc.RequestTranscript(ctx, st, "  Post to 1 Main Street  ")
	if err != nil {
		t.Fatal(err)
	}
	if r.Note != "Post to 1 Main Street" {
		t.Errorf("note = %q, want it trimmed", r.Note)
	}
	if _, err := h.svc.RequestTranscript(ctx, st, strings.Repeat("x", 1001)); !errors.Is(err, issuer.ErrInvalid) {
		t.Errorf("long note: error = %v, want ErrInvalid", err)
	}

	all, err := h.svc.TranscriptRequests(ctx, issuer.System)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 1 || all[0].StudentID != st.ID {
		t.Errorf("admin's list = %+v, want the one request", all)
	}
	if _, err := h.svc.TranscriptRequests(ctx, owner); !errors.Is(err, issuer.ErrForbidden) {
		t.Errorf("organiser's list: error = %v, want ErrForbidden", err)
	}
}

func TestRecordsOfAchievementLimits(t *testing.T) {
	h := newHarness(t)
	tests := []struct {
		name   string
		filter issuer.RecordFilter
	}{
		{"page too large", issuer.RecordFilter{Limit: 101}},
		{"negative offset", issuer.RecordFilter{Offset: -1}},
		{"query too long", issuer.RecordFilter{Query: strings.Repeat("a", 101)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := h.svc.RecordsOfAchievement(context.Background(), tt.filter); !errors.Is(err, issuer.ErrInvalid) {
				t.Errorf("error = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestRecordsFollowChanges(t *testing.T) {
	h := newHarness(t)
	owner, _, act := organiserFixture(t, h)
	ctx := context.Background()
	st := studentByNumber(t, h, "015766261")
	file := []byte("student_id,name,sessions_attended,sessions_total\n015766261,TSE Cheuk Hin Marco,4,4\n")

	count := func(label string, want int) {
		t.Helper()
		page, err := h.svc.RecordsOfAchievement(ctx, issuer.RecordFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != want {
			t.Errorf("%s: %d records, want %d", label, page.Total, want)
		}
	}
	count("before anything", 0)
	if err := h.svc.Enrol(ctx, owner, act.ID, st.Number, true); err != nil {
		t.Fatal(err)
	}
	count("after enrolment without awards", 0)
	res, err := h.svc.ProcessUpload(ctx, owner, issuer.UploadRequest{ActivityID: act.ID, Filename: "a.csv", Data: file})
	if err != nil {
		t.Fatal(err)
	}
	count("after the upload", 1)
	if err := h.svc.SetPublication(ctx, st, issuer.PublishNone, nil); err != nil {
		t.Fatal(err)
	}
	count("after opting out", 0)
	if err := h.svc.SetPublication(ctx, st, issuer.PublishAll, nil); err != nil {
		t.Fatal(err)
	}
	count("after opting in", 1)
	for _, c := range res.Credentials {
		if _, err := h.svc.Revoke(ctx, issuer.System, c.CredentialID, "entered by mistake"); err != nil {
			t.Fatal(err)
		}
	}
	count("after revoking every badge", 0)
}
