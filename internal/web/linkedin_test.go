package web

import (
	"context"
	"net/url"
	"testing"
)

func TestLinkedInURLOfAward(t *testing.T) {
	var srv *Server
	ts := newTestServer(t, func(s *Server) { srv = s })
	award := ts.credentialOf(t, ts.issue(t), "S1001")

	tests := []struct {
		name, organizationID string
		want                 url.Values
	}{
		{"organization name", "", url.Values{
			"startTask": {"CERTIFICATION_NAME"}, "name": {"Informed and Professionally Competent"},
			"organizationName": {"Example University"},
			"issueYear":        {award.IssuedAt.UTC().Format("2006")}, "issueMonth": {award.IssuedAt.UTC().Format("1")},
			"certUrl": {ts.URL + "/credentials/" + award.Credential.ID}, "certId": {award.Credential.ID},
		}},
		{"organization id", "1337", url.Values{
			"startTask": {"CERTIFICATION_NAME"}, "name": {"Informed and Professionally Competent"},
			"organizationId": {"1337"},
			"issueYear":      {award.IssuedAt.UTC().Format("2006")}, "issueMonth": {award.IssuedAt.UTC().Format("1")},
			"certUrl": {ts.URL + "/credentials/" + award.Credential.ID}, "certId": {award.Credential.ID},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv.LinkedInOrganizationID = tt.organizationID
			link, err := srv.linkedInURL(context.Background(), award)
			if err != nil {
				t.Fatal(err)
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			if got := u.Query().Encode(); got != tt.want.Encode() {
				t.Errorf("query %s, want %s", got, tt.want.Encode())
			}
		})
	}
}
