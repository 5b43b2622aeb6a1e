package issuer

import (
	"encoding/json"
	"testing"
)

func TestSessionsFromDocument(t *testing.T) {
	tests := []struct {
		name            string
		in              CredentialInput
		narrative       string
		attended, total int
	}{
		{name: "several sessions", in: CredentialInput{SessionsAttended: 3, SessionsTotal: 4, Activity: &Activity{Hours: 6}}, attended: 3, total: 4},
		{name: "one session without hours", in: CredentialInput{SessionsAttended: 1, SessionsTotal: 1, Activity: &Activity{}}, attended: 1, total: 1},
		{name: "no sessions", in: CredentialInput{Activity: &Activity{Hours: 2}}},
		{name: "other text", narrative: "Attended most sessions.", attended: 0, total: 0},
		{name: "more attended than held", narrative: "Attended 5 of 4 sessions.", attended: 0, total: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			narrative := tt.narrative
			if narrative == "" {
				narrative = attendanceNarrative(tt.in)
			}
			doc, err := json.Marshal(map[string]any{"credentialSubject": map[string]any{"narrative": narrative}})
			if err != nil {
				t.Fatal(err)
			}
			attended, total := sessionsFromDocument(doc)
			if attended != tt.attended || total != tt.total {
				t.Errorf("sessionsFromDocument(%q) = %d of %d, want %d of %d", narrative, attended, total, tt.attended, tt.total)
			}
		})
	}
}
