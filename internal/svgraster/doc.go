// Package svgraster draws SVG badge images as PNG images, in pure Go.
//
// It draws the static subset of SVG 1.1 that badge images use: the root
// <svg> with viewBox and preserveAspectRatio, <g>, <defs>, <use>, <style>
// with simple selectors, the basic shapes, <path> with every command
// including arcs, transforms, fill and stroke with their opacity, rules,
// joins, caps and dashes, group opacity, and linear and radial gradients.
// Anything else that would change the picture (text, embedded images,
// clipping, masks, filters, markers, patterns) is rejected with an
// *UnsupportedError rather than drawn wrongly, so that an upload check
// can tell the admin what to change.
//
// Shapes are filled by a scanline rasterizer with 16 samples per pixel
// row and exact coverage along each row, under the nonzero or evenodd
// rule. Strokes are turned into outlines by github.com/srwiley/rasterx in
// device space.
package svgraster
