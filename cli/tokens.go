package cli

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// maxTokenLine is the longest line a tokens file may have: a token as
// copied (64 hex digits with spaces and <>, a Swift description, base64)
// is far shorter, so a longer line is not a token.
const maxTokenLine = 4096

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
	// its end, each token answered "not sent: cancelled").
	stdin bool
	lines chan tokenRead
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
	if !t.stdin || len(t.flags) > 0 {
		return t.next()
	}
	if t.lines == nil {
		t.lines = make(chan tokenRead, 256)
		go func() {
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

func (f *sendFlags) openTokens(stdin io.Reader) (*tokenReader, error) {
	t := &tokenReader{flags: f.tokens, close: func() error { return nil }}
	switch f.tokensFile {
	case "":
	case "-":
		t.r, t.stdin = bufio.NewReaderSize(stdin, 64<<10), true
	default:
		file, err := os.Open(f.tokensFile)
		if err != nil {
			return nil, inputError{fmt.Errorf("cannot read the tokens file (%v): check the path, or use --tokens - to read standard input", err)}
		}
		t.r, t.close = bufio.NewReaderSize(file, 64<<10), file.Close
	}
	if len(t.flags) == 0 && t.r == nil {
		return nil, inputError{errors.New("no device token: give --token TOKEN (as copied from the device) or --tokens FILE")}
	}
	return t, nil
}

// next returns the next token line; io.EOF at the end.
func (t *tokenReader) next() (tokenLine, error) {
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
				data, err = t.r.ReadSlice('\n')
				n += len(data)
			}
			if err != nil && err != io.EOF {
				return tokenLine{}, inputError{fmt.Errorf("cannot read the tokens: %v", err)}
			}
			return tokenLine{line: t.line, raw: "", err: inputError{fmt.Errorf("line %d is %d bytes long, over the %d-byte limit of a token line: is this the right file? Put one token per line", t.line, n, maxTokenLine)}}, nil
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

// countLines counts the token lines of a regular --tokens file, for the
// progress bar's total; -1 when unknown (standard input).
func (f *sendFlags) countTokens() int {
	if f.tokensFile == "" {
		return len(f.tokens)
	}
	if f.tokensFile == "-" {
		return -1
	}
	file, err := os.Open(f.tokensFile)
	if err != nil {
		return -1
	}
	defer file.Close()
	if st, err := file.Stat(); err != nil || !st.Mode().IsRegular() {
		return -1
	}
	n := len(f.tokens)
	t := &tokenReader{r: bufio.NewReaderSize(file, 64<<10)}
	for {
		if _, err := t.next(); err != nil {
			return n
		}
		n++
	}
}
