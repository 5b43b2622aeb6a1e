// Package migrations embeds Laurel's database schema as forward-only SQL
// files, one folder per dialect: sqlite/ and postgres/. Each file is named
// NNNN_description.sql, where NNNN is its version; both folders hold the same
// versions. A released file is never edited; a schema change adds a new file.
//
// The package exists because //go:embed cannot reach parent folders, so the
// store that applies the files imports them from here.
package migrations

import "embed"

// FS contains sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
