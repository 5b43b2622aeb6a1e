// Package demo embeds the synthetic data of the demonstration institution:
// a six-badge catalogue, 400 students and one workshop's attendance, in the
// same file formats that real imports use.
package demo

import "embed"

// Files holds achievements.json, students.csv, attendance-workshop.csv and
// attendance-workshop.xlsx. All names and ids in them are invented.
//
//go:embed achievements.json students.csv attendance-workshop.csv attendance-workshop.xlsx
var Files embed.FS
