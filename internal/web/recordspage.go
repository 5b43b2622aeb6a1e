package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/laurel-badges/laurel/issuer"
)

// recordsPageSize is the number of students per page of the Records of
// Achievement.
const recordsPageSize = 20

// recordsData is the data of templates/pages/public/records.html.
type recordsData struct {
	Query     string
	Programme string
	Year      int
	Page      int
	Pages     int
	Records   *issuer.RecordPage
	Error     string
	Previous  string // URL of the previous page, empty on the first
	Next      string // URL of the next page, empty on the last
}

// recordsPage handles GET /records, the public Records of Achievement:
// students who chose to publish, with search, filters and pages.
func (s *Server) recordsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	d := recordsData{Query: strings.TrimSpace(q.Get("q")), Programme: q.Get("programme"), Page: 1}
	var problems []string
	if v := q.Get("year"); v != "" {
		year, err := strconv.Atoi(v)
		if err != nil || year < 1900 || year > 9999 {
			problems = append(problems, "year "+strconv.Quote(v)+" is not a year of entry; choose one from the list")
		} else {
			d.Year = year
		}
	}
	if v := q.Get("page"); v != "" {
		page, err := strconv.Atoi(v)
		if err != nil || page < 1 {
			problems = append(problems, "page "+strconv.Quote(v)+" is not a page number; pages start at 1")
		} else {
			d.Page = page
		}
	}

	filter := issuer.RecordFilter{Query: d.Query, Programme: d.Programme, YearOfEntry: d.Year, Limit: recordsPageSize, Offset: (d.Page - 1) * recordsPageSize}
	records, err := s.Service.RecordsOfAchievement(r.Context(), filter)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	d.Records = records
	d.Pages = max(1, (records.Total+recordsPageSize-1)/recordsPageSize)
	if d.Page > 1 {
		d.Previous = d.pageURL(d.Page - 1)
	}
	if d.Page < d.Pages {
		d.Next = d.pageURL(d.Page + 1)
	}

	status := http.StatusOK
	if len(problems) > 0 {
		d.Error = strings.Join(problems, "; ") + "."
		status = http.StatusBadRequest
	}
	s.render(w, r, status, "public/records.html", d)
}

// pageURL returns the URL of another page with the same search and filters.
func (d *recordsData) pageURL(page int) string {
	v := url.Values{}
	if d.Query != "" {
		v.Set("q", d.Query)
	}
	if d.Programme != "" {
		v.Set("programme", d.Programme)
	}
	if d.Year != 0 {
		v.Set("year", strconv.Itoa(d.Year))
	}
	v.Set("page", strconv.Itoa(page))
	return "/records?" + v.Encode()
}

// achievementPageData is the data of templates/pages/public/achievement.html.
type achievementPageData struct {
	Achievement *issuer.Achievement
	ImageURL    string
	JSONURL     string
	IssuerName  string
}

// issuerPageData is the data of templates/pages/public/issuer.html.
type issuerPageData struct {
	Profile      *issuer.Profile
	IssuerID     string
	Achievements []*issuer.Achievement
}

// achievementPage writes the HTML page of an achievement.
func (s *Server) achievementPage(w http.ResponseWriter, r *http.Request) {
	a, err := s.findAchievement(r)
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	d := achievementPageData{
		Achievement: a,
		JSONURL:     s.Service.URLs.Achievement(a.ID),
		IssuerName:  s.issuerName(r),
	}
	if len(a.Image.Data) > 0 {
		d.ImageURL = "/achievements/" + a.ID + "/image." + imageExt(a.Image.ContentType)
	}
	s.render(w, r, http.StatusOK, "public/achievement.html", d)
}

// issuerPage writes the HTML page of the issuer with its badge catalogue.
func (s *Server) issuerPage(w http.ResponseWriter, r *http.Request) {
	p, err := s.Service.Profile(r.Context())
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	all, err := s.Service.Catalogue(r.Context())
	if err != nil {
		s.renderServiceError(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "public/issuer.html", issuerPageData{Profile: p, IssuerID: s.Service.IssuerID, Achievements: all})
}

// issuerName returns the issuer's name, or "" before a profile is set.
func (s *Server) issuerName(r *http.Request) string {
	p, err := s.Service.Profile(r.Context())
	if err != nil {
		return ""
	}
	return p.Name
}

// badgeImageURL returns the path of an achievement's image.
func badgeImageURL(a *issuer.Achievement) string {
	return "/achievements/" + a.ID + "/image." + imageExt(a.Image.ContentType)
}

// rowOutcomeText returns the preview's words for a row status.
func rowOutcomeText(s issuer.RowStatus) string {
	switch s {
	case issuer.RowAward:
		return "Will receive"
	case issuer.RowAlreadyAwarded:
		return "Awarded before"
	case issuer.RowNotEligible:
		return "Below the award rule"
	case issuer.RowWithheld:
		return "Withheld"
	case issuer.RowInvalid:
		return "Cannot issue"
	}
	return string(s)
}
