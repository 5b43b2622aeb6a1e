package issuer

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// achievementTypes is the OB 3.0 AchievementType enumeration. Other values
// must use the extension form matched by extTypePattern.
var achievementTypes = map[string]bool{
	"Achievement": true, "ApprenticeshipCertificate": true, "Assessment": true, "Assignment": true,
	"AssociateDegree": true, "Award": true, "Badge": true, "BachelorDegree": true, "Certificate": true,
	"CertificateOfCompletion": true, "Certification": true, "CommunityService": true, "Competency": true,
	"Course": true, "CoCurricular": true, "Degree": true, "Diploma": true, "DoctoralDegree": true,
	"Fieldwork": true, "GeneralEducationDevelopment": true, "JourneymanCertificate": true,
	"LearningProgram": true, "License": true, "Membership": true, "ProfessionalDoctorate": true,
	"QualityAssuranceCredential": true, "MasterCertificate": true, "MasterDegree": true,
	"MicroCredential": true, "ResearchDoctorate": true, "SecondarySchoolDiploma": true,
}

// extTypePattern is anchored on purpose: the published schema's ext: pattern
// is not, and so accepts values such as "Bootcamp ext:x".
var extTypePattern = regexp.MustCompile(`^ext:[A-Za-z0-9._-]+$`)

var codePattern = regexp.MustCompile(`^[A-Z0-9][A-Z0-9_-]{0,15}$`)

// ValidAchievementType reports whether t is an enumeration token or an ext: extension.
func ValidAchievementType(t string) bool {
	return achievementTypes[t] || extTypePattern.MatchString(t)
}

// CatalogueEntry is one achievement in an import file.
type CatalogueEntry struct {
	Code            string   `json:"code"`
	Name            string   `json:"name"`
	Description     string   `json:"description"`
	Criteria        string   `json:"criteria"`
	CriteriaURL     string   `json:"criteriaUrl,omitempty"`
	AchievementType string   `json:"achievementType"`
	Tags            []string `json:"tags,omitempty"`
	MinHours        float64  `json:"minHours,omitempty"`
	ValidForDays    int      `json:"validForDays,omitempty"`
}

// Catalogue is the shape of an achievements import file.
type Catalogue struct {
	Note         string           `json:"note,omitempty"` // free text for people; ignored
	Achievements []CatalogueEntry `json:"achievements"`
}

// ParseCatalogue decodes an achievements import file and checks every entry,
// reporting all problems at once.
func ParseCatalogue(data []byte) (*Catalogue, error) {
	var c Catalogue
	if err := decodeCatalogue(data, &c); err != nil {
		return nil, err
	}
	if len(c.Achievements) == 0 {
		return nil, Invalidf("achievements", "the file lists no achievements; expected {\"achievements\": [{\"code\": …, \"name\": …}]}")
	}

	var errs []error
	seen := map[string]int{}
	for i := range c.Achievements {
		e := &c.Achievements[i]
		e.Code = strings.ToUpper(strings.TrimSpace(e.Code))
		if err := e.validate(); err != nil {
			errs = append(errs, fmt.Errorf("achievement %d (%q): %w", i+1, e.Code, err))
		}
		if j, dup := seen[e.Code]; dup {
			errs = append(errs, Invalidf("code", "achievement %d repeats code %q of achievement %d", i+1, e.Code, j+1))
		}
		seen[e.Code] = i
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return &c, nil
}

// catalogueShape is the expected shape, quoted in error messages.
const catalogueShape = `{"achievements": [{"code": "IPC", "name": …, "description": …, "criteria": …, "achievementType": "Badge", "tags": […], "criteriaUrl": …, "minHours": …, "validForDays": …}]}`

func decodeCatalogue(data []byte, c *Catalogue) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(c)

	var syntax *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return Invalidf("file", "not valid JSON at byte %d; expected %s", syntax.Offset, catalogueShape)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return Invalidf("file", "not valid JSON: the file is empty or ends too early; expected %s", catalogueShape)
	case errors.As(err, &typeErr) && typeErr.Field != "":
		return Invalidf(typeErr.Field, "has the wrong type (a JSON %s); expected %s", typeErr.Value, catalogueShape)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return Invalidf("file", "%s is not an achievement field; expected %s", strings.TrimPrefix(err.Error(), "json: unknown field "), catalogueShape)
	}
	return Invalidf("file", "not an achievements file; expected %s", catalogueShape)
}

func (e *CatalogueEntry) validate() error {
	var errs []error
	if !codePattern.MatchString(e.Code) {
		errs = append(errs, Invalidf("code", "%q must be 1 to 16 capital letters, digits, - or _, such as IPC", e.Code))
	}
	if strings.TrimSpace(e.Name) == "" {
		errs = append(errs, Invalidf("name", "missing; every achievement needs a name"))
	}
	if strings.TrimSpace(e.Description) == "" {
		errs = append(errs, Invalidf("description", "missing; OB 3.0 requires a description"))
	}
	if strings.TrimSpace(e.Criteria) == "" && e.CriteriaURL == "" {
		errs = append(errs, Invalidf("criteria", "missing; give the criteria narrative or a criteriaUrl"))
	}

	if e.AchievementType == "" {
		e.AchievementType = "Badge"
	}
	if !ValidAchievementType(e.AchievementType) {
		errs = append(errs, Invalidf("achievementType", "%q is not an OB 3.0 AchievementType; use a token such as Badge, CoCurricular or MicroCredential, or an extension such as ext:Workshop", e.AchievementType))
	}
	if e.CriteriaURL != "" && !isWebURL(e.CriteriaURL) {
		errs = append(errs, Invalidf("criteriaUrl", "%q is not an absolute http or https URL such as https://www.example.edu/badges/ipc", e.CriteriaURL))
	}

	errs = append(errs,
		CheckLine("name", strings.TrimSpace(e.Name)),
		CheckMultiline("description", strings.TrimSpace(e.Description)),
		CheckMultiline("criteria", strings.TrimSpace(e.Criteria)),
		CheckLine("criteriaUrl", e.CriteriaURL),
		checkLength("name", e.Name, maxNameLength),
		checkLength("description", e.Description, maxTextLength),
		checkLength("criteria", e.Criteria, maxTextLength))
	for _, tag := range e.Tags {
		errs = append(errs, CheckLine("tags", tag), checkLength("tags", tag, maxNameLength))
	}
	if e.MinHours < 0 || e.ValidForDays < 0 {
		errs = append(errs, Invalidf("minHours", "minHours and validForDays must not be negative"))
	}
	return errors.Join(errs...)
}

// ImportAchievements creates the achievements of c, or updates those whose
// code exists already. Achievements without an image get a generated one.
func (s *Service) ImportAchievements(ctx context.Context, actor *User, c *Catalogue) (created, updated int, err error) {
	if err := requireAdmin(actor); err != nil {
		return 0, 0, err
	}

	for _, e := range c.Achievements {
		existing, err := s.Store.AchievementByCode(ctx, e.Code)
		switch {
		case errors.Is(err, ErrNotFound):
			a := e.achievement()
			a.Image = DefaultBadgeImage(a.Code, a.Name)
			a.CreatedAt, a.UpdatedAt = s.now(), s.now()
			if err := s.Store.CreateAchievement(ctx, a); err != nil {
				return created, updated, fmt.Errorf("create achievement %s: %w", e.Code, err)
			}
			created++
		case err != nil:
			return created, updated, fmt.Errorf("find achievement %s: %w", e.Code, err)
		default:
			a := e.achievement()
			a.ID, a.Image, a.CreatedAt, a.UpdatedAt = existing.ID, existing.Image, existing.CreatedAt, s.now()
			if err := s.Store.UpdateAchievement(ctx, a); err != nil {
				return created, updated, fmt.Errorf("update achievement %s: %w", e.Code, err)
			}
			updated++
		}
	}

	s.audit(ctx, actor, "achievements.import", "", fmt.Sprintf(`{"created":%d,"updated":%d}`, created, updated))
	return created, updated, nil
}

func (e CatalogueEntry) achievement() *Achievement {
	return &Achievement{
		Code:            e.Code,
		Name:            strings.TrimSpace(e.Name),
		Description:     strings.TrimSpace(e.Description),
		Criteria:        strings.TrimSpace(e.Criteria),
		CriteriaURL:     e.CriteriaURL,
		AchievementType: e.AchievementType,
		Tags:            e.Tags,
		MinHours:        e.MinHours,
		ValidForDays:    e.ValidForDays,
	}
}

// Achievements lists the catalogue; every staff member may read it.
func (s *Service) Achievements(ctx context.Context, actor *User) ([]*Achievement, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	return s.Store.Achievements(ctx)
}
