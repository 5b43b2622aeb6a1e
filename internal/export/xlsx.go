package export

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/laurel-badges/laurel/internal/attendance"
)

// xlsxWriter streams rows into one sheet of a workbook.
type xlsxWriter struct {
	dst       io.Writer
	file      *excelize.File
	stream    *excelize.StreamWriter
	columns   int
	row       int // number of the next row, from 1
	dateStyle int
	cells     []any
}

// dateTimeNumFmt is the built-in number format 22, "m/d/yy h:mm", which
// Excel shows in the reader's locale.
const dateTimeNumFmt = 22

func newXLSXWriter(w io.Writer, sheet string, columns []string) (*xlsxWriter, error) {
	f := excelize.NewFile()
	x, err := startSheet(f, sheet, columns)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("start xlsx sheet %q: %w", sheet, err)
	}
	x.dst = w
	return x, nil
}

func startSheet(f *excelize.File, sheet string, columns []string) (*xlsxWriter, error) {
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	stream, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: dateTimeNumFmt})
	if err != nil {
		return nil, err
	}

	// Column widths and panes must come before the first row.
	if err := stream.SetColWidth(1, max(len(columns), 1), 18); err != nil {
		return nil, err
	}
	if err := stream.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}

	header := make([]any, len(columns))
	for i, c := range columns {
		header[i] = excelize.Cell{StyleID: bold, Value: attendance.NeutraliseFormula(c)}
	}
	if err := stream.SetRow("A1", header); err != nil {
		return nil, err
	}

	return &xlsxWriter{
		file:      f,
		stream:    stream,
		columns:   len(columns),
		row:       2,
		dateStyle: dateStyle,
		cells:     make([]any, len(columns)),
	}, nil
}

func (x *xlsxWriter) WriteRow(values ...any) error {
	if len(values) != x.columns {
		return fmt.Errorf("write xlsx row %d: %d values for %d columns", x.row, len(values), x.columns)
	}
	for i, v := range values {
		x.cells[i] = x.cell(v)
	}

	cell, err := excelize.CoordinatesToCellName(1, x.row)
	if err != nil {
		return fmt.Errorf("write xlsx row %d: %w", x.row, err)
	}
	if err := x.stream.SetRow(cell, x.cells); err != nil {
		return fmt.Errorf("write xlsx row %d: %w", x.row, err)
	}
	x.row++
	return nil
}

// cell converts v into what the stream writer stores: text neutralised,
// numbers and booleans as they are, and times in UTC with a date format.
func (x *xlsxWriter) cell(v any) any {
	switch v := v.(type) {
	case string:
		return attendance.NeutraliseFormula(v)
	case int, float64, bool:
		return v
	case time.Time:
		if v.IsZero() {
			return nil
		}
		return excelize.Cell{StyleID: x.dateStyle, Value: v.UTC()}
	case nil:
		return nil
	}
	return attendance.NeutraliseFormula(fmt.Sprint(v))
}

// Abort removes the stream writer's temporary files without writing the
// workbook.
func (x *xlsxWriter) Abort() { x.file.Close() }

func (x *xlsxWriter) Close() error {
	defer x.file.Close()

	if err := x.stream.Flush(); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	if err := x.file.Write(x.dst); err != nil {
		return fmt.Errorf("write xlsx: %w", err)
	}
	return nil
}
