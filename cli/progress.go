package cli

import (
	"io"
	"os"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// isTerminal reports whether w is a terminal; tests replace it.
var isTerminal = func(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progress is a bulk send's progress bar on stderr (count, rate, ETA),
// drawn only when stderr is a terminal. schollz/progressbar draws it: a
// maintained library that throttles redraws, knows the terminal's width,
// predicts the time left and falls back to a spinner when the total is
// unknown (tokens from standard input).
type progress struct {
	bar *progressbar.ProgressBar // nil: not a terminal
}

// newProgress draws on stderr when it is a terminal; total (called only
// then) counts the tokens, -1 when unknown.
func newProgress(stderr io.Writer, total func() int) *progress {
	if !isTerminal(stderr) {
		return &progress{}
	}
	return &progress{bar: progressbar.NewOptions64(int64(total()),
		progressbar.OptionSetWriter(stderr),
		progressbar.OptionSetDescription("sending"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("notifications"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
		progressbar.OptionSetWidth(30),
	)}
}

func (p *progress) add(n int) {
	if p.bar != nil {
		p.bar.Add(n)
	}
}

// clear takes the bar off the line before a result is printed there.
func (p *progress) clear() {
	if p.bar != nil {
		p.bar.Clear()
	}
}

func (p *progress) finish() {
	if p.bar != nil {
		p.bar.Finish()
	}
}
