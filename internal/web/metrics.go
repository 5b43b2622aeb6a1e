package web

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics holds the server's Prometheus collectors.
type metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	issued   prometheus.Counter
}

// newMetrics registers the collectors on reg. A collector that reg already
// holds, from an earlier Handler call, is reused.
func newMetrics(reg prometheus.Registerer) *metrics {
	labels := []string{"method", "route", "status"}
	return &metrics{
		requests: register(reg, prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "laurel_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, labels)),
		duration: register(reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "laurel_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests in seconds, by method, route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, labels)),
		issued: register(reg, prometheus.NewCounter(prometheus.CounterOpts{
			Name: "laurel_credentials_issued_total",
			Help: "Credentials issued through attendance uploads.",
		})),
	}
}

func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	err := reg.Register(c)
	if err == nil {
		return c
	}

	var exists prometheus.AlreadyRegisteredError
	if errors.As(err, &exists) {
		if prev, ok := exists.ExistingCollector.(C); ok {
			return prev
		}
	}
	panic("register metric: " + err.Error())
}

func (m *metrics) observe(method, route string, status int, elapsed time.Duration) {
	code := strconv.Itoa(status)
	m.requests.WithLabelValues(method, route, code).Inc()
	m.duration.WithLabelValues(method, route, code).Observe(elapsed.Seconds())
}
