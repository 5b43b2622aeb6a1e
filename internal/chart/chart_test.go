package chart

import (
	"bytes"
	"encoding/xml"
	"flag"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// node is a parsed SVG element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// walk calls fn on n and every element below it.
func (n node) walk(fn func(node)) {
	fn(n)
	for _, c := range n.Children {
		c.walk(fn)
	}
}

// parseSVG parses data strictly and fails the test on any XML error.
func parseSVG(t *testing.T, data []byte) node {
	t.Helper()
	var root node
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	if err := d.Decode(&root); err != nil {
		t.Fatalf("output is not well-formed XML: %v\n%s", err, data)
	}
	return root
}

func awardsByMonth() *Chart {
	return &Chart{
		ID:          "awards-month",
		Title:       "Awards per month by badge",
		Description: "Stacked columns of awards issued each month, one colour per badge.",
		Categories:  []string{"2025-01", "2025-02", "2025-03"},
		Series: []Series{
			{Name: "IPC", Values: []float64{3, 0, 7}},
			{Name: "EC", Values: []float64{1, 2, 0}},
		},
		ValueLabel: "awards",
	}
}

func unitsChart() *Chart {
	return &Chart{
		ID:          "activities-unit",
		Title:       "Activities by unit",
		Description: "Number of activities each unit organised.",
		Categories:  []string{"Careers Centre", "Office of Student Affairs and Residential Life Services"},
		Series:      []Series{{Name: "Activities", Values: []float64{4, 11}}},
		ValueLabel:  "activities",
	}
}

func TestWriteGolden(t *testing.T) {
	tests := []struct {
		name  string
		chart *Chart
		write func(c *Chart, buf *bytes.Buffer) error
	}{
		{"columns_stacked", awardsByMonth(), func(c *Chart, buf *bytes.Buffer) error { return c.WriteColumns(buf) }},
		{"bars_single", unitsChart(), func(c *Chart, buf *bytes.Buffer) error { return c.WriteBars(buf) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := tt.write(tt.chart, &buf); err != nil {
				t.Fatalf("write: %v", err)
			}
			parseSVG(t, buf.Bytes())

			golden := filepath.Join("testdata", tt.name+".svg")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("read golden file (run go test -update to create it): %v", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("output differs from %s; run go test -update and review the diff\n got: %s", golden, buf.Bytes())
			}
		})
	}
}

func TestColumnsStructure(t *testing.T) {
	var buf bytes.Buffer
	if err := awardsByMonth().WriteColumns(&buf); err != nil {
		t.Fatalf("WriteColumns: %v", err)
	}
	root := parseSVG(t, buf.Bytes())

	if got := root.attr("role"); got != "img" {
		t.Errorf("role = %q, want img", got)
	}
	if got := root.attr("aria-labelledby"); got != "awards-month-title" {
		t.Errorf("aria-labelledby = %q, want awards-month-title", got)
	}
	if got := root.attr("aria-describedby"); got != "awards-month-desc" {
		t.Errorf("aria-describedby = %q, want awards-month-desc", got)
	}
	if root.Children[0].XMLName.Local != "title" || root.Children[0].attr("id") != "awards-month-title" {
		t.Errorf("first child = <%s id=%q>, want <title id=awards-month-title>", root.Children[0].XMLName.Local, root.Children[0].attr("id"))
	}
	if root.Children[1].XMLName.Local != "desc" {
		t.Errorf("second child = <%s>, want <desc>", root.Children[1].XMLName.Local)
	}

	// Zero values draw nothing: 3+1, 0+2 and 7+0 give four segments, plus
	// two legend swatches.
	var segments, swatches []string
	root.walk(func(n node) {
		if n.XMLName.Local != "rect" {
			return
		}
		if len(n.Children) == 1 && n.Children[0].XMLName.Local == "title" {
			segments = append(segments, n.Children[0].Text)
			return
		}
		swatches = append(swatches, n.attr("fill"))
	})
	wantSegments := []string{"2025-01, IPC: 3 awards", "2025-01, EC: 1 awards", "2025-02, EC: 2 awards", "2025-03, IPC: 7 awards"}
	if !reflect.DeepEqual(segments, wantSegments) {
		t.Errorf("segment titles = %q, want %q", segments, wantSegments)
	}
	if !reflect.DeepEqual(swatches, []string{palette[0], palette[1]}) {
		t.Errorf("legend swatches = %q, want the first two palette colours", swatches)
	}
}

func TestColumnsHeightsFollowValues(t *testing.T) {
	c := &Chart{ID: "c", Title: "t", Categories: []string{"a", "b"}, Series: []Series{{Name: "s", Values: []float64{5, 10}}}}
	var buf bytes.Buffer
	if err := c.WriteColumns(&buf); err != nil {
		t.Fatalf("WriteColumns: %v", err)
	}

	var heights []string
	parseSVG(t, buf.Bytes()).walk(func(n node) {
		if n.XMLName.Local == "rect" {
			heights = append(heights, n.attr("height"))
		}
	})
	// The axis tops out at 10, so 5 fills half the plot and 10 all of it.
	want := []string{"120", "240"}
	if !reflect.DeepEqual(heights, want) {
		t.Errorf("column heights = %q, want %q", heights, want)
	}
}

func TestLabelsEscaped(t *testing.T) {
	hostile := `<script>alert("x")</script> & "quotes" 'apos'`
	c := &Chart{
		ID:          `id"onload="x`,
		Title:       hostile,
		Description: hostile,
		Categories:  []string{hostile},
		Series:      []Series{{Name: hostile, Values: []float64{1}}, {Name: "second", Values: []float64{2}}},
		ValueLabel:  hostile,
	}

	for name, write := range map[string]func(*bytes.Buffer) error{
		"columns": func(b *bytes.Buffer) error { return c.WriteColumns(b) },
		"bars":    func(b *bytes.Buffer) error { return c.WriteBars(b) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := write(&buf); err != nil {
				t.Fatalf("write: %v", err)
			}
			root := parseSVG(t, buf.Bytes())

			if root.Children[0].Text != hostile {
				t.Errorf("title text = %q, want %q unchanged after parsing", root.Children[0].Text, hostile)
			}
			root.walk(func(n node) {
				if n.XMLName.Local == "script" {
					t.Errorf("output has a <script> element")
				}
				for _, a := range n.Attrs {
					if strings.HasPrefix(strings.ToLower(a.Name.Local), "on") {
						t.Errorf("output has an event handler attribute %s=%q", a.Name.Local, a.Value)
					}
				}
			})
			if got := root.attr("aria-labelledby"); got != `id"onload="x-title` {
				t.Errorf("aria-labelledby = %q, want the id with its quotes kept as text", got)
			}
		})
	}
}

func TestValidateRejects(t *testing.T) {
	tests := []struct {
		name  string
		chart Chart
		want  string
	}{
		{"missing id", Chart{Title: "t"}, "missing ID"},
		{"short series", Chart{ID: "c", Categories: []string{"a", "b"}, Series: []Series{{Name: "s", Values: []float64{1}}}}, `series "s" has 1 values for 2 categories`},
		{"negative", Chart{ID: "c", Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []float64{-1}}}}, "must be finite and not negative"},
		{"NaN", Chart{ID: "c", Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []float64{math.NaN()}}}}, "must be finite"},
		{"infinite", Chart{ID: "c", Categories: []string{"a"}, Series: []Series{{Name: "s", Values: []float64{math.Inf(1)}}}}, "must be finite"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := tt.chart.WriteColumns(&buf)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("WriteColumns error = %v, want one containing %q", err, tt.want)
			}
			if buf.Len() != 0 {
				t.Errorf("WriteColumns wrote %d bytes for an invalid chart, want none", buf.Len())
			}
		})
	}
}

func TestEmptyChart(t *testing.T) {
	c := &Chart{ID: "empty", Title: "No awards yet", Description: "Nothing to show."}
	var buf bytes.Buffer
	if err := c.WriteColumns(&buf); err != nil {
		t.Fatalf("WriteColumns: %v", err)
	}
	parseSVG(t, buf.Bytes())
	buf.Reset()
	if err := c.WriteBars(&buf); err != nil {
		t.Fatalf("WriteBars: %v", err)
	}
	parseSVG(t, buf.Bytes())
}

func TestNiceScale(t *testing.T) {
	tests := []struct {
		top, limit, step float64
	}{
		{0, 1, 1},
		{1, 1, 1},
		{3, 3, 1},
		{7, 8, 2},
		{10, 10, 2},
		{23, 25, 5},
		{99, 100, 20},
		{1234, 1500, 500},
	}
	for _, tt := range tests {
		limit, step := niceScale(tt.top)
		if limit != tt.limit || step != tt.step {
			t.Errorf("niceScale(%v) = %v, %v; want %v, %v", tt.top, limit, step, tt.limit, tt.step)
		}
	}
}

func TestTable(t *testing.T) {
	got := awardsByMonth().Table()
	want := Table{
		Header: []string{"", "IPC", "EC", "Total"},
		Rows: [][]string{
			{"2025-01", "3", "1", "4"},
			{"2025-02", "0", "2", "2"},
			{"2025-03", "7", "0", "7"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Table() = %+v, want %+v", got, want)
	}

	single := unitsChart().Table()
	if !reflect.DeepEqual(single.Header, []string{"", "Activities"}) {
		t.Errorf("single-series header = %q, want no Total column", single.Header)
	}
	if single.Rows[1][0] != "Office of Student Affairs and Residential Life Services" {
		t.Errorf("table cut a long category name: %q", single.Rows[1][0])
	}
}

func TestCut(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"short", 10, "short"},
		{"exactly10!", 10, "exactly10!"},
		{"eleven char", 10, "eleven ch…"},
		{"陳大文陳大文", 4, "陳大文…"},
	}
	for _, tt := range tests {
		if got := cut(tt.in, tt.n); got != tt.want {
			t.Errorf("cut(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}
