package main

import (
	"fmt"
	"io"
	"os"
	"strings"
)

// progressWidth is the number of cells in the terminal progress bar.
const progressWidth = 30

// progress prints how many credentials an upload has signed and written:
// a bar redrawn in place on a terminal, and a plain line at every tenth of
// the way otherwise, so that logs of a scheduled run stay short.
type progress struct {
	w        io.Writer
	terminal bool
	lastStep int // tenths printed so far, for plain lines
	drawn    bool
}

// newProgress writes to w, drawing a bar when w is a terminal.
func newProgress(w io.Writer) *progress {
	return &progress{w: w, terminal: isTerminal(w), lastStep: -1}
}

// isTerminal reports whether w is a character device such as a terminal.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// update shows done of total; it prints nothing when total is 0.
func (p *progress) update(done, total int) {
	if total <= 0 {
		return
	}
	if p.terminal {
		filled := done * progressWidth / total
		bar := strings.Repeat("#", filled) + strings.Repeat(".", progressWidth-filled)
		fmt.Fprintf(p.w, "\r[%s] %3d%%  %d of %d credentials", bar, done*100/total, done, total)
		p.drawn = true
		return
	}

	step := done * 10 / total
	if step == p.lastStep {
		return
	}
	p.lastStep = step
	fmt.Fprintf(p.w, "signed %d of %d credentials (%d%%)\n", done, total, done*100/total)
}

// finish ends the bar's line, so that the next output starts on its own.
func (p *progress) finish() {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
}
