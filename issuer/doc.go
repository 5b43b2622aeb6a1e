// Package issuer is the domain core for issuing Open Badges 3.0 credentials:
// achievements, students, activities, attendance uploads and awards, the rules
// that decide who earns what, and the building and signing of each award's
// OpenBadgeCredential.
//
// The package holds domain types, sentinel errors and the interfaces it
// consumes (Store, Signer). It imports no database driver and no HTTP handler
// code; adapters under internal/ implement those interfaces.
package issuer
