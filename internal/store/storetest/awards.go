package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/laurel-badges/laurel/issuer"
)

var awardCases = []testCase{
	{"missing not found", func(t *testing.T, s issuer.Store) {
		tests := []struct {
			name string
			get  func() (any, error)
		}{
			{"Award", func() (any, error) { return s.Award(t.Context(), uuid.NewString()) }},
			{"AwardByCredential", func() (any, error) { return s.AwardByCredential(t.Context(), uuid.NewString()) }},
			{"Upload", func() (any, error) { return s.Upload(t.Context(), uuid.NewString()) }},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := tt.get()
				assertErrorIs(t, tt.name, err, issuer.ErrNotFound)
			})
		}
	}},
	{"filter and order", testAwardFilter},
	{"existing awards", func(t *testing.T, s issuer.Store) {
		f := newUploadFixture(t, s, 3)
		other := createActivity(t, s, "Other", f.achievements[0].ID)
		recordAwards(t, s, f.activity,
			newAward(f.activity, f.students[0], f.achievements[0]),
			newAward(f.activity, f.students[0], f.achievements[1]),
			newAward(f.activity, f.students[2], f.achievements[1]),
		)
		recordAwards(t, s, other, newAward(other, f.students[1], f.achievements[0]))

		tests := []struct {
			name     string
			students []*issuer.Student
			want     map[issuer.AwardKey]bool
		}{
			{
				name:     "some students",
				students: f.students[:2],
				want: map[issuer.AwardKey]bool{
					{StudentID: f.students[0].ID, AchievementID: f.achievements[0].ID}: true,
					{StudentID: f.students[0].ID, AchievementID: f.achievements[1].ID}: true,
				},
			},
			{
				name:     "student with awards of another activity only",
				students: f.students[1:2],
				want:     map[issuer.AwardKey]bool{},
			},
			{
				name:     "no students",
				students: nil,
				want:     map[issuer.AwardKey]bool{},
			},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var ids []string
				for _, st := range tt.students {
					ids = append(ids, st.ID)
				}
				got, err := s.ExistingAwards(t.Context(), f.activity.ID, ids)
				requireNoError(t, "ExistingAwards", err)
				assertEqual(t, "ExistingAwards", got, tt.want)
			})
		}
	}},
}

func testAwardFilter(t *testing.T, s issuer.Store) {
	f := newUploadFixture(t, s, 3)
	other := createActivity(t, s, "Other", f.achievements[0].ID)

	// a[i] is issued at hour i, so newest first is the reverse order.
	a := []*issuer.Award{
		newAward(f.activity, f.students[0], f.achievements[0]),
		newAward(f.activity, f.students[1], f.achievements[0]),
		newAward(other, f.students[0], f.achievements[0]),
		newAward(f.activity, f.students[0], f.achievements[1]),
		newAward(other, f.students[2], f.achievements[0]),
	}
	for i, award := range a {
		award.IssuedAt = hours(i)
	}
	a[1].Credential.KeyID = "key-2"
	a[3].Status = issuer.AwardRevoked
	first := recordAwards(t, s, f.activity, a[0], a[1])
	second := recordAwards(t, s, other, a[2])
	third := recordAwards(t, s, f.activity, a[3])
	fourth := recordAwards(t, s, other, a[4])
	for _, pair := range []struct {
		upload *issuer.Upload
		awards []*issuer.Award
	}{{first, a[0:2]}, {second, a[2:3]}, {third, a[3:4]}, {fourth, a[4:5]}} {
		for _, award := range pair.awards {
			award.UploadID = pair.upload.ID
		}
	}

	tests := []struct {
		name   string
		filter issuer.AwardFilter
		want   []*issuer.Award
	}{
		{"all newest first", issuer.AwardFilter{}, []*issuer.Award{a[4], a[3], a[2], a[1], a[0]}},
		{"activity", issuer.AwardFilter{ActivityID: f.activity.ID}, []*issuer.Award{a[3], a[1], a[0]}},
		{"student", issuer.AwardFilter{StudentID: f.students[0].ID}, []*issuer.Award{a[3], a[2], a[0]}},
		{"upload", issuer.AwardFilter{UploadID: first.ID}, []*issuer.Award{a[1], a[0]}},
		{"activity and student", issuer.AwardFilter{ActivityID: other.ID, StudentID: f.students[0].ID}, []*issuer.Award{a[2]}},
		{"limit", issuer.AwardFilter{Limit: 2}, []*issuer.Award{a[4], a[3]}},
		{"limit and offset", issuer.AwardFilter{Limit: 2, Offset: 2}, []*issuer.Award{a[2], a[1]}},
		{"offset without limit", issuer.AwardFilter{Offset: 3}, []*issuer.Award{a[1], a[0]}},
		{"no match", issuer.AwardFilter{StudentID: uuid.NewString()}, []*issuer.Award{}},
		{"status", issuer.AwardFilter{Status: issuer.AwardRevoked}, []*issuer.Award{a[3]}},
		{"signing key", issuer.AwardFilter{KeyID: "key-2"}, []*issuer.Award{a[1]}},
		{"active of one key", issuer.AwardFilter{KeyID: "key-1", Status: issuer.AwardActive}, []*issuer.Award{a[4], a[2], a[0]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Awards(t.Context(), tt.filter)
			requireNoError(t, "Awards", err)
			assertEqual(t, "Awards", got, tt.want)
		})
	}
}
