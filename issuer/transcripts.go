package issuer

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
)

// transcriptTokenBytes is the length of a transcript token's random part:
// 256 bits, so that no one finds a student's transcript link by guessing.
const transcriptTokenBytes = 32

// TranscriptLink returns the public URL of the page that lists and checks
// all of the student's credentials, making its token on first use. The
// transcript PDF prints it as a QR code.
func (s *Service) TranscriptLink(ctx context.Context, st *Student) (string, error) {
	if st == nil {
		return "", ErrUnauthenticated
	}
	token, err := s.Store.EnsureTranscriptToken(ctx, st.ID, newTranscriptToken())
	if err != nil {
		return "", fmt.Errorf("store transcript token: %w", err)
	}
	return s.URLs.Transcript(token), nil
}

// ReplaceTranscriptLink gives the student a new transcript link at once:
// the old link, and the QR code of every transcript printed with it,
// stop working. Students use it when a link reached someone who should
// no longer see their record.
func (s *Service) ReplaceTranscriptLink(ctx context.Context, st *Student) (string, error) {
	if st == nil {
		return "", ErrUnauthenticated
	}
	token := newTranscriptToken()
	if err := s.Store.ReplaceTranscriptToken(ctx, st.ID, token); err != nil {
		return "", fmt.Errorf("replace transcript token of student %s: %w", st.ID, err)
	}
	s.audit(ctx, studentActor(st), "transcript.link_replace", st.ID, "")
	return s.URLs.Transcript(token), nil
}

// newTranscriptToken returns transcriptTokenBytes random bytes in
// base64url. crypto/rand.Read never returns an error since Go 1.24.
func newTranscriptToken() string {
	random := make([]byte, transcriptTokenBytes)
	rand.Read(random)
	return base64.RawURLEncoding.EncodeToString(random)
}

// PublicTranscript returns the student of a transcript link and all of
// their awards, newest first and revoked ones included, or ErrNotFound.
func (s *Service) PublicTranscript(ctx context.Context, token string) (*Student, []*StudentBadge, error) {
	if len(token) != base64.RawURLEncoding.EncodedLen(transcriptTokenBytes) {
		return nil, nil, ErrNotFound
	}
	st, err := s.Store.StudentByTranscriptToken(ctx, token)
	if err != nil {
		return nil, nil, err
	}
	badges, err := s.StudentBadges(ctx, st)
	if err != nil {
		return nil, nil, err
	}
	return st, badges, nil
}
