package cli

import (
	"bufio"
	"bytes"
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
}

func (f *sendFlags) openTokens(stdin io.Reader) (*tokenReader, error) {
	t := &tokenReader{flags: f.tokens, close: func() error { return nil }}
	switch f.tokensFile {
	case "":
	case "-":
		t.r = bufio.NewReaderSize(stdin, 64<<10)
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
