package issuer

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// URLs builds the public URLs of records from the configured base URL. Every
// id written into a credential comes from here, so that the server serves
// each of them.
type URLs struct {
	Base string // e.g. "https://badges.example.edu", no trailing slash
}

// NewURLs checks base and returns URLs for it.
func NewURLs(base string) (URLs, error) {
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return URLs{}, fmt.Errorf("base URL %q: want an absolute http or https URL such as https://badges.example.edu", base)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return URLs{}, fmt.Errorf("base URL %q: remove the query or fragment", base)
	}
	return URLs{Base: strings.TrimRight(base, "/")}, nil
}

// Credential returns the URL that is both the id and the address of a credential.
func (u URLs) Credential(id string) string { return u.Base + "/credentials/" + id }

// Achievement returns the URL of an achievement definition.
func (u URLs) Achievement(id string) string { return u.Base + "/achievements/" + id }

// AchievementImage returns the URL of an achievement's image; ext is "svg" or "png".
func (u URLs) AchievementImage(id, ext string) string {
	return u.Base + "/achievements/" + id + "/image." + ext
}

// StatusList returns the URL of a status list credential, which is both its
// id and its address.
func (u URLs) StatusList(id string) string { return u.Base + "/status/" + id }

// StatusEntry returns the id of a credential's entry in a status list:
// <list URL>#<index>. Bitstring Status List v1.0 forbids the list URL
// itself as the entry's id.
func (u URLs) StatusEntry(e StatusEntry) string {
	return u.StatusList(e.ListID) + "#" + strconv.Itoa(e.Index)
}

// Profile returns the URL of the issuer Profile JSON.
func (u URLs) Profile() string { return u.Base + "/issuer" }

// Activity returns the URL of an activity.
func (u URLs) Activity(id string) string { return u.Base + "/activities/" + id }

// Enrolment returns the URL of an activity's enrolment link.
func (u URLs) Enrolment(token string) string { return u.Base + "/enrol/" + token }

// Transcript returns the URL of a student's public transcript page, which
// lists and checks all of the student's credentials.
func (u URLs) Transcript(token string) string { return u.Base + "/transcripts/" + token }

// Unit returns the URL of the Profile of an organising unit.
func (u URLs) Unit(name string) string { return u.Base + "/units/" + url.PathEscape(name) }

// isWebURL reports whether s is an absolute http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
