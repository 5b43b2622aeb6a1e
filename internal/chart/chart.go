// Package chart draws bar charts as static SVG on the server.
//
// A chart is an <svg role="img"> with a <title> and a <desc> that screen
// readers announce, and Table returns the same numbers as rows for the text
// alternative that the page shows next to it. Every label is XML-escaped,
// and the output holds no script, no event handler and no external
// reference, so it can be inlined into a page under a strict content
// security policy.
package chart

import (
	"fmt"
	"math"
	"strconv"
)

// Series is one named set of values, one per category of its chart. In a
// stacked chart each series is one segment of every bar.
type Series struct {
	Name   string
	Values []float64
}

// Chart is the data of one bar chart.
type Chart struct {
	// ID is unique within the page. It prefixes the ids of the title and
	// description, which aria-labelledby and aria-describedby refer to.
	ID          string
	Title       string
	Description string
	Categories  []string // one bar per category, in order
	Series      []Series // stacked in each bar; a single series draws plain bars
	ValueLabel  string   // unit of the values, such as "awards"
}

// validate reports a chart whose series do not match its categories.
func (c *Chart) validate() error {
	if c.ID == "" {
		return fmt.Errorf("chart %q: missing ID", c.Title)
	}
	for _, s := range c.Series {
		if len(s.Values) != len(c.Categories) {
			return fmt.Errorf("chart %q: series %q has %d values for %d categories", c.Title, s.Name, len(s.Values), len(c.Categories))
		}
		for i, v := range s.Values {
			if v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("chart %q: series %q has value %v for %q; values must be finite and not negative", c.Title, s.Name, v, c.Categories[i])
			}
		}
	}
	return nil
}

// total returns the sum of every series at category i.
func (c *Chart) total(i int) float64 {
	var sum float64
	for _, s := range c.Series {
		sum += s.Values[i]
	}
	return sum
}

// maxTotal returns the largest bar.
func (c *Chart) maxTotal() float64 {
	var top float64
	for i := range c.Categories {
		top = max(top, c.total(i))
	}
	return top
}

// Table is the text alternative of a chart: a header row, then one row per
// category with its value in each series and, for more than one series,
// the total.
type Table struct {
	Header []string
	Rows   [][]string
}

// Table returns the chart's numbers as a table.
func (c *Chart) Table() Table {
	t := Table{Header: []string{""}}
	for _, s := range c.Series {
		t.Header = append(t.Header, s.Name)
	}
	withTotal := len(c.Series) > 1
	if withTotal {
		t.Header = append(t.Header, "Total")
	}

	for i, category := range c.Categories {
		row := []string{category}
		for _, s := range c.Series {
			row = append(row, formatValue(s.Values[i]))
		}
		if withTotal {
			row = append(row, formatValue(c.total(i)))
		}
		t.Rows = append(t.Rows, row)
	}
	return t
}

// formatValue writes v without a fraction when it is whole.
func formatValue(v float64) string {
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// niceScale returns the top of the value axis and the step between grid
// lines for a largest value top: a step of 1, 2 or 5 times a power of ten,
// giving at most about five lines.
func niceScale(top float64) (limit, step float64) {
	if top <= 0 {
		return 1, 1
	}
	raw := top / 5
	magnitude := math.Pow(10, math.Floor(math.Log10(raw)))
	step = magnitude
	for _, m := range []float64{1, 2, 5, 10} {
		if m*magnitude >= raw {
			step = m * magnitude
			break
		}
	}
	// Counts are whole numbers, so a fractional step would label a grid
	// line 0.5 awards.
	step = max(step, 1)
	limit = math.Ceil(top/step) * step
	return limit, step
}

// palette is the Okabe–Ito colour set without yellow, which fails contrast
// on white. Neighbouring colours differ for the common colour vision
// deficiencies; the table and the legend order name each series as well.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"}

// colour returns the fill of series i.
func colour(i int) string { return palette[i%len(palette)] }
