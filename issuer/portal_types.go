package issuer

import "time"

// PublicationMode is a student's choice of which awards the Records of
// Achievement show.
type PublicationMode string

// Publication modes.
const (
	// PublishByEnrolment publishes an award when the student consented to
	// publication on enrolling in the award's activity. It is the mode of
	// every student who never chose another.
	PublishByEnrolment PublicationMode = "enrolment"
	PublishAll         PublicationMode = "all"
	PublishNone        PublicationMode = "none"
	// PublishSelected publishes the awards listed in PublicationSetting.AwardIDs.
	PublishSelected PublicationMode = "selected"
)

// PublicationSetting is a student's consent to appear on the Records of
// Achievement.
type PublicationSetting struct {
	StudentID string
	Mode      PublicationMode
	AwardIDs  []string // the published awards when Mode is PublishSelected, sorted
	UpdatedAt time.Time
}

// RecordFilter selects entries of the Records of Achievement. Empty fields
// match everything.
type RecordFilter struct {
	Query       string // part of the student's name or programme, case-insensitive
	Programme   string // exact programme title
	YearOfEntry int
	Limit       int // 0 means no limit
	Offset      int
}

// RecordPage is one page of the Records of Achievement.
type RecordPage struct {
	Entries []*RecordEntry
	Total   int // entries matching the filter on every page

	// Programmes and Years list the values the filters can take: those of
	// every student on the records, whatever the filter.
	Programmes []string
	Years      []int
}

// RecordEntry is one student on the Records of Achievement. It holds
// published, active awards only.
type RecordEntry struct {
	StudentID   string // internal id, for links the student follows; never shown
	Name        string
	Programme   string
	YearOfEntry int
	BadgeCount  int // published awards
	Badges      []RecordBadge
}

// RecordBadge is one kind of badge a student published, with how many
// times they earned it.
type RecordBadge struct {
	AchievementID string
	Code          string
	Name          string
	Count         int
}

// TranscriptRequest is a student's request for a printed transcript of all
// their badges.
type TranscriptRequest struct {
	ID          string
	StudentID   string
	Note        string // delivery wishes, such as a postal address
	RequestedAt time.Time
}

// PendingUpload is an attendance file the organiser previewed but has not
// confirmed yet.
type PendingUpload struct {
	ID          string
	ActivityID  string
	UserID      string
	Filename    string
	ContentType string
	Data        []byte
	CreatedAt   time.Time
}
