package issuer

import (
	"context"
	"time"
)

// Store is the persistence the issuer needs. Internal/store implements it on
// SQLite and PostgreSQL, and one conformance suite checks both.
//
// It is one interface rather than many small ones because every command and
// the server open one store and hand it to every service; the methods are
// grouped by record. Lookups of a missing record return ErrNotFound, writes
// that break a uniqueness rule return ErrConflict.
type Store interface {
	// Profile returns the issuer profile, or ErrNotFound before one is set.
	Profile(ctx context.Context) (*Profile, error)
	SetProfile(ctx context.Context, p *Profile) error

	// CreateAchievement inserts a; its ID is set when empty.
	CreateAchievement(ctx context.Context, a *Achievement) error
	// UpdateAchievement replaces every field of the achievement with a.ID.
	UpdateAchievement(ctx context.Context, a *Achievement) error
	Achievement(ctx context.Context, id string) (*Achievement, error)
	AchievementByCode(ctx context.Context, code string) (*Achievement, error)
	// Achievements lists all achievements ordered by code.
	Achievements(ctx context.Context) ([]*Achievement, error)

	// UpsertStudents inserts new students and updates existing ones, matched
	// by Number, in one transaction. It returns how many were created and updated.
	// An empty Status or PersonalEmail keeps the stored value, and a new
	// student with an empty Status is current.
	UpsertStudents(ctx context.Context, students []*Student) (created, updated int, err error)
	Student(ctx context.Context, id string) (*Student, error)
	// StudentsByNumber returns the students with the given numbers, keyed by
	// number; numbers without a student are absent from the map.
	StudentsByNumber(ctx context.Context, numbers []string) (map[string]*Student, error)
	// Students lists students matching f, ordered by number.
	Students(ctx context.Context, f StudentFilter) ([]*Student, error)
	// UpdateStudent changes the fields that u sets of the student with
	// number and returns the stored student, or ErrNotFound.
	UpdateStudent(ctx context.Context, number string, u StudentUpdate) (*Student, error)

	// CreateActivity inserts the activity and its offered achievements.
	CreateActivity(ctx context.Context, a *Activity) error
	Activity(ctx context.Context, id string) (*Activity, error)
	// Activities lists activities, newest first; organiserID filters when not empty.
	Activities(ctx context.Context, organiserID string) ([]*Activity, error)

	// Enrol records or replaces a student's enrolment in an activity.
	Enrol(ctx context.Context, e *Enrolment) error
	// Enrolments lists the enrolled students of an activity, ordered by number.
	Enrolments(ctx context.Context, activityID string) ([]*Student, error)

	// UpdateActivity replaces the title, description, unit, dates, hours,
	// minimum attendance and offered achievements of the activity with
	// a.ID. Its organiser and CreatedAt stay unchanged. It returns
	// ErrNotFound for an unknown activity.
	UpdateActivity(ctx context.Context, a *Activity) error
	// EnsureEnrolmentToken stores token as the activity's enrolment token
	// unless it has one already, and returns the stored token.
	EnsureEnrolmentToken(ctx context.Context, activityID, token string) (string, error)
	// ActivityByEnrolmentToken returns the activity whose enrolment link
	// carries token, or ErrNotFound.
	ActivityByEnrolmentToken(ctx context.Context, token string) (*Activity, error)
	// EnsureTranscriptToken stores token as the student's transcript
	// token unless the student has one already, and returns the stored
	// token. It returns ErrNotFound for an unknown student.
	EnsureTranscriptToken(ctx context.Context, studentID, token string) (string, error)
	// ReplaceTranscriptToken stores token as the student's transcript
	// token in place of any other, or returns ErrNotFound for an unknown
	// student.
	ReplaceTranscriptToken(ctx context.Context, studentID, token string) error
	// StudentByTranscriptToken returns the student whose transcript link
	// carries token, or ErrNotFound.
	StudentByTranscriptToken(ctx context.Context, token string) (*Student, error)
	// StudentEnrolments lists a student's enrolments, newest first.
	StudentEnrolments(ctx context.Context, studentID string) ([]*Enrolment, error)

	// PublicationSetting returns a student's choice for the Records of
	// Achievement; a student who never chose gets PublishByEnrolment.
	PublicationSetting(ctx context.Context, studentID string) (*PublicationSetting, error)
	// SetPublicationSetting replaces a student's choice, and the list of
	// selected awards with p.AwardIDs, in one transaction.
	SetPublicationSetting(ctx context.Context, p *PublicationSetting) error
	// PublishedRecords returns every student with at least one published
	// active award, ordered by name ignoring case, then by student id.
	PublishedRecords(ctx context.Context) ([]*RecordEntry, error)

	// CreateTranscriptRequest inserts r; its ID is set when empty.
	CreateTranscriptRequest(ctx context.Context, r *TranscriptRequest) error
	// TranscriptRequests lists requests, newest first; studentID filters
	// when not empty.
	TranscriptRequests(ctx context.Context, studentID string) ([]*TranscriptRequest, error)

	// CreatePendingUpload keeps an attendance file between its preview and
	// its confirmation; its ID is set when empty.
	CreatePendingUpload(ctx context.Context, p *PendingUpload) error
	PendingUpload(ctx context.Context, id string) (*PendingUpload, error)
	// DeletePendingUpload removes a pending upload; a missing one is not an error.
	DeletePendingUpload(ctx context.Context, id string) error
	// DeletePendingUploadsBefore removes pending uploads created before t
	// and returns how many it removed.
	DeletePendingUploadsBefore(ctx context.Context, t time.Time) (int, error)

	CreateUser(ctx context.Context, u *User) error
	User(ctx context.Context, id string) (*User, error)
	UserByName(ctx context.Context, name string) (*User, error)
	CreateToken(ctx context.Context, t *APIToken) error
	// UserByTokenHash returns the user owning the token with that SHA-256,
	// and records the time of use.
	UserByTokenHash(ctx context.Context, hash []byte, now time.Time) (*User, error)
	// Users lists staff users with role, or all when role is empty, by name.
	Users(ctx context.Context, role Role) ([]*User, error)
	// UserByEmail returns the user with that email, compared
	// case-insensitively. It returns ErrConflict when several users share it.
	UserByEmail(ctx context.Context, email string) (*User, error)
	// SetUserCanUpload sets an organiser's right to upload attendance and
	// returns the stored user.
	SetUserCanUpload(ctx context.Context, id string, canUpload bool) (*User, error)
	// SetUserPassword stores the PHC string of a user's password hash.
	SetUserPassword(ctx context.Context, id, hash string) error
	// UserPassword returns the stored password hash, "" when none is set.
	UserPassword(ctx context.Context, id string) (string, error)

	// StudentByEmail returns the student whose college or personal email
	// is email, compared case-insensitively. It returns ErrConflict when
	// several students have it.
	StudentByEmail(ctx context.Context, email string) (*Student, error)
	// SetStudentPassword stores the PHC string of a student's password hash.
	SetStudentPassword(ctx context.Context, id, hash string) error
	// StudentPassword returns the stored password hash, "" when none is set.
	StudentPassword(ctx context.Context, id string) (string, error)

	// CreateSession inserts s.
	CreateSession(ctx context.Context, s *Session) error
	// Session returns the session with that hash, or ErrNotFound.
	Session(ctx context.Context, hash []byte) (*Session, error)
	// TouchSession sets the time a session was last used.
	TouchSession(ctx context.Context, hash []byte, at time.Time) error
	// DeleteSession ends one session; an unknown hash is not an error.
	DeleteSession(ctx context.Context, hash []byte) error
	// DeleteSessions ends every session of a user or of a student (the
	// other id empty) and returns how many it ended.
	DeleteSessions(ctx context.Context, userID, studentID string) (int, error)
	// DeleteStaleSessions ends the sessions created before createdBefore or
	// last used before seenBefore, and returns how many it ended.
	DeleteStaleSessions(ctx context.Context, createdBefore, seenBefore time.Time) (int, error)

	// CreateSignInLink inserts l.
	CreateSignInLink(ctx context.Context, l *SignInLink) error
	// UseSignInLink marks the link with that hash used at now and returns
	// it. A link that is unknown, used or expired at now is ErrNotFound, so
	// that a link works once even when two requests race.
	UseSignInLink(ctx context.Context, hash []byte, now time.Time) (*SignInLink, error)

	// CountSignInAttempt adds one attempt to the window of kind and
	// keyHash and returns the window's start and its attempts, this one
	// included. A window that started at or before now minus length has
	// ended, and the attempt starts a new one at now. It is one statement,
	// so that attempts sent at the same time to any number of servers are
	// each counted once.
	CountSignInAttempt(ctx context.Context, kind string, keyHash []byte, now time.Time, length time.Duration) (start time.Time, attempts int, err error)
	// UncountSignInAttempt takes one attempt back from the window of kind
	// and keyHash that started at start. It does nothing when that window
	// has been replaced or deleted, or has no attempts left.
	UncountSignInAttempt(ctx context.Context, kind string, keyHash []byte, start time.Time) error
	// DeleteSignInAttempts deletes the window of kind and keyHash.
	DeleteSignInAttempts(ctx context.Context, kind string, keyHash []byte) error
	// DeleteSignInAttemptsBefore deletes the windows that started before t
	// and returns how many it deleted.
	DeleteSignInAttemptsBefore(ctx context.Context, t time.Time) (int, error)

	// SigningKeys lists every key, active first, then by creation time.
	SigningKeys(ctx context.Context) ([]*SigningKey, error)
	// CreateSigningKey inserts k. It returns ErrConflict when k is active and
	// another active key exists, so that concurrent first starts agree on one key.
	CreateSigningKey(ctx context.Context, k *SigningKey) error
	// RotateSigningKey retires the active key, with next.CreatedAt as its
	// time of retirement, and inserts next as the active key, in one
	// transaction. It returns ErrConflict when a concurrent rotation won.
	RotateSigningKey(ctx context.Context, next *SigningKey) error
	// RevokeSigningKey marks a retired key revoked at the given time and
	// gives every status list a new revision, so that lists signed with
	// that key are signed again. It returns ErrNotFound for an unknown key,
	// ErrInvalid for the active key and ErrConflict for a revoked one.
	// While it runs, no credential signed by the key can be committed:
	// writes of such credentials fail with ErrKeyRevoked once it commits.
	RevokeSigningKey(ctx context.Context, id string, at time.Time) error

	// ExistingAwards reports the existing awards for an activity among the given
	// students (by internal id), keyed by AwardKey.
	ExistingAwards(ctx context.Context, activityID string, studentIDs []string) (map[AwardKey]bool, error)
	// RecordUpload writes the upload, then calls fill with the upload's
	// transaction, in which fill reserves status entries and writes awards
	// in batches: on any error nothing is kept. An award that already
	// exists (same activity, student, achievement) makes tx.Write return
	// ErrConflict.
	RecordUpload(ctx context.Context, u *Upload, fill func(tx UploadTx) error) error
	Upload(ctx context.Context, id string) (*Upload, error)
	// Uploads lists an activity's uploads, newest first, without the original file.
	Uploads(ctx context.Context, activityID string) ([]*Upload, error)

	Award(ctx context.Context, id string) (*Award, error)
	AwardByCredential(ctx context.Context, credentialID string) (*Award, error)
	// Awards lists awards matching f, newest first.
	Awards(ctx context.Context, f AwardFilter) ([]*Award, error)

	// ReplaceCredentials calls fill with a transaction in which fill
	// reserves status entries and replaces credentials by their
	// successors: on any error nothing is kept.
	ReplaceCredentials(ctx context.Context, fill func(tx ReplaceTx) error) error
	// RevokeCredential marks an active credential revoked with r and sets
	// its award's status to revoked. The credential's status list gets a
	// new revision and r.At as its time of change. It returns ErrNotFound
	// for an unknown credential and ErrConflict for one revoked already.
	// The jobs are inserted in the same transaction, so that a revocation
	// and the notice it sends commit together or not at all.
	RevokeCredential(ctx context.Context, credentialID string, r Revocation, jobs ...Job) error

	// StatusList returns a status list without its bits.
	StatusList(ctx context.Context, id string) (*StatusList, error)
	// RevokedStatusIndexes lists the indexes of the revoked credentials in
	// a status list, in ascending order.
	RevokedStatusIndexes(ctx context.Context, listID string) ([]int, error)

	// DashboardCounts returns the totals of the learning advisor's dashboard.
	DashboardCounts(ctx context.Context) (*DashboardCounts, error)
	// AwardsPerMonth counts the awards issued at or after from by UTC
	// month and achievement, in month order; a zero from counts all.
	AwardsPerMonth(ctx context.Context, from time.Time) ([]MonthlyAwards, error)
	// BadgeCountDistribution counts students by the number of different
	// achievements among their active awards, ascending, always with the
	// bucket of 0.
	BadgeCountDistribution(ctx context.Context) ([]BadgeCountBucket, error)
	// ActivitiesByUnit counts activities by organising unit, most first.
	ActivitiesByUnit(ctx context.Context) ([]UnitActivities, error)
	// ActivityAwardCounts returns the number of awards of each activity
	// that has any, keyed by activity id.
	ActivityAwardCounts(ctx context.Context) (map[string]int, error)
	// SearchAwards returns one page of the awards matching s, newest
	// first, and the number that match without Limit and Offset.
	SearchAwards(ctx context.Context, s AwardSearch) ([]*AwardRecord, int, error)
	// EachAwardRecord calls fn with every award matching s, in the order
	// of SearchAwards, reading rows as fn consumes them. An error from fn
	// stops the walk and is returned.
	EachAwardRecord(ctx context.Context, s AwardSearch, fn func(*AwardRecord) error) error
	// EachStudentBadgeCount calls fn with every student, ordered by
	// number, and the counts of their active awards. An error from fn
	// stops the walk and is returned.
	EachStudentBadgeCount(ctx context.Context, fn func(*StudentBadgeCount) error) error

	// Enqueue adds jobs to the job queue in a transaction of their own.
	Enqueue(ctx context.Context, jobs ...Job) error
	// Jobs lists queued jobs matching f, newest first.
	Jobs(ctx context.Context, f JobFilter) ([]*JobRecord, error)

	// CreateUploadRun inserts run and enqueues jobs in one transaction.
	CreateUploadRun(ctx context.Context, run *UploadRun, jobs ...Job) error
	// UploadRun returns an upload run with its original file.
	UploadRun(ctx context.Context, id string) (*UploadRun, error)
	// UpdateUploadRun stores the state, counts, upload id, result, error
	// and UpdatedAt of run.
	UpdateUploadRun(ctx context.Context, run *UploadRun) error
	// RecordUploadProgress stores the counts of a running upload run where
	// UploadRun reads them in any process, without waiting for the upload's
	// transaction to commit.
	RecordUploadProgress(ctx context.Context, runID string, done, total int) error

	// AddOutboxMessage stores an email that could not be sent because no
	// SMTP server is configured; an empty ID is set to a new UUID.
	AddOutboxMessage(ctx context.Context, m *OutboxMessage) error
	// OutboxMessages lists the outbox, newest first; limit 0 means 100.
	OutboxMessages(ctx context.Context, limit int) ([]*OutboxMessage, error)

	// Audit appends an entry to the audit log.
	Audit(ctx context.Context, e *AuditEntry) error
	AuditEntries(ctx context.Context, limit int) ([]*AuditEntry, error)
	// AuditLog lists the entries matching f, newest first in append order.
	AuditLog(ctx context.Context, f AuditFilter) ([]*AuditEntry, error)

	// Ping checks that the database responds.
	Ping(ctx context.Context) error
	Close() error
}

// StatusAllocator reserves entries in revocation status lists inside a
// store transaction.
type StatusAllocator interface {
	// AllocateStatus reserves n entries at random free indexes of the
	// newest status list, and starts a new list when that one is full. An
	// index reserved by a transaction that commits is never handed out
	// again. One reserved by a transaction that rolls back was never
	// published, so it becomes free again. Transactions that run at the same
	// time never receive the same entry.
	AllocateStatus(n int) ([]StatusEntry, error)
}

// UploadTx is the transaction of RecordUpload. Its methods must be called
// from fill's goroutine only.
type UploadTx interface {
	StatusAllocator

	// Enqueue adds jobs to the job queue in the upload's transaction, so
	// that they exist exactly when the upload does.
	Enqueue(jobs ...Job) error

	// Write inserts awards with their credentials. It fills in each
	// award's empty ID, ActivityID (the upload's), UploadID, Status
	// (active) and zero IssuedAt, and the credential's zero IssuedAt
	// (the award's) and empty Status (active). After its first error it
	// returns that error again without writing.
	Write(awards []*Award) error
}

// ReplaceTx is the transaction of ReplaceCredentials. Its methods must be
// called from fill's goroutine only.
type ReplaceTx interface {
	StatusAllocator

	// Replace revokes each Replacement's old credential with its
	// Revocation and links it to New, which becomes the award's current
	// credential. New must carry an entry this transaction reserved. It
	// returns ErrNotFound for an unknown old credential and ErrConflict
	// for one that is revoked already. After its first error it returns
	// that error again without writing.
	Replace(replacements []*Replacement) error

	// Enqueue adds jobs to the job queue in the replacement's transaction,
	// so that they exist exactly when the new credentials do.
	Enqueue(jobs ...Job) error
}

// Replacement is a credential that supersedes another of the same award.
type Replacement struct {
	OldID      string     // the credential to revoke; it must be active
	New        Credential // the signed successor; Replaces is set to OldID
	Revocation Revocation // the reason, time and actor of the old one's revocation
}

// AwardKey identifies an award by what makes it unique.
type AwardKey struct {
	StudentID     string
	AchievementID string
}

// StudentUpdate is a change to one student; nil fields stay unchanged.
type StudentUpdate struct {
	Status        *StudentStatus
	PersonalEmail *string // "" removes it
}

// StudentFilter selects students. Empty fields match everything.
type StudentFilter struct {
	Query  string // matches number, name or email, case-insensitively
	Status StudentStatus
	Limit  int // 0 means no limit
	Offset int
}

// AwardFilter selects awards. Empty fields match everything.
type AwardFilter struct {
	ActivityID string
	StudentID  string
	UploadID   string
	Status     AwardStatus
	KeyID      string // id of the key that signed the award's current credential
	Limit      int
	Offset     int
}
