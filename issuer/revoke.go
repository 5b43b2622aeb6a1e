package issuer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// maxReasonLength bounds a revocation or correction reason, in characters.
const maxReasonLength = 1000

// Revoke revokes a credential for good: it sets the credential's status
// and its bit in the status list, and the award's status. Only admins may
// revoke, and a reason is required; it is kept with the credential and in
// the audit log, which also records who revoked and from where.
// Revoking a revoked credential is a ConflictError.
func (s *Service) Revoke(ctx context.Context, actor *User, credentialID, reason string) (*Award, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	reason, err := checkReason(reason, "say why the credential is revoked, such as \"awarded to the wrong student\"")
	if err != nil {
		return nil, err
	}

	a, err := s.Store.AwardByCredential(ctx, credentialID)
	if err != nil {
		return nil, fmt.Errorf("find credential %s: %w", credentialID, err)
	}
	if a.Credential.Status == CredentialRevoked {
		return nil, s.alreadyRevoked(a)
	}

	r := Revocation{At: s.now(), Reason: reason, By: actorName(actor)}
	err = s.Store.RevokeCredential(ctx, credentialID, r, RevocationNotice{CredentialID: credentialID})
	if errors.Is(err, ErrConflict) {
		return nil, Conflictf("credential %s was revoked at the same time by another request; nothing more to do", credentialID)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke credential %s: %w", credentialID, err)
	}

	a.Status = AwardRevoked
	a.Credential.Status = CredentialRevoked
	a.Credential.Revocation = r
	s.records.invalidate()
	s.audit(ctx, actor, "credential.revoke", credentialID, auditJSON(map[string]any{
		"award": a.ID, "reason": reason, "status_list": a.Credential.StatusEntry.ListID, "status_index": a.Credential.StatusEntry.Index,
	}))
	s.logger().InfoContext(ctx, "credential revoked", "credential_id", credentialID, "award_id", a.ID, "by", r.By)
	return a, nil
}

// alreadyRevoked returns the ConflictError for an action on a revoked
// credential, naming its successor when it was replaced.
func (s *Service) alreadyRevoked(a *Award) error {
	c := a.Credential
	when := c.Revocation.At.UTC().Format(time.RFC3339)
	if c.ReplacedBy != "" {
		return Conflictf("credential %s was revoked at %s and replaced by %s; act on that credential instead", c.ID, when, s.URLs.Credential(c.ReplacedBy))
	}
	return Conflictf("credential %s was revoked at %s (%s) and stays revoked", c.ID, when, c.Revocation.Reason)
}

// checkReason trims a reason and checks that it is present and not too long.
func checkReason(reason, hint string) (string, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return "", Invalidf("reason", "missing; %s", hint)
	}
	if err := CheckMultiline("reason", reason); err != nil {
		return "", err
	}
	if err := checkLength("reason", reason, maxReasonLength); err != nil {
		return "", err
	}
	return reason, nil
}

// actorName is how a revocation records who made it: the user's id, or
// the name of the System actor.
func actorName(actor *User) string {
	if actor.ID != "" {
		return actor.ID
	}
	return actor.Name
}

func auditJSON(v map[string]any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%v", v)
	}
	return string(b)
}

// Correction is a request to re-issue a credential after the records it
// was built from were fixed, such as a student's name in the register or
// an achievement's text in the catalogue.
type Correction struct {
	Reason string // why, for the audit log; required
}

// Correct re-issues a credential from the current records of its award
// (student, achievement, activity and issuer profile), with a new id and
// a new status entry, signed with the active key. The corrected credential
// keeps the award's validFrom and sessions, and becomes the award's
// credential. The old credential is revoked with the reason "replaced by
// <new URL>" and stays resolvable. Only admins may correct, and only an
// active credential.
func (s *Service) Correct(ctx context.Context, actor *User, credentialID string, c Correction) (*Award, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	reason, err := checkReason(c.Reason, "say what was corrected, such as \"student name fixed in the register\"")
	if err != nil {
		return nil, err
	}

	a, err := s.Store.AwardByCredential(ctx, credentialID)
	if err != nil {
		return nil, fmt.Errorf("find credential %s: %w", credentialID, err)
	}
	if a.Credential.Status == CredentialRevoked {
		return nil, s.alreadyRevoked(a)
	}

	replaced, err := s.reissue(ctx, actor, []*Award{a}, reissuePlan{
		reason: func(newURL string) string { return "replaced by " + newURL },
		notify: true,
	})
	if err != nil {
		return nil, err
	}

	s.audit(ctx, actor, "credential.reissue", credentialID, auditJSON(map[string]any{
		"award": a.ID, "reason": reason, "replaced_by": replaced[0].Credential.ID,
	}))
	return replaced[0], nil
}

// reissueBatch is how many credentials one ReplaceCredentials transaction
// replaces, so that re-issuing every credential of a key does not hold the
// SQLite write lock for minutes at a time.
const reissueBatch = 256

// reissuePlan is how reissue records the revocation of each old
// credential.
type reissuePlan struct {
	// reason gives an old credential's revocation reason from the URL of
	// its successor.
	reason func(newURL string) string
	// notify queues a RevocationNotice for each old credential, in the
	// transaction that replaces it.
	notify bool
}

// reissue replaces the current credential of each award with a new one
// built from the current records, in batches of reissueBatch, and returns
// the awards with their new credentials.
func (s *Service) reissue(ctx context.Context, actor *User, awards []*Award, plan reissuePlan) ([]*Award, error) {
	profile, err := s.Store.Profile(ctx)
	if err != nil {
		return nil, fmt.Errorf("load issuer profile: %w", err)
	}
	records := newRecordCache(s.Store)

	out := make([]*Award, 0, len(awards))
	for start := 0; start < len(awards); start += reissueBatch {
		batch := awards[start:min(start+reissueBatch, len(awards))]
		done, err := s.reissueBatch(ctx, actor, profile, records, batch, plan)
		if err != nil {
			return out, err
		}
		out = append(out, done...)
	}
	return out, nil
}

func (s *Service) reissueBatch(ctx context.Context, actor *User, profile *Profile, records *recordCache, batch []*Award, plan reissuePlan) ([]*Award, error) {
	var out []*Award
	err := s.Store.ReplaceCredentials(ctx, func(tx ReplaceTx) error {
		entries, err := tx.AllocateStatus(len(batch))
		if err != nil {
			return fmt.Errorf("reserve status list entries: %w", err)
		}

		replacements := make([]*Replacement, len(batch))
		out = make([]*Award, len(batch))
		for i, old := range batch {
			successor, err := s.signSuccessor(ctx, profile, records, old, entries[i])
			if err != nil {
				return err
			}
			replacements[i] = &Replacement{
				OldID: old.Credential.ID,
				New:   successor.Credential,
				Revocation: Revocation{
					At:     successor.Credential.IssuedAt,
					Reason: plan.reason(s.URLs.Credential(successor.Credential.ID)),
					By:     actorName(actor),
				},
			}
			out[i] = successor
		}
		if err := tx.Replace(replacements); err != nil {
			return err
		}
		if !plan.notify {
			return nil
		}
		notices := make([]Job, len(batch))
		for i, old := range batch {
			notices[i] = RevocationNotice{CredentialID: old.Credential.ID}
		}
		return tx.Enqueue(notices...)
	})
	if errors.Is(err, ErrKeyRevoked) {
		return nil, s.keyRevokedWhileSigning(ctx, err, "run the request again")
	}
	if errors.Is(err, ErrConflict) {
		s.logger().WarnContext(ctx, "re-issue lost a race", "credentials", len(batch), "err", err)
		return nil, Conflictf("a credential was revoked or replaced while it was re-issued; nothing of this batch was changed, so run the request again")
	}
	if err != nil {
		return nil, fmt.Errorf("re-issue credentials: %w", err)
	}
	return out, nil
}

// signSuccessor builds and signs the credential that replaces the current
// credential of old, and returns a copy of old that holds it.
func (s *Service) signSuccessor(ctx context.Context, profile *Profile, records *recordCache, old *Award, entry StatusEntry) (*Award, error) {
	in, err := records.input(ctx, old)
	if err != nil {
		return nil, err
	}
	in.CredentialID = uuid.NewString()
	in.IssuerID = s.IssuerID
	in.Profile = profile
	in.Salt = NewSalt()
	in.URLs = s.URLs
	in.Status = entry

	doc, payload, err := s.Builder.Build(in)
	if err != nil {
		return nil, fmt.Errorf("build the credential replacing %s: %w", old.Credential.ID, err)
	}
	jws, keyID, err := s.Signer.Sign(ctx, payload)
	if err != nil {
		return nil, fmt.Errorf("sign the credential replacing %s: %w", old.Credential.ID, err)
	}

	successor := *old
	successor.Credential = Credential{
		ID:          in.CredentialID,
		KeyID:       keyID,
		JWS:         jws,
		Document:    doc,
		IssuedAt:    s.now(),
		Status:      CredentialActive,
		StatusEntry: entry,
		Replaces:    old.Credential.ID,
	}
	return &successor, nil
}

// recordCache loads the records that credentials are built from, each
// once per re-issue run.
type recordCache struct {
	store        Store
	students     map[string]*Student
	achievements map[string]*Achievement
	activities   map[string]*Activity
}

func newRecordCache(st Store) *recordCache {
	return &recordCache{store: st, students: map[string]*Student{}, achievements: map[string]*Achievement{}, activities: map[string]*Activity{}}
}

// input returns the credential input of award a from the current records,
// without the fields that differ per credential.
func (rc *recordCache) input(ctx context.Context, a *Award) (CredentialInput, error) {
	st, err := cached(ctx, rc.students, a.StudentID, rc.store.Student)
	if err != nil {
		return CredentialInput{}, fmt.Errorf("load student %s of award %s: %w", a.StudentID, a.ID, err)
	}
	ach, err := cached(ctx, rc.achievements, a.AchievementID, rc.store.Achievement)
	if err != nil {
		return CredentialInput{}, fmt.Errorf("load achievement %s of award %s: %w", a.AchievementID, a.ID, err)
	}
	act, err := cached(ctx, rc.activities, a.ActivityID, rc.store.Activity)
	if err != nil {
		return CredentialInput{}, fmt.Errorf("load activity %s of award %s: %w", a.ActivityID, a.ID, err)
	}

	attended, total := a.SessionsAttended, a.SessionsTotal
	if total == 0 {
		attended, total = sessionsFromDocument(a.Credential.Document)
	}
	return CredentialInput{
		Achievement:      ach,
		Student:          st,
		Activity:         act,
		SessionsAttended: attended,
		SessionsTotal:    total,
		ValidFrom:        a.IssuedAt,
	}, nil
}

func cached[T any](ctx context.Context, m map[string]*T, id string, load func(context.Context, string) (*T, error)) (*T, error) {
	if v, ok := m[id]; ok {
		return v, nil
	}
	v, err := load(ctx, id)
	if err != nil {
		return nil, err
	}
	m[id] = v
	return v, nil
}

// attendedPattern reads the sessions back from the narrative that
// attendanceNarrative writes.
var attendedPattern = regexp.MustCompile(`^Attended (\d+) of (\d+) sessions?[;.]`)

// sessionsFromDocument returns the sessions that a credential's subject
// narrative states, for awards stored before their sessions were
// recorded, or 0 of 0 when it states none.
func sessionsFromDocument(document []byte) (attended, total int) {
	var doc struct {
		CredentialSubject struct {
			Narrative string `json:"narrative"`
		} `json:"credentialSubject"`
	}
	if json.Unmarshal(document, &doc) != nil {
		return 0, 0
	}
	m := attendedPattern.FindStringSubmatch(doc.CredentialSubject.Narrative)
	if m == nil {
		return 0, 0
	}
	attended, err1 := strconv.Atoi(m[1])
	total, err2 := strconv.Atoi(m[2])
	if err1 != nil || err2 != nil || attended > total {
		return 0, 0
	}
	return attended, total
}
