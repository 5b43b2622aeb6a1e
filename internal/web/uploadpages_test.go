package web

import (
	"html"
	"net/http"
	"strings"
	"testing"
)

// TestPreviewListsProblemsOfUnreadLines checks that the preview shows the
// problems of a line that the parser could not turn into a row, such as
// one whose sessions are not a number, as well as those of the rows it
// lists.
func TestPreviewListsProblemsOfUnreadLines(t *testing.T) {
	ts := newTestServer(t)
	c := ts.organiserClient(t, ts.organiser)
	file := attendanceCSV(
		"S1001,CHAN Tai Man,4,4,pass,",
		"S1003,WONG Siu Ming,five,4,,",
		"S9999,Nobody,4,4,,",
	)

	preview := ts.pageUpload(t, c, "/organiser/activities/"+ts.activity.ID+"/upload", "attendance.csv", file).location(t, "/organiser/previews/")
	page := ts.page(t, c, preview, nil).wantStatus(t, http.StatusOK)
	body := html.UnescapeString(string(page.body))

	tests := []struct {
		name, want string
	}{
		{"unread line", `Line 3: The sessions_attended value "five"`},
		{"row in the table", "Problem: No student has ID S9999"},
		{"count of problems", "<strong>2</strong> problems"},
	}
	for _, tt := range tests {
		if !strings.Contains(body, tt.want) {
			t.Errorf("%s: preview does not contain %q:\n%s", tt.name, tt.want, body)
		}
	}
	if strings.Contains(body, `value="S1003"`) {
		t.Error("the unread line has a withhold box, but it has no row to withhold")
	}
}
