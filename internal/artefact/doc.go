// Package artefact makes the files a student shares a badge with: QR codes
// of a credential's URL, PNG renderings of badge images, the LinkedIn
// "Add to profile" link and the archive of everything a student earned.
// Baked images come from package bake and PDF certificates from package
// certificate.
package artefact
