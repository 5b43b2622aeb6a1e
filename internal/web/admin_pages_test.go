package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/laurel-badges/laurel/issuer"
)

// postMultipart sends a same-origin multipart form, as a browser does for
// a form with a file field.
func (ts *testServer) postMultipart(t testing.TB, c *http.Client, path, fileField, filename string, data []byte, fields map[string][]string) response {
	t.Helper()
	body, contentType := multipartBody(t, fileField, filename, data, fields)
	r, err := http.NewRequest(http.MethodPost, ts.URL+path, body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	r.Header.Set("Accept", "text/html")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.Header.Set("Content-Type", contentType)
	res, err := c.Do(r)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer res.Body.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(res.Body); err != nil {
		t.Fatalf("read POST %s: %v", path, err)
	}
	return response{Response: res, body: b.Bytes()}
}

func (ts *testServer) adminClient(t testing.TB) *http.Client {
	t.Helper()
	return ts.signedIn(t, &issuer.Principal{User: ts.admin.user})
}

func TestAdminDashboard(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	c := ts.adminClient(t)

	page := ts.page(t, c, "/admin/", nil).wantStatus(t, http.StatusOK)
	for _, want := range []string{
		`<dt>Active awards</dt><dd>3</dd>`,
		`<dt>Graduated students</dt><dd>1</dd>`,
		`<h2 id="chart-awards-month-heading">Awards per month by badge</h2>`,
		`<svg xmlns="http://www.w3.org/2000/svg"`,
		`aria-labelledby="chart-badges-student-title"`,
		`<title id="chart-activities-unit-title">Activities by unit</title>`,
		`<th scope="row"><bdi>Careers Centre</bdi></th><td>1</td>`,
		`<th scope="row"><bdi>1 badge</bdi></th><td>3</td>`,
	} {
		page.wantBodyContains(t, want)
	}
	if len(res.Credentials) != 3 {
		t.Fatalf("issued %d credentials, want 3", len(res.Credentials))
	}
	if strings.Contains(string(page.body), "<script") {
		t.Errorf("dashboard contains a script element")
	}
}

const hostileSVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)"><script>alert(2)</script><circle r="4" fill="#1d4e89"/></svg>`

func badgeFields(code string) map[string][]string {
	return map[string][]string{
		"code":             {code},
		"name":             {"Informed and Professionally Competent"},
		"description":      {"Gains current knowledge of a profession."},
		"criteria":         {"Attend at least three quarters of the sessions."},
		"achievement_type": {"CoCurricular"},
		"tags":             {"graduate attribute, careers"},
		"min_hours":        {"2.5"},
		"valid_for_days":   {"0"},
	}
}

func TestAdminBadgeEdit(t *testing.T) {
	ts := newTestServer(t)
	c := ts.adminClient(t)
	path := "/admin/badges/" + ts.achievement.ID

	ts.page(t, c, "/admin/badges", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, `href="/admin/badges/`+ts.achievement.ID+`"`)
	ts.page(t, c, path, nil).wantStatus(t, http.StatusOK).wantBodyContains(t, `value="IPC"`)

	t.Run("SVG cleaned", func(t *testing.T) {
		ts.postMultipart(t, c, path, "image", "badge.svg", []byte(hostileSVG), badgeFields("IPC")).wantRedirect(t, path)
		next := ts.page(t, c, path, nil).wantStatus(t, http.StatusOK)
		next.wantBodyContains(t, "The SVG image was cleaned; removed: attribute onload on &lt;svg&gt; (event handler); element &lt;script&gt;.")

		a, err := ts.db.Achievement(context.Background(), ts.achievement.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Image.ContentType != "image/svg+xml" || bytes.Contains(a.Image.Data, []byte("script")) || bytes.Contains(a.Image.Data, []byte("onload")) {
			t.Errorf("stored image = %s %s, want the SVG without script", a.Image.ContentType, a.Image.Data)
		}
		if a.MinHours != 2.5 || len(a.Tags) != 2 || a.Tags[1] != "careers" {
			t.Errorf("stored min hours %v, tags %q; want 2.5 and two tags", a.MinHours, a.Tags)
		}
	})

	t.Run("fields kept without image", func(t *testing.T) {
		fields := badgeFields("IPC")
		fields["name"] = []string{"Renamed"}
		ts.postMultipart(t, c, path, "", "", nil, fields).wantRedirect(t, path)
		a, err := ts.db.Achievement(context.Background(), ts.achievement.ID)
		if err != nil {
			t.Fatal(err)
		}
		if a.Name != "Renamed" || a.Image.ContentType != "image/svg+xml" {
			t.Errorf("stored %q with %s, want Renamed and the SVG kept", a.Name, a.Image.ContentType)
		}
	})

	tests := []struct {
		name     string
		filename string
		data     []byte
		fields   map[string][]string
		want     string
	}{
		{"broken PNG", "badge.png", []byte("\x89PNG\r\n\x1a\nbroken"), badgeFields("IPC"), "the PNG header cannot be read"},
		{"entity declaration", "badge.svg", []byte(`<!DOCTYPE svg [<!ENTITY a "b">]><svg/>`), badgeFields("IPC"), "DOCTYPE and entity declarations are not accepted"},
		{"not an image", "badge.gif", []byte("GIF89a"), badgeFields("IPC"), "neither a PNG nor an SVG image"},
		{"SVG with text", "badge.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><text y="5">IPC</text></svg>`), badgeFields("IPC"), "uses &lt;text&gt;, which Laurel cannot draw for the badge&#39;s PNG version; convert the text to paths"},
		{"SVG with a filter", "badge.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 9 9"><filter id="f"/><rect width="9" height="9" filter="url(#f)"/></svg>`), badgeFields("IPC"), "or upload the badge as a PNG image"},
		{"code of another badge", "", nil, badgeFields("CIT"), "code CIT belongs to"},
		{"hours not a number", "", nil, func() map[string][]string { f := badgeFields("IPC"); f["min_hours"] = []string{"two"}; return f }(), "&#34;two&#34; is not a number of hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			field := "image"
			if tt.data == nil {
				field = ""
			}
			res := ts.postMultipart(t, c, path, field, tt.filename, tt.data, tt.fields)
			res.wantStatus(t, http.StatusUnprocessableEntity)
			res.wantBodyContains(t, tt.want)
			res.wantBodyContains(t, `role="alert"`)
		})
	}
}

func TestAdminStudents(t *testing.T) {
	ts := newTestServer(t)
	c := ts.adminClient(t)

	roster := "student_id,name,email,programme,year_of_entry\nS2001,NEW Student,s2001@stu.example.edu,BSc Physics,2025\nS1001,CHAN Tai Man,s1001@stu.example.edu,BBA,2023\n"
	ts.postMultipart(t, c, "/admin/students/import", "file", "students.csv", []byte(roster), nil).wantRedirect(t, "/admin/students")
	ts.page(t, c, "/admin/students", nil).wantBodyContains(t, "Imported students.csv: 1 students created, 1 updated.")

	found := ts.page(t, c, "/admin/students?q=s2001", nil).wantStatus(t, http.StatusOK)
	found.wantBodyContains(t, "<bdi>NEW Student</bdi>")
	if strings.Contains(string(found.body), "S1003") {
		t.Errorf("search for s2001 lists S1003")
	}
	ts.page(t, c, "/admin/students?status=graduated", nil).wantBodyContains(t, "S1004")

	ts.page(t, c, "/admin/students/S2001/status", url.Values{"status": {"graduated"}}).wantRedirect(t, "/admin/students?q=S2001")
	if got := ts.student(t, "S2001").Status; got != issuer.Graduated {
		t.Errorf("status = %s, want graduated", got)
	}
	ts.page(t, c, "/admin/students/S2001/status", url.Values{"status": {"expelled"}}).wantStatus(t, http.StatusBadRequest)
	ts.page(t, c, "/admin/students/S9999/status", url.Values{"status": {"current"}}).wantStatus(t, http.StatusNotFound)

	bad := ts.postMultipart(t, c, "/admin/students/import", "file", "students.csv", []byte("student_id,name\nS3001,No Email\n"), nil)
	bad.wantStatus(t, http.StatusUnprocessableEntity)
	bad.wantBodyContains(t, "Nothing was imported from students.csv")
}

func TestAdminActivitiesAndUploadFile(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	c := ts.adminClient(t)

	ts.page(t, c, "/admin/activities", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, `href="/admin/activities/`+ts.activity.ID+`"`)
	page := ts.page(t, c, "/admin/activities/"+ts.activity.ID, nil).wantStatus(t, http.StatusOK)
	page.wantBodyContains(t, `href="/admin/uploads/`+res.UploadID+`/file"`)

	file := ts.page(t, c, "/admin/uploads/"+res.UploadID+"/file", nil).wantStatus(t, http.StatusOK)
	if !bytes.Equal(file.body, goodAttendance) {
		t.Errorf("downloaded file differs from the upload:\n%s", file.body)
	}
	if got := file.Header.Get("Content-Disposition"); !strings.HasPrefix(got, "attachment") {
		t.Errorf("Content-Disposition = %q, want an attachment", got)
	}
	ts.page(t, c, "/admin/activities/no-such-activity", nil).wantStatus(t, http.StatusNotFound)
}

func TestAdminAwardsRevokeAndReissue(t *testing.T) {
	ts := newTestServer(t)
	res := ts.issue(t)
	c := ts.adminClient(t)
	chan1001 := ts.credentialOf(t, res, "S1001")
	wong := ts.credentialOf(t, res, "S1003")

	list := ts.page(t, c, "/admin/awards?q=CHAN", nil).wantStatus(t, http.StatusOK)
	list.wantBodyContains(t, "1 awards match.")
	list.wantBodyContains(t, `href="/admin/awards/`+chan1001.Credential.ID+`"`)
	ts.page(t, c, "/admin/awards?from=yesterday", nil).wantStatus(t, http.StatusUnprocessableEntity).wantBodyContains(t, "is not a date like")

	path := "/admin/awards/" + chan1001.Credential.ID
	ts.page(t, c, path, nil).wantStatus(t, http.StatusOK).wantBodyContains(t, "Revoke credential")

	ts.page(t, c, path+"/revoke", url.Values{"reason": {""}}).wantRedirect(t, path)
	if a := ts.credentialOf(t, res, "S1001"); a.Status != issuer.AwardActive {
		t.Fatalf("revoked without a reason")
	}

	ts.page(t, c, path+"/revoke", url.Values{"reason": {"awarded in error"}}).wantRedirect(t, path)
	if a := ts.credentialOf(t, res, "S1001"); a.Status != issuer.AwardRevoked || a.Credential.Revocation.Reason != "awarded in error" {
		t.Errorf("award status %s, reason %q; want revoked for awarded in error", a.Status, a.Credential.Revocation.Reason)
	}
	ts.page(t, c, "/admin/awards?status=revoked", nil).wantBodyContains(t, "1 awards match.")

	reissued := ts.page(t, c, "/admin/awards/"+wong.Credential.ID+"/reissue", url.Values{"reason": {"name corrected"}})
	if reissued.StatusCode != http.StatusSeeOther || !strings.HasPrefix(reissued.Header.Get("Location"), "/admin/awards/") {
		t.Fatalf("reissue: status %d, Location %q; want 303 to the new award", reissued.StatusCode, reissued.Header.Get("Location"))
	}
	if next := reissued.Header.Get("Location"); next == "/admin/awards/"+wong.Credential.ID {
		t.Errorf("reissue went back to the old credential")
	}
	old, err := ts.db.AwardByCredential(context.Background(), wong.Credential.ID)
	if err != nil {
		t.Fatal(err)
	}
	if old.Credential.Status != issuer.CredentialRevoked || old.Credential.ReplacedBy == "" {
		t.Errorf("old credential status %s, replaced by %q; want revoked and replaced", old.Credential.Status, old.Credential.ReplacedBy)
	}
	ts.page(t, c, "/admin/awards/not-a-uuid", nil).wantStatus(t, http.StatusNotFound)
}

func TestAdminExportDownload(t *testing.T) {
	ts := newTestServer(t)
	ts.issue(t)
	c := ts.adminClient(t)

	ts.page(t, c, "/admin/exports", nil).wantStatus(t, http.StatusOK).wantBodyContains(t, `href="/admin/exports/laurel-awards.xlsx"`)

	csvFile := ts.page(t, c, "/admin/exports/laurel-awards.csv?q=S1002", nil).wantStatus(t, http.StatusOK)
	if got := csvFile.Header.Get("Content-Disposition"); got != `attachment; filename=laurel-awards.csv` {
		t.Errorf("Content-Disposition = %q", got)
	}
	records, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(csvFile.body, []byte("\xEF\xBB\xBF")))).ReadAll()
	if err != nil {
		t.Fatalf("read CSV: %v", err)
	}
	if len(records) != 2 || records[1][3] != "S1002" || records[1][4] != "<script>alert(1)</script> LEE" {
		t.Errorf("CSV records = %q, want the header and S1002's award", records)
	}

	xlsx := ts.page(t, c, "/admin/exports/laurel-student-badges.xlsx", nil).wantStatus(t, http.StatusOK)
	f, err := excelize.OpenReader(bytes.NewReader(xlsx.body))
	if err != nil {
		t.Fatalf("open XLSX: %v", err)
	}
	defer f.Close()
	rows, err := f.GetRows("Badges per student")
	if err != nil {
		t.Fatalf("GetRows: %v", err)
	}
	if len(rows) != 5 || rows[1][0] != "S1001" || rows[1][5] != "1" {
		t.Errorf("rows = %q, want the header and four students, S1001 with one badge", rows)
	}

	ts.page(t, c, "/admin/exports/laurel-grades.csv", nil).wantStatus(t, http.StatusNotFound)
	ts.page(t, c, "/admin/exports/laurel-awards.pdf", nil).wantStatus(t, http.StatusNotFound)

	entries, err := ts.db.AuditLog(context.Background(), issuer.AuditFilter{Action: "export.download"})
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 {
		t.Errorf("export audit entries = %d, want 2", len(entries))
	}
}

func TestAdminKeysAndAudit(t *testing.T) {
	ts := newTestServer(t)
	c := ts.adminClient(t)

	ts.page(t, c, "/admin/keys/rotate", url.Values{}).wantRedirect(t, "/admin/keys")
	keys := ts.page(t, c, "/admin/keys", nil).wantStatus(t, http.StatusOK)
	keys.wantBodyContains(t, "<td>retired</td>")
	keys.wantBodyContains(t, "<td>active</td>")

	audit := ts.page(t, c, "/admin/audit?action=key.rotate", nil).wantStatus(t, http.StatusOK)
	audit.wantBodyContains(t, `<th scope="row">key.rotate</th>`)
	if strings.Contains(string(audit.body), "achievements.import") {
		t.Errorf("filtered audit log lists other actions")
	}
	ts.page(t, c, "/admin/audit", nil).wantBodyContains(t, "achievements.import")
}
