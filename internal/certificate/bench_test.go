package certificate

import (
	"bytes"
	"testing"
)

// BenchmarkCertificate writes certificates for a name in Latin, Chinese
// and Arabic script, which embeds subsets of three fonts, and reports the
// size of one certificate.
func BenchmarkCertificate(b *testing.B) {
	chain := loadChain(b)
	c := testCertificate("ليلى أحمد", "陳大文", "Ėglė Šaltė")
	var size int
	for b.Loop() {
		var out bytes.Buffer
		if err := Write(&out, chain, c); err != nil {
			b.Fatal(err)
		}
		size = out.Len()
	}
	b.ReportMetric(float64(size)/1024, "KB/certificate")
}

// BenchmarkCertificateLatin writes certificates whose text is all Latin,
// which embed one font subset.
func BenchmarkCertificateLatin(b *testing.B) {
	chain := loadChain(b)
	c := testCertificate("Ėglė Šaltė")
	var size int
	for b.Loop() {
		var out bytes.Buffer
		if err := Write(&out, chain, c); err != nil {
			b.Fatal(err)
		}
		size = out.Len()
	}
	b.ReportMetric(float64(size)/1024, "KB/certificate")
}
