package issuer

import "time"

// Profile is the issuing institution as described in every credential's
// issuer field. Its id (a did:web) is derived from the base URL, not stored.
type Profile struct {
	Name        string
	URL         string // homepage of the institution
	Email       string
	Description string
	ImageURL    string // logo; optional

	// Color and AccentColor are the institution's colours as #rrggbb, used
	// in the emails Laurel sends; empty means Laurel's defaults.
	Color       string
	AccentColor string
	UpdatedAt   time.Time
}

// Image is a badge image kept in the store and served at a stable URL.
type Image struct {
	ContentType string // "image/svg+xml" or "image/png"
	Data        []byte
}

// Achievement is a badge definition (OB 3.0 Achievement).
type Achievement struct {
	ID              string // UUID; the achievement's URL is built from it
	Code            string // short unique code such as "IPC", used in files and commands
	Name            string
	Description     string
	Criteria        string // narrative, Markdown
	CriteriaURL     string // optional
	AchievementType string // token of the OB 3.0 AchievementType enumeration or "ext:…"
	Tags            []string
	MinHours        float64 // minimum activity hours for this badge; 0 means no minimum
	ValidForDays    int     // credential lifetime; 0 means the credential never expires
	Image           Image
	CreatedAt       time.Time
	UpdatedAt       time.Time
}

// StudyMode is full-time or part-time.
type StudyMode string

// Study modes.
const (
	FullTime StudyMode = "full-time"
	PartTime StudyMode = "part-time"
)

// StudentStatus records whether a student may still receive awards.
type StudentStatus string

// Student statuses. Graduated students keep their badges but receive no new ones.
const (
	Current   StudentStatus = "current"
	Graduated StudentStatus = "graduated"
)

// Student is a person who can receive awards.
type Student struct {
	ID          string // internal UUID; the credential subject is urn:uuid:<ID>
	Number      string // the institution's student ID, always text
	Name        string
	ChineseName string
	Email       string
	Programme   string
	YearOfEntry int
	StudyMode   StudyMode
	Status      StudentStatus

	// PersonalEmail is an address outside the institution, so that alumni
	// can still sign in; empty when not known. It is never written into a
	// credential.
	PersonalEmail string
	CreatedAt     time.Time
	UpdatedAt     time.Time
}

// SubjectID returns the stable credentialSubject.id of the student.
func (s *Student) SubjectID() string { return "urn:uuid:" + s.ID }

// Activity is an extracurricular event that offers one or more achievements.
type Activity struct {
	ID              string
	Title           string
	Description     string
	Unit            string // organising unit, written as credentialSubject.source
	StartDate       time.Time
	EndDate         time.Time
	Hours           float64
	Extracurricular bool
	OpenToAll       bool
	MinAttendance   float64 // minimum share of sessions attended, 0 < x ≤ 1
	AchievementIDs  []string
	OrganiserID     string // user who owns the activity; empty for admin-created ones
	CreatedAt       time.Time
}

// Enrolment is a student's registration in an activity.
type Enrolment struct {
	ActivityID     string
	StudentID      string
	PublishConsent bool
	CreatedAt      time.Time
}

// Role is the set of actions a user may take.
type Role string

// Roles.
const (
	RoleAdmin     Role = "admin"
	RoleOrganiser Role = "organiser"

	// RoleStudent is the role of a signed-in student. Students are not
	// users: they sign in to the web pages only and hold no API token.
	RoleStudent Role = "student"
)

// User is a staff member: the learning advisor (admin) or an organiser.
type User struct {
	ID        string
	Name      string
	Email     string
	Role      Role
	CanUpload bool // an organiser's right to upload attendance
	CreatedAt time.Time
}

// Session is a signed-in browser. Exactly one of UserID and StudentID is
// set. Only the SHA-256 of the cookie value is stored.
type Session struct {
	Hash       []byte
	UserID     string
	StudentID  string
	CreatedAt  time.Time
	LastSeenAt time.Time
}

// SignInLink is a one-time link emailed to a student. Only the SHA-256 of
// its secret is stored.
type SignInLink struct {
	Hash      []byte
	StudentID string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// APIToken is a bearer token of a user. Only the SHA-256 of the secret is stored.
type APIToken struct {
	ID         string
	UserID     string
	Name       string
	Hash       []byte
	CreatedAt  time.Time
	LastUsedAt time.Time
}

// Upload is one attendance file for one activity.
type Upload struct {
	ID          string
	ActivityID  string
	UploadedBy  string // user id
	Filename    string
	ContentType string
	Original    []byte // the file exactly as uploaded, kept for the learning advisor
	SHA256      string // hex digest of Original
	RowCount    int
	AwardCount  int
	CreatedAt   time.Time
}

// AwardStatus is active or revoked.
type AwardStatus string

// Award statuses.
const (
	AwardActive  AwardStatus = "active"
	AwardRevoked AwardStatus = "revoked"
)

// Award is one achievement given to one student for one activity. It has
// one current credential at a time: a correction or a key compromise
// replaces it with a successor, and the replaced credential stays
// resolvable at its URL, revoked.
type Award struct {
	ID            string
	ActivityID    string
	StudentID     string
	AchievementID string
	UploadID      string
	Status        AwardStatus // revoked when its credential was revoked without a successor
	IssuedAt      time.Time   // when the award's first credential was issued

	// SessionsAttended and SessionsTotal come from the attendance row that
	// earned the award, so that a re-issued credential states them again.
	// Both are 0 for awards issued before they were recorded.
	SessionsAttended int
	SessionsTotal    int

	// Credential is the award's current credential. AwardByCredential
	// returns the credential that was asked for here instead, which may be
	// a replaced one.
	Credential Credential
}

// CredentialStatus records whether a credential is still valid as far as
// the issuer is concerned.
type CredentialStatus string

// Credential statuses. A revoked credential has its bit set in its status list.
const (
	CredentialActive  CredentialStatus = "active"
	CredentialRevoked CredentialStatus = "revoked"
)

// Credential is a signed OpenBadgeCredential of an award.
type Credential struct {
	ID       string // UUID; the credential's URL is <base>/credentials/<ID>
	KeyID    string // signing key id
	JWS      string // compact JWS (VC-JWT)
	Document []byte // the credential JSON without JWT claims
	IssuedAt time.Time
	Status   CredentialStatus

	// StatusEntry is the credential's place in a revocation status list. It
	// is zero for credentials issued before status lists existed, which
	// carry no credentialStatus.
	StatusEntry StatusEntry

	Revocation Revocation // zero unless Status is revoked
	Replaces   string     // id of the credential this one corrected, if any
	ReplacedBy string     // id of the successor, when this one was replaced
}

// Revocation records who revoked a credential, when and why.
type Revocation struct {
	At     time.Time
	Reason string
	By     string // id of the user, or "system" for commands run on the server
}

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID      int64
	At      time.Time
	ActorID string
	Action  string // e.g. "upload.issue", "token.create"
	Subject string // id of the record acted on
	Detail  string // short JSON or text, never a secret
	Remote  string // client address
}

// SigningKeyStatus records whether a key signs new credentials.
type SigningKeyStatus string

// Signing key statuses. Retired keys sign nothing more but stay published,
// so that every credential they signed still verifies. Revoked keys were
// compromised: they are no longer published, and their credentials are
// re-issued.
const (
	KeyActive  SigningKeyStatus = "active"
	KeyRetired SigningKeyStatus = "retired"
	KeyRevoked SigningKeyStatus = "revoked"
)

// SigningKey is a stored issuer key. The private part is encrypted at rest.
type SigningKey struct {
	ID               string // stable, never reused; the JOSE kid is <issuer DID>#<ID>
	Algorithm        string // RS256, ES256 or EdDSA
	Status           SigningKeyStatus
	PublicJWK        []byte
	EncryptedPrivate []byte
	CreatedAt        time.Time
	RetiredAt        time.Time
	RevokedAt        time.Time
}
