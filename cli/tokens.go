package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"
	"sync/atomic"

	"apnsconsole/internal/userfile"
)

// maxTokenLine is the longest line a tokens file may have: a token as
// copied (64 hex digits with spaces and <>, a Swift description, base64)
// is far shorter, so a longer line is not a token. It is refused by its
// line number and the lines after it are read on.
const maxTokenLine = 1 << 10

// maxRunawayLine is how far a line over maxTokenLine is read looking for
// its end: a line longer still means the input is not a list of tokens
// (/dev/zero, a binary file), and it is not read further.
const maxRunawayLine = 1 << 20

// tokensFile is --tokens FILE: a regular file (read as a stream, so of
// any length) or a named pipe; a folder, a socket or a device (/dev/zero)
// is refused before it is opened.
var tokensFile = userfile.Limit{Max: math.MaxInt64, What: "a tokens file",
	Fix: "give a text file with one device token per line, or --tokens - to read standard input"}

// tokenLine is one token as read: its text and where it came from.
type tokenLine struct {
	raw  string
	line int   // line of the tokens file, from 1; 0 for --token
	err  error // set when the line cannot be a token (too long)
}

// tokenReader streams the --token values, then the lines of --tokens
// (a file, or - for standard input), skipping blank lines and # comments.
// Memory does not grow with the number of lines.
type tokenReader struct {
	flags []string
	r     *bufio.Reader
	close func() error
	line  int
	// stdin: lines come through a goroutine, so that a cancelled send
	// stops waiting for a terminal or an endless pipe (a file is read to
	// its end, each token answered "not sent: cancelled"). A named pipe
	// is read the same way, and opened by that goroutine (the open waits
	// for a writer).
	stdin bool
	open  func() (io.Reader, error) // opens a named pipe; nil otherwise
	lines chan tokenRead
	// source names the tokens in messages: "tokens.txt", "standard input".
	source  string
	pending *tokenRead // read ahead by first
}

type tokenRead struct {
	tl  tokenLine
	err error
}

// errStopped ends the reading of standard input after a cancel.
var errStopped = errors.New("standard input was not read further")

// nextOrStop is next, but gives errStopped once ctx ends while it waits
// for standard input.
func (t *tokenReader) nextOrStop(ctx context.Context) (tokenLine, error) {
	if p := t.pending; p != nil {
		t.pending = nil
		return p.tl, p.err
	}
	if !t.stdin || len(t.flags) > 0 {
		return t.next()
	}
	if t.lines == nil {
		t.lines = make(chan tokenRead, 256)
		go func() {
			if t.open != nil {
				r, err := t.open()
				if err != nil {
					t.lines <- tokenRead{err: inputError{err}}
					return
				}
				t.r = bufio.NewReaderSize(r, 64<<10)
			}
			for {
				tl, err := t.next()
				t.lines <- tokenRead{tl, err}
				if err != nil {
					return
				}
			}
		}()
	}
	select {
	case r := <-t.lines:
		return r.tl, r.err
	case <-ctx.Done():
		return tokenLine{}, errStopped
	}
}

// first reads ahead the first token, so that a send with none at all
// (an empty file, only blank lines and comments) fails before it
// connects: an error, exit 2, never a success for nothing.
func (t *tokenReader) first(ctx context.Context) error {
	tl, err := t.nextOrStop(ctx)
	if err == io.EOF {
		return inputError{fmt.Errorf("%s held no device token (it is empty, or only blank lines and # comments): put one token per line, or give --token TOKEN", t.source)}
	}
	if err != nil {
		return err
	}
	t.pending = &tokenRead{tl: tl}
	return nil
}

func (f *sendFlags) openTokens(stdin io.Reader) (*tokenReader, error) {
	t := &tokenReader{flags: f.tokens, close: func() error { return nil }, source: "--tokens " + f.tokensFile}
	switch f.tokensFile {
	case "":
	case "-":
		t.r, t.stdin, t.source = bufio.NewReaderSize(stdin, 64<<10), true, "standard input"
	default:
		st, err := os.Stat(f.tokensFile)
		if err == nil && st.Mode()&fs.ModeNamedPipe != 0 {
			// A named pipe (as from mkfifo, or <(…) in a shell) is read
			// like standard input: Ctrl+C stops the wait for its writer.
			path := f.tokensFile
			var opened atomic.Pointer[os.File]
			t.stdin, t.open = true, func() (io.Reader, error) {
				file, err := os.Open(path)
				if err != nil {
					return nil, fmt.Errorf("cannot read the tokens from %s (%v): check the pipe", path, err)
				}
				opened.Store(file)
				return file, nil
			}
			t.close = func() error {
				if file := opened.Load(); file != nil {
					return file.Close()
				}
				return nil
			}
			break
		}
		file, err := tokensFile.Open(f.tokensFile)
		if err != nil {
			return nil, inputError{err}
		}
		t.r, t.close = bufio.NewReaderSize(file, 64<<10), file.Close
	}
	if len(t.flags) == 0 && t.r == nil && t.open == nil {
		return nil, inputError{errors.New("no device token: give --token TOKEN (as copied from the device) or --tokens FILE")}
	}
	return t, nil
}

// next returns the next token line; io.EOF at the end.
func (t *tokenReader) next() (tokenLine, error) {
	if p := t.pending; p != nil && !t.stdin {
		t.pending = nil
		return p.tl, p.err
	}
	if len(t.flags) > 0 {
		raw := t.flags[0]
		t.flags = t.flags[1:]
		return tokenLine{raw: raw}, nil
	}
	if t.r == nil {
		return tokenLine{}, io.EOF
	}
	for {
		data, err := t.r.ReadSlice('\n')
		if len(data) == 0 && err == io.EOF {
			return tokenLine{}, io.EOF
		}
		t.line++
		if errors.Is(err, bufio.ErrBufferFull) || len(data) > maxTokenLine {
			n := len(data)
			for errors.Is(err, bufio.ErrBufferFull) {
				if n > maxRunawayLine { // /dev/zero on standard input, a binary file
					return tokenLine{}, inputError{fmt.Errorf("line %d runs past %s without a line break: this is not a list of tokens, so the rest was not read; put one token per line", t.line, userfile.FormatSize(maxRunawayLine))}
				}
				data, err = t.r.ReadSlice('\n')
				n += len(data)
			}
			if err != nil && err != io.EOF {
				return tokenLine{}, inputError{fmt.Errorf("cannot read the tokens: %v", err)}
			}
			return tokenLine{line: t.line, raw: "", err: inputError{fmt.Errorf("line %d is %s long, over the %s limit of a token line: is this the right file? Put one token per line", t.line, userfile.FormatSize(int64(n)), userfile.FormatSize(maxTokenLine))}}, nil
		}
		if err != nil && err != io.EOF {
			return tokenLine{}, inputError{fmt.Errorf("cannot read the tokens at line %d: %v", t.line, err)}
		}
		line := string(bytes.TrimSpace(data))
		if line == "" || strings.HasPrefix(line, "#") {
			if err == io.EOF {
				return tokenLine{}, io.EOF
			}
			continue
		}
		return tokenLine{raw: line, line: t.line}, nil
	}
}

// countTokens counts the token lines of a regular --tokens file, for the
// progress bar's total; -1 when unknown (standard input, a pipe).
func (f *sendFlags) countTokens() int {
	if f.tokensFile == "" {
		return len(f.tokens)
	}
	if f.tokensFile == "-" {
		return -1
	}
	file, err := tokensFile.Open(f.tokensFile) // never a pipe: it would be read twice
	if err != nil {
		return -1
	}
	defer file.Close()
	n := len(f.tokens)
	t := &tokenReader{r: bufio.NewReaderSize(file, 64<<10)}
	for {
		if _, err := t.next(); err != nil {
			return n
		}
		n++
	}
}
