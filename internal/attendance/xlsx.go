package attendance

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/xuri/excelize/v2"

	"github.com/laurel-badges/laurel/internal/sniff"
)

// Limits on an XLSX archive, checked against its central directory before
// excelize inflates anything. A 200,000-row attendance sheet written with
// inline strings by excelize v2.11.1 inflates to about 70 MB of XML at a
// ratio of 12 to 16, so these limits admit real files and stop zip bombs.
const (
	// maxUnzippedSize is the largest total uncompressed size, in bytes.
	maxUnzippedSize = 100 << 20
	// maxZipEntries is the largest number of archive entries. A workbook
	// from Excel or LibreOffice has a few dozen.
	maxZipEntries = 10000
	// maxEntryRatio is the largest uncompressed-to-compressed size ratio
	// of one entry above ratioCheckSize. Deflate cannot exceed about 1032.
	maxEntryRatio  = 200
	ratioCheckSize = 1 << 20
	// maxInMemoryXML is excelize's UnzipXMLSizeLimit: worksheets and
	// shared string tables larger than this are inflated to a temporary
	// file instead of memory.
	maxInMemoryXML = 16 << 20
)

// parseXLSX reads the first worksheet of a workbook. Cells are read as
// displayed, so a number 123 with number format 00000 gives "00123".
// format is what sniff.Detect found: every ZIP archive passes the size
// limits before a part name decides that it is a Word document or
// another archive rather than a workbook.
func parseXLSX(data []byte, format sniff.Format, opt Options) (*Sheet, error) {
	needsTempDir, problem := checkZip(data)
	if problem != nil {
		return &Sheet{Format: "xlsx", Problems: []Problem{*problem}}, nil
	}
	if format != sniff.XLSX {
		return wrongFormat(format), nil
	}

	options := excelize.Options{UnzipSizeLimit: maxUnzippedSize, UnzipXMLSizeLimit: maxInMemoryXML}
	if needsTempDir {
		// excelize leaves its temporary files behind when opening fails
		// half-way, so they go to a private directory removed afterwards.
		dir, err := os.MkdirTemp("", "laurel-xlsx-")
		if err != nil {
			return nil, fmt.Errorf("create temporary directory for xlsx: %w", err)
		}
		defer os.RemoveAll(dir)
		options.TmpDir = dir
	}

	f, err := excelize.OpenReader(bytes.NewReader(data), options)
	if err != nil {
		var pathErr *fs.PathError
		if errors.As(err, &pathErr) {
			return nil, fmt.Errorf("open xlsx: %w", err)
		}
		return unreadable("xlsx", fmt.Sprintf("The workbook could not be opened (%v). Open it in Excel or LibreOffice, save it again as .xlsx (Excel Workbook) and upload it again.", err)), nil
	}
	defer f.Close()

	return readFirstSheet(f, opt)
}

// checkZip inspects the archive's central directory. It returns a problem
// when the archive is unreadable or would inflate beyond the limits, and
// whether any entry is large enough for excelize to use temporary files.
// The sizes in the directory can be trusted as upper bounds because
// archive/zip fails a read that inflates past an entry's declared size.
func checkZip(data []byte) (needsTempDir bool, problem *Problem) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return false, &Problem{
			Code:    CodeUnreadableFile,
			Message: fmt.Sprintf("The file is not a valid .xlsx workbook (%v). Save it again as .xlsx (Excel Workbook) or as CSV UTF-8, then upload it again.", err),
		}
	}

	tooLarge := func(detail string) *Problem {
		return &Problem{
			Code:    CodeFileTooLarge,
			Message: fmt.Sprintf("The workbook was rejected because %s. Copy the attendance rows into a new workbook, or save them as CSV UTF-8, and upload that.", detail),
		}
	}
	if len(zr.File) > maxZipEntries {
		return false, tooLarge(fmt.Sprintf("it has %d parts, more than the %d allowed", len(zr.File), maxZipEntries))
	}

	var total uint64
	for _, entry := range zr.File {
		size := entry.UncompressedSize64
		total += size
		if total > maxUnzippedSize || total < size {
			return false, tooLarge(fmt.Sprintf("it unpacks to more than %d MB", maxUnzippedSize>>20))
		}
		if size > ratioCheckSize && size/maxEntryRatio > entry.CompressedSize64 {
			return false, tooLarge(fmt.Sprintf("its part %q is compressed more than %d times, which no spreadsheet produces", clip(entry.Name), maxEntryRatio))
		}
		if size > maxInMemoryXML {
			needsTempDir = true
		}
	}

	if err := verifyEntries(zr); err != nil {
		return false, &Problem{
			Code:    CodeUnreadableFile,
			Message: fmt.Sprintf("The workbook is damaged (%v). Open it in Excel or LibreOffice, save it again as .xlsx and upload it again.", err),
		}
	}
	return needsTempDir, nil
}

// verifyEntries inflates every entry once to check its size and CRC-32.
// excelize discards read errors, so without this a damaged archive would
// yield a silently shortened sheet, and students missing from it would
// look withheld.
func verifyEntries(zr *zip.Reader) error {
	for _, entry := range zr.File {
		rc, err := entry.Open()
		if err != nil {
			return fmt.Errorf("part %q: %w", clip(entry.Name), err)
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("part %q: %w", clip(entry.Name), err)
		}
	}
	return nil
}

// readFirstSheet streams the rows of the workbook's first sheet into a
// collector. excelize's iterator takes one step per sheet row, including
// rows absent from the XML, so the loop counter is the sheet row number.
func readFirstSheet(f *excelize.File, opt Options) (*Sheet, error) {
	sheet := &Sheet{Format: "xlsx"}
	names := f.GetSheetList()
	if len(names) == 0 {
		return unreadable("xlsx", "The workbook has no worksheet. Put the attendance table on the first sheet and upload it again."), nil
	}

	rows, err := f.Rows(names[0])
	if err != nil {
		return unreadable("xlsx", fmt.Sprintf("The first sheet %q could not be read (%v). Save the workbook again as .xlsx and upload it again.", clip(names[0]), err)), nil
	}
	defer rows.Close()

	// NOTE: excelize's iterator ends silently at malformed worksheet XML, so
	// a sheet cut short inside an intact zip entry yields only its first rows.
	c := newCollector(sheet, opt, 64)
	for line := 1; c.wantsMore() && rows.Next(); line++ {
		cells, err := rows.Columns()
		if err != nil {
			c.problem(Problem{
				Line:    line,
				Code:    CodeUnreadableFile,
				Message: fmt.Sprintf("Row %d of sheet %q could not be read (%v), so reading stopped there. Save the workbook again as .xlsx and upload it again.", line, clip(names[0]), err),
			})
			break
		}
		c.add(line, cells)
	}
	if err := rows.Error(); err != nil {
		c.problem(Problem{
			Code:    CodeUnreadableFile,
			Message: fmt.Sprintf("The first sheet %q could not be read to the end (%v). Save the workbook again as .xlsx and upload it again.", clip(names[0]), err),
		})
	}

	c.finish()
	return sheet, nil
}
