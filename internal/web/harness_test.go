package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/laurel-badges/laurel/internal/attendance"
	"github.com/laurel-badges/laurel/internal/store"
	"github.com/laurel-badges/laurel/issuer"
	"github.com/laurel-badges/laurel/keys"
)

// driverText is the message of the injected store failure. Error bodies
// must never contain it.
const driverText = "sqlite: SQLITE_CORRUPT: database disk image is malformed in /var/lib/laurel/laurel.db"

// faultyStore wraps the real store and fails Achievements and Users on
// demand, as a broken database would. It can also give the server's key
// ring a frozen key set, the view of a server that has not yet re-read
// the store.
type faultyStore struct {
	issuer.Store
	fail atomic.Bool

	// frozenKeys, when set, is what SigningKeys returns, until an upload
	// fails with issuer.ErrKeyRevoked.
	frozenKeys atomic.Pointer[[]*issuer.SigningKey]

	// jobs, when set, is what Jobs returns, so that page tests can show
	// failed jobs without running workers against a rejecting SMTP server.
	jobs atomic.Pointer[[]*issuer.JobRecord]

	// failAttempts makes CountSignInAttempt fail, as a database that
	// rejects writes would.
	failAttempts atomic.Bool
}

func (f *faultyStore) CountSignInAttempt(ctx context.Context, kind string, keyHash []byte, now time.Time, length time.Duration) (time.Time, int, error) {
	if f.failAttempts.Load() {
		return time.Time{}, 0, errors.New(driverText)
	}
	return f.Store.CountSignInAttempt(ctx, kind, keyHash, now, length)
}

func (f *faultyStore) Jobs(ctx context.Context, filter issuer.JobFilter) ([]*issuer.JobRecord, error) {
	if jobs := f.jobs.Load(); jobs != nil {
		return *jobs, nil
	}
	return f.Store.Jobs(ctx, filter)
}

func (f *faultyStore) SigningKeys(ctx context.Context) ([]*issuer.SigningKey, error) {
	if frozen := f.frozenKeys.Load(); frozen != nil {
		return *frozen, nil
	}
	return f.Store.SigningKeys(ctx)
}

func (f *faultyStore) RecordUpload(ctx context.Context, u *issuer.Upload, fill func(tx issuer.UploadTx) error) error {
	err := f.Store.RecordUpload(ctx, u, fill)
	if errors.Is(err, issuer.ErrKeyRevoked) {
		f.frozenKeys.Store(nil)
	}
	return err
}

func (f *faultyStore) Users(ctx context.Context, role issuer.Role) ([]*issuer.User, error) {
	if f.fail.Load() {
		return nil, errors.New(driverText)
	}
	return f.Store.Users(ctx, role)
}

func (f *faultyStore) Achievements(ctx context.Context) ([]*issuer.Achievement, error) {
	if f.fail.Load() {
		return nil, errors.New(driverText)
	}
	return f.Store.Achievements(ctx)
}

// lockedBuffer collects log output from concurrent handlers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the JSON log records written so far.
func (b *lockedBuffer) lines(t testing.TB) []map[string]any {
	t.Helper()
	var out []map[string]any
	for line := range strings.Lines(b.String()) {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %q: %v", line, err)
		}
		out = append(out, rec)
	}
	return out
}

// account is a staff user with an API token.
type account struct {
	user  *issuer.User
	token string
}

// testServer is a Laurel server on loopback over a fresh SQLite store, with
// real keys, the real credential builder and the real attendance parser.
type testServer struct {
	URL       string
	db        *store.DB
	store     *faultyStore
	svc       *issuer.Service
	master    []byte // encrypts the signing keys in db
	logs      *lockedBuffer
	failReady atomic.Bool
	handler   http.Handler // the server's router
	srv       *Server

	admin, organiser, otherOrganiser account
	activity                         *issuer.Activity // owned by organiser, offers IPC
	achievement                      *issuer.Achievement
}

// The students of every test server. Lee's name holds markup to check
// that pages escape it.
var testStudents = []*issuer.Student{
	{Number: "S1001", Name: "CHAN Tai Man", ChineseName: "陳大文", Email: "s1001@stu.example.edu", StudyMode: issuer.FullTime, Status: issuer.Current},
	{Number: "S1002", Name: "<script>alert(1)</script> LEE", Email: "s1002@stu.example.edu", StudyMode: issuer.FullTime, Status: issuer.Current},
	{Number: "S1003", Name: "WONG Siu Ming", Email: "s1003@stu.example.edu", StudyMode: issuer.PartTime, Status: issuer.Current},
	{Number: "S1004", Name: "HO Ka Yan", Email: "s1004@stu.example.edu", StudyMode: issuer.FullTime, Status: issuer.Graduated},
}

const testCatalogue = `{"achievements": [
 {"code": "IPC", "name": "Informed and Professionally Competent", "description": "Gains current knowledge of a profession.",
  "criteria": "Attend at least three quarters of the sessions.", "achievementType": "CoCurricular", "tags": ["graduate attribute"]},
 {"code": "CIT", "name": "Caring and Responsible Citizen", "description": "Serves the community.",
  "criteria": "Complete the service project.", "achievementType": "CommunityService"}
]}`

// newTestServer starts a server over a fresh SQLite store; configure,
// when given, changes the web.Server before its handler is built.
func newTestServer(t testing.TB, configure ...func(*Server)) *testServer {
	t.Helper()
	ts := startTestServer(t, openTestStore(t), nil, configure...)
	ts.seed(t, context.Background())
	return ts
}

// startTestServer starts a server over db without seeding it. Its signing
// keys are encrypted with master, or with a new key when master is nil.
func startTestServer(t testing.TB, db *store.DB, master []byte, configure ...func(*Server)) *testServer {
	t.Helper()

	hs := httptest.NewUnstartedServer(nil)
	base := "http://" + hs.Listener.Addr().String()
	ts := &testServer{URL: base, logs: &lockedBuffer{}}

	ts.db = db
	ts.store = &faultyStore{Store: ts.db}
	logger := slog.New(NewLogHandler(slog.NewJSONHandler(ts.logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	ts.master = master
	if ts.master == nil {
		ts.master = make([]byte, keys.MasterKeySize)
		rand.Read(ts.master)
	}
	ts.svc = newTestService(t, ts.store, base, ts.master, logger)

	srv := &Server{
		Service:   ts.svc,
		Keys:      ts.svc.Signer.(*keys.Ring),
		Templates: templateWriter{},
		Ready: func(ctx context.Context) error {
			if ts.failReady.Load() {
				return errors.New("ping: " + driverText)
			}
			return ts.db.Ping(ctx)
		},
		Logger:  logger,
		Metrics: prometheus.NewRegistry(),
	}
	for _, c := range configure {
		c(srv)
	}
	ts.srv = srv
	hs.Config.Handler = srv.Handler()
	ts.handler = hs.Config.Handler
	hs.Start()
	t.Cleanup(hs.Close)
	return ts
}

// openTestStore opens a fresh SQLite store with every migration applied,
// as a copy of migratedTemplate.
func openTestStore(t testing.TB) *store.DB {
	t.Helper()
	ctx := context.Background()
	template, err := migratedTemplate()
	if err != nil {
		t.Fatalf("migrated template store: %v", err)
	}
	path := filepath.Join(t.TempDir(), "laurel.db")
	if err := copyFile(template, path); err != nil {
		t.Fatalf("copy template store: %v", err)
	}

	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if n, err := db.Migrate(ctx); err != nil || n != 0 {
		t.Fatalf("migrate the copy of the template store: applied %d, err %v; want 0 and no error", n, err)
	}
	return db
}

// templateDir is the folder of migratedTemplate, which TestMain removes.
var templateDir string

// migratedTemplate makes, once per test process, an SQLite file with
// every migration applied and returns its path. Migrating takes about
// 1.8 seconds under the race detector on two cores, and most tests start
// a server on a store of their own.
var migratedTemplate = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "laurel-web-test-")
	if err != nil {
		return "", err
	}
	templateDir = dir
	path := filepath.Join(dir, "laurel.db")

	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		return "", err
	}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return "", err
	}
	// Closing the last connection checkpoints the write-ahead log into
	// the file and deletes the log, so the one file holds everything.
	if err := db.Close(); err != nil {
		return "", err
	}
	if _, err := os.Stat(path + "-wal"); err == nil {
		return "", fmt.Errorf("%s-wal is left after closing the template store", path)
	}
	return path, nil
})

func copyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o600)
}

// TestMain runs the tests and removes the template store afterwards.
func TestMain(m *testing.M) {
	code := m.Run()
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	os.Exit(code)
}

func newTestService(t testing.TB, st issuer.Store, base string, master []byte, logger *slog.Logger) *issuer.Service {
	t.Helper()
	ctx := context.Background()

	urls, err := issuer.NewURLs(base)
	if err != nil {
		t.Fatalf("urls: %v", err)
	}
	did, err := keys.DIDWeb(base)
	if err != nil {
		t.Fatalf("did: %v", err)
	}
	ring, err := keys.Open(ctx, st, master, did, keys.ES256)
	if err != nil {
		t.Fatalf("open keys: %v", err)
	}
	builder, err := issuer.NewCredentialBuilder()
	if err != nil {
		t.Fatalf("credential builder: %v", err)
	}

	return &issuer.Service{
		Store: st, Signer: ring, Keys: ring, Builder: builder, Parser: attendanceParser{},
		URLs: urls, IssuerID: did, Logger: logger,
	}
}

// seed creates the profile, catalogue, students, three accounts and one
// activity owned by the organiser.
func (ts *testServer) seed(t testing.TB, ctx context.Context) {
	t.Helper()
	svc := ts.svc

	err := svc.SetProfile(ctx, issuer.System, &issuer.Profile{Name: "Example University", URL: "https://www.example.edu", Email: "badges@example.edu"})
	if err != nil {
		t.Fatalf("set profile: %v", err)
	}
	cat, err := issuer.ParseCatalogue([]byte(testCatalogue))
	if err != nil {
		t.Fatalf("parse catalogue: %v", err)
	}
	if _, _, err := svc.ImportAchievements(ctx, issuer.System, cat); err != nil {
		t.Fatalf("import achievements: %v", err)
	}
	if ts.achievement, err = ts.db.AchievementByCode(ctx, "IPC"); err != nil {
		t.Fatalf("find IPC: %v", err)
	}
	students := make([]*issuer.Student, len(testStudents))
	for i, st := range testStudents {
		copied := *st
		students[i] = &copied
	}
	if _, _, err := svc.ImportStudents(ctx, issuer.System, students); err != nil {
		t.Fatalf("import students: %v", err)
	}

	ts.admin = newAccount(t, svc, issuer.RoleAdmin, "Learning Advisor")
	ts.organiser = newAccount(t, svc, issuer.RoleOrganiser, "Careers Centre Organiser")
	ts.otherOrganiser = newAccount(t, svc, issuer.RoleOrganiser, "Sports Organiser")

	ts.activity, err = svc.CreateActivity(ctx, ts.organiser.user, issuer.ActivityInput{
		Title: "CV Writing Workshop", Unit: "Careers Centre",
		StartDate: time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), EndDate: time.Date(2025, 3, 8, 0, 0, 0, 0, time.UTC),
		Hours: 6, AchievementCodes: []string{"IPC"},
	})
	if err != nil {
		t.Fatalf("create activity: %v", err)
	}
}

func newAccount(t testing.TB, svc *issuer.Service, role issuer.Role, name string) account {
	t.Helper()
	token, user, err := svc.CreateToken(context.Background(), issuer.System, role, name)
	if err != nil {
		t.Fatalf("create token for %s: %v", name, err)
	}
	return account{user: user, token: token}
}

// request describes one HTTP request of a test.
type request struct {
	method, path string
	token        string
	body         io.Reader
	header       http.Header
}

// response is a finished HTTP response with its body read.
type response struct {
	*http.Response
	body []byte
}

func (ts *testServer) do(t testing.TB, req request) response {
	t.Helper()
	if req.method == "" {
		req.method = http.MethodGet
	}
	r, err := http.NewRequest(req.method, ts.URL+req.path, req.body)
	if err != nil {
		t.Fatalf("new request: %v", err)
	}
	for k, vs := range req.header {
		r.Header[k] = vs
	}
	if req.token != "" {
		r.Header.Set("Authorization", "Bearer "+req.token)
	}

	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", req.method, req.path, err)
	}
	return response{Response: resp, body: body}
}

func (ts *testServer) get(t testing.TB, path, token string) response {
	t.Helper()
	return ts.do(t, request{path: path, token: token})
}

func (ts *testServer) postJSON(t testing.TB, path, token, body string) response {
	t.Helper()
	return ts.do(t, request{method: http.MethodPost, path: path, token: token, body: strings.NewReader(body),
		header: http.Header{"Content-Type": {"application/json"}}})
}

// upload posts an attendance file with extra form fields.
func (ts *testServer) upload(t testing.TB, token, activityID, filename string, data []byte, fields map[string][]string) response {
	t.Helper()
	body, contentType := multipartBody(t, "file", filename, data, fields)
	return ts.do(t, request{method: http.MethodPost, path: "/api/v1/activities/" + activityID + "/attendance", token: token,
		body: body, header: http.Header{"Content-Type": {contentType}}})
}

func multipartBody(t testing.TB, fileField, filename string, data []byte, fields map[string][]string) (io.Reader, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for name, values := range fields {
		for _, v := range values {
			mw.WriteField(name, v)
		}
	}
	if fileField != "" {
		fw, err := mw.CreateFormFile(fileField, filename)
		if err != nil {
			t.Fatalf("create form file: %v", err)
		}
		fw.Write(data)
	}
	if err := mw.Close(); err != nil {
		t.Fatalf("close multipart: %v", err)
	}
	return &b, mw.FormDataContentType()
}

// wantStatus fails the test when the response has another status.
func (r response) wantStatus(t testing.TB, status int) response {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d; body: %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, status, r.body)
	}
	return r
}

func (r response) decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v; body: %s", r.Request.URL.Path, err, r.body)
	}
}

func (r response) errorBody(t testing.TB) errorBody {
	t.Helper()
	var e errorBody
	r.decode(t, &e)
	return e
}

// attendanceCSV builds an attendance file from rows of
// student_id,name,sessions_attended,sessions_total.
func attendanceCSV(rows ...string) []byte {
	return []byte("student_id,name,sessions_attended,sessions_total,assessment,remarks\n" + strings.Join(rows, "\n") + "\n")
}

// goodAttendance lists the three current students, all of whom attended
// enough sessions.
var goodAttendance = attendanceCSV(
	"S1001,CHAN Tai Man,4,4,pass,",
	"S1002,<script>alert(1)</script> LEE,3,4,pass,",
	"S1003,WONG Siu Ming,4,4,,",
)

// issue uploads goodAttendance for real and returns the result.
func (ts *testServer) issue(t testing.TB) *issuer.UploadResult {
	t.Helper()
	resp := ts.upload(t, ts.organiser.token, ts.activity.ID, "attendance.csv", goodAttendance, nil).wantStatus(t, http.StatusCreated)
	var res issuer.UploadResult
	resp.decode(t, &res)
	if len(res.Credentials) == 0 {
		t.Fatalf("upload issued no credentials: %s", resp.body)
	}
	return &res
}

// credentialOf returns the stored award of the credential issued to a student.
func (ts *testServer) credentialOf(t testing.TB, res *issuer.UploadResult, number string) *issuer.Award {
	t.Helper()
	for _, c := range res.Credentials {
		if c.StudentNumber == number {
			a, err := ts.db.AwardByCredential(context.Background(), c.CredentialID)
			if err != nil {
				t.Fatalf("load credential %s: %v", c.CredentialID, err)
			}
			return a
		}
	}
	t.Fatalf("no credential issued to %s", number)
	return nil
}

// templateWriter adapts internal/attendance's template writers, as the
// laurel command does.
type templateWriter struct{}

func (templateWriter) WriteCSV(w io.Writer, students []issuer.Student) error {
	return attendance.WriteCSVTemplate(w, templateStudents(students))
}

func (templateWriter) WriteXLSX(w io.Writer, title string, students []issuer.Student) error {
	return attendance.WriteXLSXTemplate(w, title, templateStudents(students))
}

func templateStudents(students []issuer.Student) []attendance.TemplateStudent {
	out := make([]attendance.TemplateStudent, len(students))
	for i, s := range students {
		out[i] = attendance.TemplateStudent{Number: s.Number, Name: s.Name}
	}
	return out
}

// attendanceParser adapts internal/attendance to issuer.AttendanceParser,
// as the laurel command does.
type attendanceParser struct{}

func (attendanceParser) ParseAttendance(filename string, data []byte) ([]issuer.AttendanceRow, []issuer.RowProblem, error) {
	sheet, err := attendance.Parse(filename, data, attendance.Options{})
	if err != nil {
		return nil, nil, fmt.Errorf("parse attendance: %w", err)
	}
	rows := make([]issuer.AttendanceRow, len(sheet.Rows))
	for i, r := range sheet.Rows {
		rows[i] = issuer.AttendanceRow{
			Line: r.Line, StudentNumber: r.StudentNumber, Name: r.Name,
			SessionsAttended: r.SessionsAttended, SessionsTotal: r.SessionsTotal,
			Assessment: r.Assessment, Withhold: r.Withhold, Remarks: r.Remarks,
		}
	}
	problems := make([]issuer.RowProblem, len(sheet.Problems))
	for i, p := range sheet.Problems {
		problems[i] = issuer.RowProblem{Line: p.Line, Column: p.Column, Value: p.Value, Code: p.Code, Message: p.Message, Warning: p.Warning}
	}
	return rows, problems, nil
}

// newTestServerOn is newTestServer on the empty database at databaseURL,
// migrated first.
func newTestServerOn(t testing.TB, databaseURL string, configure ...func(*Server)) *testServer {
	t.Helper()
	ts := startTestServer(t, openStoreAt(t, databaseURL), nil, configure...)
	ts.seed(t, context.Background())
	return ts
}
