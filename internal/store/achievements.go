package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/laurel-badges/laurel/issuer"
)

const achievementColumns = `
	id,
	code,
	name,
	description,
	criteria,
	criteria_url,
	achievement_type,
	tags,
	min_hours,
	valid_for_days,
	image_type,
	image_data,
	created_at,
	updated_at`

func scanAchievement(row rowScanner) (*issuer.Achievement, error) {
	a := &issuer.Achievement{}
	var tags string
	err := row.Scan(
		&a.ID,
		&a.Code,
		&a.Name,
		&a.Description,
		&a.Criteria,
		&a.CriteriaURL,
		&a.AchievementType,
		&tags,
		&a.MinHours,
		&a.ValidForDays,
		&a.Image.ContentType,
		bytesDest(&a.Image.Data),
		timeDest(&a.CreatedAt),
		timeDest(&a.UpdatedAt),
	)
	if err != nil {
		return nil, err
	}

	if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
		return nil, fmt.Errorf("achievement %s: tags %q: %w", a.ID, tags, err)
	}
	if len(a.Tags) == 0 {
		a.Tags = nil
	}
	return a, nil
}

// tagsJSON returns tags as a JSON array; nil becomes [].
func tagsJSON(tags []string) (string, error) {
	if tags == nil {
		tags = []string{}
	}
	b, err := json.Marshal(tags)
	return string(b), err
}

// CreateAchievement inserts a. An empty ID is set to a new UUID, and zero
// CreatedAt and UpdatedAt to the current time.
func (db *DB) CreateAchievement(ctx context.Context, a *issuer.Achievement) error {
	a.ID = newID(a.ID)
	t := now()
	stamp(&a.CreatedAt, t)
	stamp(&a.UpdatedAt, t)
	op := fmt.Sprintf("create achievement %q", a.Code)

	tags, err := tagsJSON(a.Tags)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}

	const q = `
INSERT INTO achievements (` + achievementColumns + `
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

	_, err = db.conn().exec(ctx, q,
		a.ID,
		a.Code,
		a.Name,
		a.Description,
		a.Criteria,
		a.CriteriaURL,
		a.AchievementType,
		tags,
		a.MinHours,
		a.ValidForDays,
		a.Image.ContentType,
		notNullBytes(a.Image.Data),
		db.dialect.timeArg(a.CreatedAt),
		db.dialect.timeArg(a.UpdatedAt),
	)
	if err != nil {
		return storeError(op, err)
	}
	return nil
}

// UpdateAchievement replaces every field of the achievement with a.ID except
// CreatedAt. A zero UpdatedAt is set to the current time.
func (db *DB) UpdateAchievement(ctx context.Context, a *issuer.Achievement) error {
	stamp(&a.UpdatedAt, now())
	op := fmt.Sprintf("update achievement %s", a.ID)

	tags, err := tagsJSON(a.Tags)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}

	const q = `
UPDATE achievements SET
	code = ?,
	name = ?,
	description = ?,
	criteria = ?,
	criteria_url = ?,
	achievement_type = ?,
	tags = ?,
	min_hours = ?,
	valid_for_days = ?,
	image_type = ?,
	image_data = ?,
	updated_at = ?
WHERE id = ?`

	res, err := db.conn().exec(ctx, q,
		a.Code,
		a.Name,
		a.Description,
		a.Criteria,
		a.CriteriaURL,
		a.AchievementType,
		tags,
		a.MinHours,
		a.ValidForDays,
		a.Image.ContentType,
		notNullBytes(a.Image.Data),
		db.dialect.timeArg(a.UpdatedAt),
		a.ID,
	)
	if err != nil {
		return storeError(op, err)
	}
	return expectOneRow(op, res)
}

// Achievement returns the achievement with id.
func (db *DB) Achievement(ctx context.Context, id string) (*issuer.Achievement, error) {
	const q = `SELECT` + achievementColumns + `
FROM achievements
WHERE id = ?`

	a, err := scanAchievement(db.conn().queryRow(ctx, q, id))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read achievement %s", id), err)
	}
	return a, nil
}

// AchievementByCode returns the achievement with code.
func (db *DB) AchievementByCode(ctx context.Context, code string) (*issuer.Achievement, error) {
	const q = `SELECT` + achievementColumns + `
FROM achievements
WHERE code = ?`

	a, err := scanAchievement(db.conn().queryRow(ctx, q, code))
	if err != nil {
		return nil, storeError(fmt.Sprintf("read achievement %q", code), err)
	}
	return a, nil
}

// Achievements lists all achievements ordered by code.
func (db *DB) Achievements(ctx context.Context) ([]*issuer.Achievement, error) {
	const op = "list achievements"
	const q = `SELECT` + achievementColumns + `
FROM achievements
ORDER BY code`

	rows, err := db.conn().query(ctx, q)
	if err != nil {
		return nil, storeError(op, err)
	}
	defer rows.Close()

	out := []*issuer.Achievement{}
	for rows.Next() {
		a, err := scanAchievement(rows)
		if err != nil {
			return nil, storeError(op, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, storeError(op, err)
	}
	return out, nil
}
