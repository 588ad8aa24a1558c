package cli

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"hash/maphash"
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

// seenTokens finds repeated tokens with constant memory per token: it
// keeps a 64-bit hash of each clean token (8 bytes a token, in an
// open-addressing table), not the token. Two different tokens share a
// hash with odds of about n²/2⁶⁵ (1 in 36 million for a million tokens).
type seenTokens struct {
	seed  maphash.Seed
	slots []uint64 // 0 = empty
	n     int
}

// add records tok and reports whether it was seen before.
func (s *seenTokens) add(tok string) bool {
	if s.slots == nil {
		s.seed = maphash.MakeSeed()
		s.slots = make([]uint64, 1024)
	}
	h := maphash.String(s.seed, tok) | 1
	if s.insert(h) {
		return true
	}
	s.n++
	if s.n*10 > len(s.slots)*9 {
		old := s.slots
		s.slots = make([]uint64, len(old)*2)
		for _, v := range old {
			if v != 0 {
				s.insert(v)
			}
		}
	}
	return false
}

// insert puts h in the table and reports whether it was there.
func (s *seenTokens) insert(h uint64) bool {
	mask := uint64(len(s.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		switch s.slots[i] {
		case 0:
			s.slots[i] = h
			return false
		case h:
			return true
		}
	}
}
