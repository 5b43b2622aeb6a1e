package web

import (
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"
)

// BenchmarkStatusList measures /status/{id} over loopback HTTP with
// keep-alive connections, from parallel clients: "full" fetches the
// compact JWS each time, "revalidate" sends the ETag of the last response
// and gets 304 Not Modified. Each request reads the list's revision from
// SQLite, as a server does. The server logs at info level to io.Discard,
// so log formatting counts but no disk does.
//
//	go test -run '^$' -bench StatusList -benchtime 5s ./internal/web
func BenchmarkStatusList(b *testing.B) {
	ts := newTestServer(b, func(s *Server) { s.Logger = slog.New(slog.NewTextHandler(io.Discard, nil)) })
	award := ts.credentialOf(b, ts.issue(b), "S1001")
	ts.postJSON(b, "/api/v1/credentials/"+award.Credential.ID+"/revoke", ts.admin.token, `{"reason": "benchmark"}`).wantStatus(b, http.StatusOK)
	url := ts.URL + ts.statusListPath(b, award)

	first := ts.do(b, request{path: ts.statusListPath(b, award), header: http.Header{"Accept": {"application/vc+jwt"}}}).wantStatus(b, http.StatusOK)
	etag := first.Header.Get("ETag")
	b.Logf("JWS of %d bytes, ETag %s", len(first.body), etag)

	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	cases := []struct {
		name   string
		etag   string
		status int
	}{
		{"full", "", http.StatusOK},
		{"revalidate", etag, http.StatusNotModified},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(8)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, err := http.NewRequest(http.MethodGet, url, nil)
					if err != nil {
						b.Error(err)
						return
					}
					req.Header.Set("Accept", "application/vc+jwt")
					if c.etag != "" {
						req.Header.Set("If-None-Match", c.etag)
					}
					resp, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != c.status {
						b.Errorf("status %d, want %d", resp.StatusCode, c.status)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
		})
	}
}
