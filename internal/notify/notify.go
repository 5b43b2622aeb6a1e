// Package notify writes and sends the messages that tell people about
// badges: a student's "you earned a badge" after each upload, the
// organiser's summary of an upload, the learning advisor's copy of each
// attendance file, revocation notices and sign-in links. Each message has
// an HTML part (html/template) and a plain-text part, with the
// institution's name and colours.
//
// Message bodies and links are never logged: they identify students and
// a sign-in link lets its holder sign in.
package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/laurel-badges/laurel/internal/mail"
	"github.com/laurel-badges/laurel/issuer"
)

// ErrNoRecipient is returned when a message has no address to go to: an
// upload copy when no learning advisor address is configured. Trying
// again cannot help, so job workers do not retry it.
var ErrNoRecipient = errors.New("no recipient address")

// Notifier builds messages from the store's records and sends them.
type Notifier struct {
	Store  issuer.Store
	URLs   issuer.URLs
	Sender mail.Sender

	// AdvisorEmail receives the copy of every attendance upload. Empty
	// means the issuer profile's email address.
	AdvisorEmail string

	Logger *slog.Logger

	tmpl *templates
}

// New returns a Notifier with its templates parsed.
func New(st issuer.Store, urls issuer.URLs, sender mail.Sender) (*Notifier, error) {
	t, err := parseTemplates()
	if err != nil {
		return nil, err
	}
	return &Notifier{Store: st, URLs: urls, Sender: sender, tmpl: t}, nil
}

func (n *Notifier) logger() *slog.Logger {
	if n.Logger != nil {
		return n.Logger
	}
	return slog.New(slog.DiscardHandler)
}

func (n *Notifier) branding(ctx context.Context) (Branding, *issuer.Profile, error) {
	p, err := n.Store.Profile(ctx)
	if err != nil {
		return Branding{}, nil, fmt.Errorf("load issuer profile: %w", err)
	}
	return newBranding(p.Name, p.URL, p.ImageURL, p.Color, p.AccentColor), p, nil
}

// send sends m and logs its kind and recipient count, never its body.
func (n *Notifier) send(ctx context.Context, m *mail.Message, attrs ...any) error {
	if err := n.Sender.Send(ctx, m); err != nil {
		return err
	}
	n.logger().InfoContext(ctx, "message sent", append([]any{"kind", m.Kind, "recipients", len(m.To)}, attrs...)...)
	return nil
}

// badgeView is one badge in a student's message. ImageURL is always the
// PNG version of the badge image, because many email clients do not show
// SVG images.
type badgeView struct {
	Name, Description string
	ImageURL          string
	ViewURL           string
	ShareURL          string
	DownloadURL       string
}

// SendAwardNotice sends a student one message that lists the badges one
// upload gave them, however many there are. A student whose awards were all
// revoked before the job ran gets no message.
func (n *Notifier) SendAwardNotice(ctx context.Context, j issuer.AwardNotice) error {
	brand, _, err := n.branding(ctx)
	if err != nil {
		return err
	}
	student, err := n.Store.Student(ctx, j.StudentID)
	if err != nil {
		return fmt.Errorf("load student %s: %w", j.StudentID, err)
	}
	up, err := n.Store.Upload(ctx, j.UploadID)
	if err != nil {
		return fmt.Errorf("load upload %s: %w", j.UploadID, err)
	}
	act, err := n.Store.Activity(ctx, up.ActivityID)
	if err != nil {
		return fmt.Errorf("load activity %s: %w", up.ActivityID, err)
	}
	awards, err := n.Store.Awards(ctx, issuer.AwardFilter{UploadID: up.ID, StudentID: student.ID, Status: issuer.AwardActive})
	if err != nil {
		return fmt.Errorf("load awards of upload %s: %w", up.ID, err)
	}
	if len(awards) == 0 {
		n.logger().InfoContext(ctx, "no active awards left to announce", "upload_id", up.ID, "student_id", student.ID)
		return nil
	}

	badges, err := n.badgeViews(ctx, awards)
	if err != nil {
		return err
	}
	subject := fmt.Sprintf("You earned the %s badge", badges[0].Name)
	if len(badges) > 1 {
		subject = fmt.Sprintf("You earned %d badges for %s", len(badges), act.Title)
	}
	data := struct {
		StudentName, Activity, Dates string
		Badges                       []badgeView
	}{student.Name, act.Title, activityDates(act), badges}

	m, err := n.tmpl.message(j.Kind(), "award", []string{studentAddress(student)}, view{Subject: subject, Brand: brand, Data: data})
	if err != nil {
		return err
	}
	return n.send(ctx, m, "upload_id", up.ID, "student_id", student.ID, "badges", len(badges))
}

func (n *Notifier) badgeViews(ctx context.Context, awards []*issuer.Award) ([]badgeView, error) {
	out := make([]badgeView, 0, len(awards))
	for _, a := range awards {
		ach, err := n.Store.Achievement(ctx, a.AchievementID)
		if err != nil {
			return nil, fmt.Errorf("load achievement %s: %w", a.AchievementID, err)
		}
		credURL := n.URLs.Credential(a.Credential.ID)
		out = append(out, badgeView{
			Name:        ach.Name,
			Description: ach.Description,
			ImageURL:    n.URLs.AchievementImage(ach.ID, "png"),
			ViewURL:     credURL,
			ShareURL:    "https://www.linkedin.com/sharing/share-offsite/?url=" + url.QueryEscape(credURL),
			DownloadURL: credURL + ".json",
		})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return out, nil
}

// studentAddress is the college address, or the personal one of a
// graduate who gave it, because a college address may lapse.
func studentAddress(s *issuer.Student) string {
	if s.Status == issuer.Graduated && s.PersonalEmail != "" {
		return s.PersonalEmail
	}
	return s.Email
}

func activityDates(a *issuer.Activity) string {
	const layout = "2 January 2006"
	switch {
	case a.StartDate.IsZero():
		return ""
	case a.EndDate.IsZero() || sameDay(a.StartDate, a.EndDate):
		return a.StartDate.Format(layout)
	}
	return a.StartDate.Format(layout) + " to " + a.EndDate.Format(layout)
}

func sameDay(a, b time.Time) bool {
	ay, am, ad := a.Date()
	by, bm, bd := b.Date()
	return ay == by && am == bm && ad == bd
}

// formatTime writes t for a person, in UTC.
func formatTime(t time.Time) string { return t.UTC().Format("2 January 2006 at 15:04 UTC") }

// badgeCount is one badge of an upload with how many students received it.
type badgeCount struct {
	Name  string
	Count int
}

// uploadFacts are the facts that the summary and the copy of an upload show.
type uploadFacts struct {
	Activity, Unit, Filename, When, Uploader, SHA256, ActivityURL string
	Rows, Students, Awards                                        int
	Badges                                                        []badgeCount
}

func (n *Notifier) uploadFacts(ctx context.Context, uploadID string) (*issuer.Upload, *uploadFacts, error) {
	up, err := n.Store.Upload(ctx, uploadID)
	if err != nil {
		return nil, nil, fmt.Errorf("load upload %s: %w", uploadID, err)
	}
	act, err := n.Store.Activity(ctx, up.ActivityID)
	if err != nil {
		return nil, nil, fmt.Errorf("load activity %s: %w", up.ActivityID, err)
	}
	awards, err := n.Store.Awards(ctx, issuer.AwardFilter{UploadID: up.ID})
	if err != nil {
		return nil, nil, fmt.Errorf("load awards of upload %s: %w", up.ID, err)
	}

	f := &uploadFacts{
		Activity: act.Title, Unit: act.Unit, Filename: up.Filename, When: formatTime(up.CreatedAt),
		Uploader: "The learning advisor", SHA256: up.SHA256, ActivityURL: n.URLs.Activity(act.ID),
		Rows: up.RowCount, Awards: len(awards),
	}
	if up.UploadedBy != "" {
		if u, err := n.Store.User(ctx, up.UploadedBy); err == nil {
			f.Uploader = u.Name
		}
	}
	if f.Students, f.Badges, err = n.countBadges(ctx, awards); err != nil {
		return nil, nil, err
	}
	return up, f, nil
}

// countBadges returns how many students the awards went to and how many
// of each badge were issued, by badge name.
func (n *Notifier) countBadges(ctx context.Context, awards []*issuer.Award) (int, []badgeCount, error) {
	students := map[string]bool{}
	counts := map[string]int{}
	for _, a := range awards {
		students[a.StudentID] = true
		counts[a.AchievementID]++
	}
	out := make([]badgeCount, 0, len(counts))
	for id, c := range counts {
		ach, err := n.Store.Achievement(ctx, id)
		if err != nil {
			return 0, nil, fmt.Errorf("load achievement %s: %w", id, err)
		}
		out = append(out, badgeCount{Name: ach.Name, Count: c})
	}
	sort.Slice(out, func(i, k int) bool { return out[i].Name < out[k].Name })
	return len(students), out, nil
}

// SendUploadSummary sends the organiser who made an upload its counts.
// An upload made by a command on the server, which has no user, is
// summarised to the learning advisor instead. When that person has no
// email address, such as a user made by `laurel token create` without
// --email, it logs that and sends nothing: no later attempt could succeed.
func (n *Notifier) SendUploadSummary(ctx context.Context, j issuer.UploadSummary) error {
	brand, profile, err := n.branding(ctx)
	if err != nil {
		return err
	}
	up, facts, err := n.uploadFacts(ctx, j.UploadID)
	if err != nil {
		return err
	}

	to := n.advisorAddress(profile)
	if up.UploadedBy != "" {
		u, err := n.Store.User(ctx, up.UploadedBy)
		if err != nil {
			return fmt.Errorf("load organiser %s: %w", up.UploadedBy, err)
		}
		to = u.Email
	}
	if to == "" {
		n.logger().InfoContext(ctx, "upload summary not sent: the uploader has no email address", "upload_id", up.ID, "user_id", up.UploadedBy)
		return nil
	}

	subject := fmt.Sprintf("%d badges issued for %s", facts.Awards, facts.Activity)
	m, err := n.tmpl.message(j.Kind(), "summary", []string{to}, view{Subject: subject, Brand: brand, Data: facts})
	if err != nil {
		return err
	}
	return n.send(ctx, m, "upload_id", up.ID)
}

// SendUploadCopy sends the learning advisor a copy of an upload with the
// original file attached. Without an advisor address it returns
// ErrNoRecipient, so the job fails once, without retries, and is listed
// among the failed jobs with the setting to fix. The copy is the
// advisor's record of each attendance form, so its loss must be visible.
func (n *Notifier) SendUploadCopy(ctx context.Context, j issuer.UploadCopy) error {
	brand, profile, err := n.branding(ctx)
	if err != nil {
		return err
	}
	to := n.advisorAddress(profile)
	if to == "" {
		return fmt.Errorf("copy of upload %s: set LAUREL_ADVISOR_EMAIL or the issuer profile's email: %w", j.UploadID, ErrNoRecipient)
	}
	up, facts, err := n.uploadFacts(ctx, j.UploadID)
	if err != nil {
		return err
	}

	subject := fmt.Sprintf("Attendance upload for %s: %s", facts.Activity, up.Filename)
	m, err := n.tmpl.message(j.Kind(), "copy", []string{to}, view{Subject: subject, Brand: brand, Data: facts})
	if err != nil {
		return err
	}
	m.Attachments = []mail.Attachment{{Name: up.Filename, ContentType: attachmentType(up.ContentType), Data: up.Original}}
	return n.send(ctx, m, "upload_id", up.ID)
}

func attachmentType(contentType string) string {
	if contentType == "" || strings.ContainsAny(contentType, "\r\n") {
		return "application/octet-stream"
	}
	return contentType
}

func (n *Notifier) advisorAddress(p *issuer.Profile) string {
	if n.AdvisorEmail != "" {
		return n.AdvisorEmail
	}
	return p.Email
}

// SendRevocationNotice sends a student the notice of a revoked credential,
// with a link to its successor when a corrected one replaced it.
func (n *Notifier) SendRevocationNotice(ctx context.Context, j issuer.RevocationNotice) error {
	brand, _, err := n.branding(ctx)
	if err != nil {
		return err
	}
	award, err := n.Store.AwardByCredential(ctx, j.CredentialID)
	if err != nil {
		return fmt.Errorf("load award of credential %s: %w", j.CredentialID, err)
	}
	student, err := n.Store.Student(ctx, award.StudentID)
	if err != nil {
		return fmt.Errorf("load student %s: %w", award.StudentID, err)
	}
	ach, err := n.Store.Achievement(ctx, award.AchievementID)
	if err != nil {
		return fmt.Errorf("load achievement %s: %w", award.AchievementID, err)
	}
	act, err := n.Store.Activity(ctx, award.ActivityID)
	if err != nil {
		return fmt.Errorf("load activity %s: %w", award.ActivityID, err)
	}

	c := award.Credential
	data := struct {
		StudentName, Badge, Activity, When, Reason, ReplacementURL string
	}{student.Name, ach.Name, act.Title, formatTime(c.Revocation.At), c.Revocation.Reason, ""}
	if c.ReplacedBy != "" {
		data.ReplacementURL = n.URLs.Credential(c.ReplacedBy)
	}
	if c.Status != issuer.CredentialRevoked {
		n.logger().InfoContext(ctx, "credential is not revoked; no notice sent", "credential_id", j.CredentialID)
		return nil
	}

	subject := fmt.Sprintf("Your %s badge was revoked", ach.Name)
	m, err := n.tmpl.message(j.Kind(), "revoked", []string{studentAddress(student)}, view{Subject: subject, Brand: brand, Data: data})
	if err != nil {
		return err
	}
	return n.send(ctx, m, "credential_id", j.CredentialID, "student_id", student.ID)
}

// SendSignInLink sends a one-time sign-in link at once, without the job
// queue: the link is a bearer secret that should not be stored in a job's
// arguments, and it expires within minutes, so a retry hours later would
// be useless. The caller learns of a failure straight away.
//
// Without SMTP the message goes to the outbox like any other, so that a
// learning advisor can sign in on a server that has no mail yet.
func (n *Notifier) SendSignInLink(ctx context.Context, to, name, link string) error {
	brand, _, err := n.branding(ctx)
	if errors.Is(err, issuer.ErrNotFound) {
		brand, err = newBranding("Laurel", "", "", "", ""), nil
	}
	if err != nil {
		return err
	}

	data := struct{ Name, Link string }{name, link}
	m, err := n.tmpl.message("sign_in_link", "signin", []string{to}, view{Subject: "Your sign-in link for " + brand.Name, Brand: brand, Data: data})
	if err != nil {
		return err
	}
	return n.send(ctx, m)
}
