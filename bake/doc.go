// Package bake writes a signed Open Badges 3.0 credential into a badge
// image, as the baking rules of the Open Badges 3.0 specification
// describe: a PNG image gets one uncompressed iTXt chunk with the keyword
// openbadgecredential, and an SVG image gets one credential element in the
// namespace https://purl.imsglobal.org/ob/v3p0 whose verify attribute holds
// the compact JWS.
//
// Baking an image that already carries a credential replaces it, so an
// image never holds two. The package only writes: verifier.ExtractPNG and
// verifier.ExtractSVG read the credential back.
package bake
