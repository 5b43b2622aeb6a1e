package web

import (
	"net/http"
	"time"

	"github.com/laurel-badges/laurel/verifier"
)

// verifyView is the data of templates/pages/public/verify.html.
type verifyView struct {
	Input  string
	Email  string
	Error  string
	Result *verifier.Result

	Verdict    verdictView
	ValidFrom  string
	ValidUntil string
	Checks     []checkView
}

// verdictView is the verdict line in plain words.
type verdictView struct {
	Title string
	Class string // CSS class of app.css
}

// checkView is one check with an icon that is text, so the outcome does
// not depend on colour.
type checkView struct {
	Icon    string
	Outcome string
	Title   string
	Message string
}

var verdictViews = map[verifier.Verdict]verdictView{
	verifier.Valid:             {"Valid", "status-active"},
	verifier.ValidWithWarnings: {"Valid with warnings", "status-expired"},
	verifier.Invalid:           {"Not valid", "status-revoked"},
	verifier.Revoked:           {"Revoked", "status-revoked"},
	verifier.Expired:           {"Expired", "status-expired"},
	verifier.NotYetValid:       {"Not yet valid", "status-expired"},
	verifier.Indeterminate:     {"Could not be checked", "status-expired"},
}

var outcomeViews = map[verifier.Outcome]struct{ icon, word string }{
	verifier.Pass: {"✓", "Passed"},
	verifier.Fail: {"✗", "Failed"},
	verifier.Warn: {"!", "Warning"},
	verifier.Skip: {"–", "Not checked"},
}

var checkTitles = map[string]string{
	verifier.CheckFormat:           "Format",
	verifier.CheckSignature:        "Signature",
	verifier.CheckIssuerKey:        "Issuer's key",
	verifier.CheckClaims:           "Token claims",
	verifier.CheckContext:          "JSON-LD context",
	verifier.CheckType:             "Credential type",
	verifier.CheckSchema:           "Open Badges schema",
	verifier.CheckCredentialSchema: "Credential's own schema",
	verifier.CheckSubject:          "Recipient in the badge",
	verifier.CheckAchievementType:  "Achievement type",
	verifier.CheckValidity:         "Validity dates",
	verifier.CheckStatus:           "Revocation status",
	verifier.CheckRecipient:        "Recipient you gave",
	verifier.CheckEndorsement:      "Endorsement",
}

func newVerifyView(res *verifier.Result, in verifyInput) *verifyView {
	v := &verifyView{Result: res, Email: in.email, Input: in.text, Verdict: verdictOf(res.Verdict), Checks: checkViews(res.Checks)}

	v.ValidFrom, v.ValidUntil = "Not stated", "No expiry date"
	if res.ValidFrom != nil {
		v.ValidFrom = formatVerifyDate(*res.ValidFrom)
	}
	if res.ValidUntil != nil {
		v.ValidUntil = formatVerifyDate(*res.ValidUntil)
	}
	return v
}

// verdictOf returns the verdict line of verdict.
func verdictOf(verdict verifier.Verdict) verdictView {
	if v, ok := verdictViews[verdict]; ok {
		return v
	}
	return verdictView{string(verdict), "status-expired"}
}

// checkViews returns the checks in words, in their order.
func checkViews(checks []verifier.Check) []checkView {
	views := make([]checkView, 0, len(checks))
	for _, c := range checks {
		o := outcomeViews[c.Outcome]
		title := checkTitles[c.Name]
		if title == "" {
			title = c.Name
		}
		views = append(views, checkView{Icon: o.icon, Outcome: o.word, Title: title, Message: c.Message})
	}
	return views
}

func formatVerifyDate(t time.Time) string {
	return t.UTC().Format("2 January 2006, 15:04 UTC")
}

// renderVerify sends the verifier page, which is never cached because it
// shows one request's result.
func (s *Server) renderVerify(w http.ResponseWriter, r *http.Request, status int, view *verifyView) {
	s.renderPublic(w, r, status, "public/verify.html", verifyCSP, view)
}
