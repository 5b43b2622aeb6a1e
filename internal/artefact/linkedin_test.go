package artefact

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLinkedInAddURL(t *testing.T) {
	issued := time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		in   LinkedInCertification
		want url.Values
	}{
		{
			"organization name",
			LinkedInCertification{Name: "Caring & Responsible Citizen", OrganizationName: "Example University",
				Issued: issued, CredentialURL: "https://badges.example.edu/credentials/abc", CredentialID: "abc"},
			url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"Caring & Responsible Citizen"},
				"organizationName": {"Example University"}, "issueYear": {"2025"}, "issueMonth": {"3"},
				"certUrl": {"https://badges.example.edu/credentials/abc"}, "certId": {"abc"}},
		},
		{
			"organization id wins",
			LinkedInCertification{Name: "IPC", OrganizationID: "1337", OrganizationName: "Example University",
				Issued: issued, Expires: time.Date(2027, 12, 31, 23, 0, 0, 0, time.UTC)},
			url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"IPC"}, "organizationId": {"1337"},
				"issueYear": {"2025"}, "issueMonth": {"3"}, "expirationYear": {"2027"}, "expirationMonth": {"12"}},
		},
		{
			"month in UTC",
			LinkedInCertification{Name: "IPC", OrganizationName: "Example University",
				Issued: time.Date(2025, 4, 1, 1, 0, 0, 0, time.FixedZone("HKT", 8*3600))},
			url.Values{"startTask": {"CERTIFICATION_NAME"}, "name": {"IPC"}, "organizationName": {"Example University"},
				"issueYear": {"2025"}, "issueMonth": {"3"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LinkedInAddURL(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(got)
			if err != nil {
				t.Fatal(err)
			}
			if u.Scheme+"://"+u.Host+u.Path != "https://www.linkedin.com/profile/add" {
				t.Errorf("link %s does not open LinkedIn's Add to profile form", got)
			}
			if q := u.Query(); q.Encode() != tt.want.Encode() {
				t.Errorf("query %s, want %s", q.Encode(), tt.want.Encode())
			}
		})
	}
}

func TestLinkedInAddURLRejects(t *testing.T) {
	tests := []struct {
		name string
		in   LinkedInCertification
		msg  string
	}{
		{"no name", LinkedInCertification{OrganizationName: "Example University"}, "name is missing"},
		{"no organization", LinkedInCertification{Name: "IPC"}, "organization"},
		{"organization id not a number", LinkedInCertification{Name: "IPC", OrganizationID: "example-university"}, "example-university"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LinkedInAddURL(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %v, want one containing %q", err, tt.msg)
			}
		})
	}
}
