package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/spf13/cobra"

	"revolver/app"
)

// progressFlag is --progress: show the progress of long work on stderr
// even when stderr is not a terminal.
var progressFlag bool

func addProgressFlag(root *cobra.Command) {
	root.PersistentFlags().BoolVar(&progressFlag, "progress", false,
		"show the progress of long work (imports, close of business, the demo's loading) on stderr even when it is not a terminal (it is shown on a terminal anyway)")
}

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// progressLine shows progress on stderr, never on stdout (where JSON
// goes): on a terminal one line rewritten in place, else one line per
// update. Updates closer than every 100 ms are dropped, except each
// step's first and last.
type progressLine struct {
	w   io.Writer
	tty bool

	mu   sync.Mutex
	last time.Time
	step string
	open bool // a terminal line is shown without its newline
}

// withProgress returns ctx reporting the progress of the use cases to
// stderr when stderr is a terminal or --progress is given, and the
// function ending the line.
func withProgress(ctx context.Context, cmd *cobra.Command) (context.Context, func()) {
	w := cmd.ErrOrStderr()
	tty := isTerminal(w)
	if !tty && !progressFlag {
		return ctx, func() {}
	}
	p := &progressLine{w: w, tty: tty}
	return app.WithProgress(ctx, p.report), p.end
}

func (p *progressLine) report(step string, done, total int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	final := done >= total
	if step == p.step && !final && now.Sub(p.last) < 100*time.Millisecond {
		return
	}
	if step != p.step && p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
	p.step, p.last = step, now
	line := fmt.Sprintf("%s %d/%d", step, done, total)
	if total > 0 {
		line += fmt.Sprintf(" (%d%%)", done*100/total)
	}
	if !p.tty {
		fmt.Fprintln(p.w, line)
		return
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
	p.open = true
	if final {
		fmt.Fprintln(p.w)
		p.open = false
	}
}

func (p *progressLine) end() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.open {
		fmt.Fprintln(p.w)
		p.open = false
	}
}
