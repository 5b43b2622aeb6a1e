package chart

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"strconv"
)

// Drawing sizes in SVG user units. The viewBox scales the chart to its
// container, so these fix proportions, not pixels.
const (
	width        = 640
	plotHeight   = 240
	marginTop    = 16
	marginRight  = 16
	axisWidth    = 48 // room for value labels left of a column chart
	labelHeight  = 56 // room for category labels under a column chart
	legendRow    = 22
	legendColumn = 200
	legendPerRow = 3
	barHeight    = 24 // height of one bar of a bar chart
	barGap       = 8
	nameWidth    = 200 // room for category names left of a bar chart
	maxNameRunes = 28  // longer category names are cut in a bar chart; Table keeps them whole

	// rotateAbove is the number of columns above which category labels
	// are drawn at an angle so that they do not overlap.
	rotateAbove = 8
)

// svgWriter collects SVG text in memory. A chart is a few kilobytes, and
// writing it whole means a failed chart never leaves half an SVG behind.
type svgWriter struct {
	buf bytes.Buffer
}

func (s *svgWriter) raw(format string, args ...any) {
	fmt.Fprintf(&s.buf, format, args...)
}

// text writes v escaped for XML character data and attribute values.
func (s *svgWriter) text(v string) {
	// xml.EscapeText escapes quotes too, so the result is safe in both
	// places; bytes.Buffer never returns a write error.
	_ = xml.EscapeText(&s.buf, []byte(v))
}

// open writes the root element with its title, description and styles.
func (s *svgWriter) open(c *Chart, height int) {
	s.raw(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="`, width, height)
	s.text(c.ID + "-title")
	s.raw(`" aria-describedby="`)
	s.text(c.ID + "-desc")
	s.raw(`" font-family="system-ui, sans-serif" font-size="12">`)

	s.raw(`<title id="`)
	s.text(c.ID + "-title")
	s.raw(`">`)
	s.text(c.Title)
	s.raw(`</title><desc id="`)
	s.text(c.ID + "-desc")
	s.raw(`">`)
	s.text(c.Description)
	s.raw(`</desc>`)
}

// segment writes one rectangle of a bar with a tooltip naming its value.
func (s *svgWriter) segment(x, y, w, h float64, fill, category, series string, value float64, unit string) {
	s.raw(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>`, num(x), num(y), num(w), num(h), fill)
	s.text(category)
	if series != "" {
		s.text(", " + series)
	}
	s.text(": " + formatValue(value) + " " + unit)
	s.raw(`</title></rect>`)
}

// legend writes one swatch and name per series, starting at y, when there
// is more than one series.
func (s *svgWriter) legend(c *Chart, y int) {
	if len(c.Series) < 2 {
		return
	}
	s.raw(`<g aria-hidden="true">`)
	for i, series := range c.Series {
		x := axisWidth + (i%legendPerRow)*legendColumn
		rowY := y + (i/legendPerRow)*legendRow
		s.raw(`<rect x="%d" y="%d" width="12" height="12" fill="%s"/>`, x, rowY, colour(i))
		s.raw(`<text x="%d" y="%d" fill="#222">`, x+18, rowY+10)
		s.text(series.Name)
		s.raw(`</text>`)
	}
	s.raw(`</g>`)
}

// legendHeight returns the height the legend of c needs.
func legendHeight(c *Chart) int {
	if len(c.Series) < 2 {
		return 0
	}
	rows := (len(c.Series) + legendPerRow - 1) / legendPerRow
	return rows*legendRow + 8
}

// num formats a coordinate with at most two decimals.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

// WriteColumns draws c as vertical columns, one per category, with the
// series stacked bottom to top in order.
func (c *Chart) WriteColumns(w io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	limit, step := niceScale(c.maxTotal())
	height := marginTop + plotHeight + labelHeight + legendHeight(c)

	var s svgWriter
	s.open(c, height)

	plotWidth := float64(width - axisWidth - marginRight)
	bottom := float64(marginTop + plotHeight)
	s.valueGrid(limit, step, func(v float64) (x1, y1, x2, y2 float64) {
		y := bottom - v/limit*plotHeight
		return axisWidth, y, axisWidth + plotWidth, y
	}, "end")

	slot := plotWidth / float64(max(len(c.Categories), 1))
	barWidth := slot * 0.7
	rotate := len(c.Categories) > rotateAbove
	for i, category := range c.Categories {
		x := axisWidth + float64(i)*slot + (slot-barWidth)/2
		y := bottom
		for j, series := range c.Series {
			h := series.Values[i] / limit * plotHeight
			if h > 0 {
				y -= h
				s.segment(x, y, barWidth, h, colour(j), category, c.seriesName(j), series.Values[i], c.ValueLabel)
			}
		}
		s.columnLabel(x+barWidth/2, bottom+16, category, rotate)
	}

	s.legend(c, marginTop+plotHeight+labelHeight)
	s.raw(`</svg>`)
	_, err := w.Write(s.buf.Bytes())
	return err
}

// WriteBars draws c as horizontal bars, one per category, with the series
// stacked left to right in order. It suits long category names.
func (c *Chart) WriteBars(w io.Writer) error {
	if err := c.validate(); err != nil {
		return err
	}
	limit, step := niceScale(c.maxTotal())
	rows := len(c.Categories)
	plotH := float64(max(rows, 1) * (barHeight + barGap))
	height := marginTop + int(plotH) + 24 + legendHeight(c)

	var s svgWriter
	s.open(c, height)

	plotWidth := float64(width - nameWidth - marginRight)
	s.valueGrid(limit, step, func(v float64) (x1, y1, x2, y2 float64) {
		x := nameWidth + v/limit*plotWidth
		return x, marginTop, x, marginTop + plotH
	}, "middle")

	for i, category := range c.Categories {
		y := float64(marginTop + i*(barHeight+barGap) + barGap/2)
		x := float64(nameWidth)
		for j, series := range c.Series {
			wd := series.Values[i] / limit * plotWidth
			if wd > 0 {
				s.segment(x, y, wd, barHeight, colour(j), category, c.seriesName(j), series.Values[i], c.ValueLabel)
				x += wd
			}
		}
		s.raw(`<text x="%d" y="%s" text-anchor="end" dominant-baseline="middle" fill="#222">`, nameWidth-8, num(y+barHeight/2))
		s.text(cut(category, maxNameRunes))
		s.raw(`</text>`)
	}

	s.legend(c, marginTop+int(plotH)+24)
	s.raw(`</svg>`)
	_, err := w.Write(s.buf.Bytes())
	return err
}

// seriesName returns the name of series j for tooltips, or "" when the
// chart has one series, whose name would only repeat the title.
func (c *Chart) seriesName(j int) string {
	if len(c.Series) < 2 {
		return ""
	}
	return c.Series[j].Name
}

// valueGrid draws a grid line and a label for every step from 0 to limit.
// The function line maps a value to the line's end points. The label sits
// at the first end point, aligned by anchor: "end" left of a vertical
// axis, "middle" under a horizontal one.
func (s *svgWriter) valueGrid(limit, step float64, line func(v float64) (x1, y1, x2, y2 float64), anchor string) {
	s.raw(`<g aria-hidden="true">`)
	for v := 0.0; v <= limit+step/2; v += step {
		x1, y1, x2, y2 := line(v)
		s.raw(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#ccc" stroke-width="1"/>`, num(x1), num(y1), num(x2), num(y2))
		if anchor == "end" {
			s.raw(`<text x="%s" y="%s" text-anchor="end" dominant-baseline="middle" fill="#222">%s</text>`, num(x1-6), num(y1), formatValue(v))
		} else {
			s.raw(`<text x="%s" y="%s" text-anchor="middle" fill="#222">%s</text>`, num(x1), num(y2+16), formatValue(v))
		}
	}
	s.raw(`</g>`)
}

// columnLabel writes a category name under its column, at an angle when
// rotate is set.
func (s *svgWriter) columnLabel(x, y float64, label string, rotate bool) {
	if rotate {
		s.raw(`<text x="%s" y="%s" text-anchor="end" transform="rotate(-45 %s %s)" fill="#222">`, num(x), num(y), num(x), num(y))
	} else {
		s.raw(`<text x="%s" y="%s" text-anchor="middle" fill="#222">`, num(x), num(y))
	}
	s.text(cut(label, maxNameRunes))
	s.raw(`</text>`)
}

// cut shortens s to n runes, ending with an ellipsis when it cut.
func cut(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
