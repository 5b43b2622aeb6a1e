package store

import (
	"context"

	"github.com/laurel-badges/laurel/issuer"
)

// Profile returns the issuer profile, or ErrNotFound before one is set.
func (db *DB) Profile(ctx context.Context) (*issuer.Profile, error) {
	const q = `
SELECT
	name,
	url,
	email,
	description,
	image_url,
	color,
	accent_color,
	updated_at
FROM issuer_profile
WHERE id = 1`

	p := &issuer.Profile{}
	err := db.conn().queryRow(ctx, q).Scan(
		&p.Name,
		&p.URL,
		&p.Email,
		&p.Description,
		&p.ImageURL,
		&p.Color,
		&p.AccentColor,
		timeDest(&p.UpdatedAt),
	)
	if err != nil {
		return nil, storeError("read issuer profile", err)
	}
	return p, nil
}

// SetProfile creates or replaces the issuer profile. A zero UpdatedAt is set
// to the current time.
func (db *DB) SetProfile(ctx context.Context, p *issuer.Profile) error {
	stamp(&p.UpdatedAt, now())

	const q = `
INSERT INTO issuer_profile (
	id,
	name,
	url,
	email,
	description,
	image_url,
	color,
	accent_color,
	updated_at
) VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	name = excluded.name,
	url = excluded.url,
	email = excluded.email,
	description = excluded.description,
	image_url = excluded.image_url,
	color = excluded.color,
	accent_color = excluded.accent_color,
	updated_at = excluded.updated_at`

	_, err := db.conn().exec(ctx, q,
		p.Name,
		p.URL,
		p.Email,
		p.Description,
		p.ImageURL,
		p.Color,
		p.AccentColor,
		db.dialect.timeArg(p.UpdatedAt),
	)
	if err != nil {
		return storeError("set issuer profile", err)
	}
	return nil
}
