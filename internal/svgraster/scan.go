package svgraster

import (
	"errors"
	"image"
	"math"
	"sort"

	"golang.org/x/image/math/fixed"
)

// samplesPerRow is the number of sample lines per pixel row; coverage
// along each sample line is exact, so edges get 16 × continuous levels.
const samplesPerRow = 16

// maxCoordinate bounds device coordinates, in pixels, so that far-away
// geometry stays inside the 26.6 fixed-point range of the stroker.
const maxCoordinate = 1 << 20

// errTooComplex is returned when a drawing exceeds its work budget.
var errTooComplex = errors.New("too complex")

// edge is one line of a polygon in device pixels, with y0 < y1; dir is +1
// when the line went downwards and -1 when it went upwards.
type edge struct {
	x0, y0, x1, y1 float64
	dir            int
}

// polygon collects the closed outlines of one fill or stroke, in device
// pixels. It implements rasterx.Scanner so that the stroker of rasterx
// can write outlines into it.
type polygon struct {
	edges         []edge
	start, last   point
	open          bool
	width, height int
	// budget is the renderer's work budget, charged one unit an edge;
	// once it is spent, further edges are dropped and the caller stops.
	budget *int64
}

func (pg *polygon) add(a, b point) {
	*pg.budget--
	if *pg.budget < 0 || a.y == b.y {
		return // a horizontal edge covers no sample line
	}
	if a.y < b.y {
		pg.edges = append(pg.edges, edge{a.x, a.y, b.x, b.y, 1})
	} else {
		pg.edges = append(pg.edges, edge{b.x, b.y, a.x, a.y, -1})
	}
}

func (pg *polygon) moveTo(p point) {
	pg.closeOutline()
	pg.start, pg.last, pg.open = p, p, true
}

func (pg *polygon) lineTo(p point) {
	if !pg.open {
		pg.moveTo(pg.last)
	}
	pg.add(pg.last, p)
	pg.last = p
}

// closeOutline joins the current outline to its start: fills are always
// closed.
func (pg *polygon) closeOutline() {
	if pg.open && pg.last != pg.start {
		pg.add(pg.last, pg.start)
	}
	pg.last = pg.start
	pg.open = false
}

func fromFixed(p fixed.Point26_6) point { return point{float64(p.X) / 64, float64(p.Y) / 64} }

// The methods below make polygon a rasterx.Scanner. The stroker writes
// its outline as separate edges, each a Start and a Line, that together
// form closed outlines, so Start closes nothing. Drawing happens in the
// renderer, so Draw does nothing.

func (pg *polygon) Start(a fixed.Point26_6) {
	pg.closeOutline()
	pg.last = fromFixed(a)
}

func (pg *polygon) Line(b fixed.Point26_6) {
	p := fromFixed(b)
	pg.add(pg.last, p)
	pg.last = p
}

func (pg *polygon) Draw() {}
func (pg *polygon) GetPathExtent() fixed.Rectangle26_6 {
	return fixed.Rectangle26_6{Max: fixed.P(pg.width, pg.height)}
}
func (pg *polygon) SetBounds(w, h int)      { pg.width, pg.height = w, h }
func (pg *polygon) SetColor(any)            {}
func (pg *polygon) SetWinding(bool)         {}
func (pg *polygon) SetClip(image.Rectangle) {}
func (pg *polygon) Clear() {
	pg.edges = pg.edges[:0]
	pg.open = false
}

// crossing is the intersection of an edge with a sample line.
type crossing struct {
	x   float64
	dir int
}

// rasterize calls span for every pixel row with the coverage of each
// pixel in 0…1, from x0 on. It stops with errTooComplex when the work,
// counted in edge crossings and pixels, passes *budget.
func (pg *polygon) rasterize(evenOdd bool, span func(y, x0 int, cover []float32)) error {
	pg.closeOutline()
	budget := pg.budget
	if *budget < 0 {
		return errTooComplex
	}
	if len(pg.edges) == 0 {
		return nil
	}
	sort.Slice(pg.edges, func(i, j int) bool { return pg.edges[i].y0 < pg.edges[j].y0 })

	minY, maxY := math.Inf(1), math.Inf(-1)
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, e := range pg.edges {
		minY, maxY = math.Min(minY, e.y0), math.Max(maxY, e.y1)
		minX, maxX = math.Min(minX, math.Min(e.x0, e.x1)), math.Max(maxX, math.Max(e.x0, e.x1))
	}
	rowStart := max(0, int(math.Floor(minY)))
	rowEnd := min(pg.height, int(math.Ceil(maxY)))
	colStart := max(0, int(math.Floor(minX)))
	colEnd := min(pg.width, int(math.Ceil(maxX))+1)
	if rowStart >= rowEnd || colStart >= colEnd {
		return nil
	}

	cover := make([]float32, colEnd-colStart)
	runs := make([]float32, colEnd-colStart+1)
	var active []edge
	var crossings []crossing
	next := 0
	for y := rowStart; y < rowEnd; y++ {
		clear(cover)
		clear(runs)
		touched := false
		for s := range samplesPerRow {
			sy := float64(y) + (float64(s)+0.5)/samplesPerRow
			for next < len(pg.edges) && pg.edges[next].y0 <= sy {
				active = append(active, pg.edges[next])
				next++
			}
			crossings = crossings[:0]
			kept := active[:0]
			for _, e := range active {
				if e.y1 <= sy {
					continue
				}
				kept = append(kept, e)
				if e.y0 <= sy {
					x := e.x0 + (sy-e.y0)*(e.x1-e.x0)/(e.y1-e.y0)
					crossings = append(crossings, crossing{x, e.dir})
				}
			}
			active = kept
			*budget -= int64(len(crossings))
			if len(crossings) == 0 {
				continue
			}
			sort.Slice(crossings, func(i, j int) bool { return crossings[i].x < crossings[j].x })
			winding := 0
			for i, c := range crossings[:len(crossings)-1] {
				winding += c.dir
				inside := winding != 0
				if evenOdd {
					inside = winding%2 != 0
				}
				if inside {
					addSpan(cover, runs, c.x-float64(colStart), crossings[i+1].x-float64(colStart), 1.0/samplesPerRow)
					touched = true
				}
			}
		}
		if *budget < 0 {
			return errTooComplex
		}
		if touched {
			*budget -= int64(len(cover))
			sum := float32(0)
			for i := range cover {
				sum += runs[i]
				cover[i] += sum
			}
			span(y, colStart, cover)
		}
	}
	return nil
}

// addSpan adds weight times the covered part of each pixel between x0
// and x1 to cover. Whole pixels inside the span are added to runs as a
// start and an end, which the caller sums along the row: a span then
// costs the same whatever its length.
func addSpan(cover, runs []float32, x0, x1, weight float64) {
	x0 = math.Max(x0, 0)
	x1 = math.Min(x1, float64(len(cover)))
	if x1 <= x0 {
		return
	}
	i0, i1 := int(x0), int(x1)
	if i0 == i1 {
		cover[i0] += float32((x1 - x0) * weight)
		return
	}
	cover[i0] += float32((float64(i0+1) - x0) * weight)
	if i0+1 < i1 {
		runs[i0+1] += float32(weight)
		runs[i1] -= float32(weight)
	}
	if i1 < len(cover) {
		cover[i1] += float32((x1 - float64(i1)) * weight)
	}
}
