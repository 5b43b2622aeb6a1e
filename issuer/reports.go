package issuer

import "time"

// AwardSearch selects awards for the learning advisor's search and
// exports. Empty fields match everything.
type AwardSearch struct {
	// Query matches the student's number, name or Chinese name
	// case-insensitively as a substring, or a credential id exactly.
	Query         string
	AchievementID string
	ActivityID    string
	Status        AwardStatus
	IssuedFrom    time.Time // inclusive
	IssuedBefore  time.Time // exclusive
	Limit         int       // 0 means no limit
	Offset        int
}

// AwardRecord is an award with the names of its student, achievement and
// activity, as the learning advisor reads it.
type AwardRecord struct {
	AwardID          string
	CredentialID     string // the award's current credential
	KeyID            string // the key that signed the current credential
	Status           AwardStatus
	IssuedAt         time.Time
	RevokedAt        time.Time // zero unless the current credential is revoked
	RevocationReason string
	SessionsAttended int
	SessionsTotal    int

	StudentID       string
	StudentNumber   string
	StudentName     string
	AchievementID   string
	AchievementCode string
	AchievementName string
	ActivityID      string
	ActivityTitle   string
	ActivityUnit    string
}

// StudentBadgeCount is one student with the number of awards they hold.
type StudentBadgeCount struct {
	StudentID   string
	Number      string
	Name        string
	Programme   string
	YearOfEntry int
	Status      StudentStatus
	Badges      int // different achievements among the active awards
	Awards      int // active awards
}

// DashboardCounts are the totals on the learning advisor's dashboard.
type DashboardCounts struct {
	Students          int // current students
	GraduatedStudents int
	Achievements      int
	Activities        int
	Uploads           int
	ActiveAwards      int
	RevokedAwards     int
	Organisers        int
}

// MonthlyAwards is the number of awards of one achievement issued in one
// calendar month (UTC).
type MonthlyAwards struct {
	Month         string // "2006-01"
	AchievementID string
	Count         int
}

// UnitActivities is the number of activities one organising unit ran.
type UnitActivities struct {
	Unit  string
	Count int
}

// BadgeCountBucket is the number of students who hold exactly Badges
// different achievements among their active awards.
type BadgeCountBucket struct {
	Badges   int
	Students int
}

// AuditFilter selects audit log entries. Empty fields match everything.
type AuditFilter struct {
	Action  string // exact action, such as "credential.revoke"
	ActorID string
	Subject string
	// BeforeID returns entries appended before the one with this id, for
	// paging back through the log; 0 starts at the newest entry.
	BeforeID int64
	Limit    int // 0 means no limit
}
