// Package progress reports the progress of long work on stderr: a bar on a
// terminal, plain periodic lines otherwise, and nothing when quiet.
package progress

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"
)

// Bar reports progress towards a total. A nil *Bar is valid and silent.
type Bar struct {
	mu    sync.Mutex
	bar   *progressbar.ProgressBar
	w     io.Writer
	desc  string
	total int64
	done  int64
	last  time.Time
	every time.Duration
}

// New returns a progress reporter writing to w, or nil when quiet. On a
// terminal it draws a bar; otherwise it prints plain lines: one per step
// when there are at most MaxPlainSteps steps, else one at most every 5 s.
// A total ≤ 0 means unknown: every step is printed with the count done.
func New(w io.Writer, total int64, desc string, quiet bool) *Bar {
	if quiet || w == nil {
		return nil
	}
	b := &Bar{w: w, desc: desc, total: total, last: time.Now(), every: 5 * time.Second}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		max := total
		if max <= 0 {
			max = -1 // unknown: a spinner, until Step gives the total
		}
		b.bar = progressbar.NewOptions64(max,
			progressbar.OptionSetWriter(w),
			progressbar.OptionSetDescription(desc),
			progressbar.OptionShowCount(),
			progressbar.OptionSetElapsedTime(true),
			progressbar.OptionSetPredictTime(true),
			progressbar.OptionClearOnFinish(),
			progressbar.OptionThrottle(100*time.Millisecond),
		)
	}
	return b
}

// Add advances the bar by n.
func (b *Bar) Add(n int64) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	if b.bar != nil {
		b.bar.Add64(n)
		return
	}
	b.plain()
}

// MaxPlainSteps is the largest total for which plain output prints every
// step.
const MaxPlainSteps = 100

// plain prints the plain progress line when it is due.
func (b *Bar) plain() {
	now := time.Now()
	if b.total > MaxPlainSteps && now.Sub(b.last) < b.every {
		return
	}
	b.last = now
	if b.total <= 0 {
		fmt.Fprintf(b.w, "%s: %d done\n", b.desc, b.done)
		return
	}
	fmt.Fprintf(b.w, "%s: %d/%d\n", b.desc, b.done, b.total)
}

// Step reports that done of total steps are finished, the last being
// desc: the total may change as the work reveals it.
func (b *Bar) Step(done, total int, desc string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.desc = desc
	b.set(done, total)
}

// Set reports that done of total steps are finished, keeping the
// description: it has the shape of the progress callbacks of the library,
// func(done, total int).
func (b *Bar) Set(done, total int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.set(done, total)
}

func (b *Bar) set(done, total int) {
	desc := b.desc
	b.done = int64(done)
	if b.bar != nil {
		if int64(total) != b.total {
			b.bar.ChangeMax64(int64(total))
		}
		b.total = int64(total)
		b.bar.Describe(desc)
		b.bar.Set64(int64(done))
		return
	}
	b.total = int64(total)
	b.plain()
}

// Describe changes the description shown next to the bar.
func (b *Bar) Describe(desc string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.desc = desc
	if b.bar != nil {
		b.bar.Describe(desc)
	}
}

// Finish completes the bar.
func (b *Bar) Finish() {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.bar != nil {
		b.bar.Finish()
	}
}
