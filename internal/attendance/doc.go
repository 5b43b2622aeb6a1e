// Package attendance reads Activity Attendance Forms (CSV or XLSX) into rows
// and problems, and writes blank forms for organisers to fill in.
//
// The package only parses. It does not look students up: the caller checks
// each Row's StudentNumber against its student records and applies the
// activity's award rule. Parse reports every problem it finds in one pass,
// each with the line or sheet row number shown to the organiser, so that a
// file can be fixed in one round trip.
package attendance
