package cli

import (
	"bufio"
	"bytes"
	"io"
	"strings"
	"testing"
)

// FuzzTokenReader checks the tokens file reader against a plain split of
// the same bytes: every line that holds something other than spaces or a
// # comment comes out once, in order, with its line number; a line over
// maxTokenLine comes out as a refusal naming that line, never as a token;
// blank lines and comments never come out.
func FuzzTokenReader(f *testing.F) {
	for _, s := range []string{"", "\n", "abc\n\n# c\n def \n", "x\r\ny", strings.Repeat("a", maxTokenLine+5) + "\nb\n",
		strings.Repeat("z", 70000) + "\n# c\nq", "\t#x\n#\n  \n", "a\nb\nc"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		tr := &tokenReader{r: bufio.NewReaderSize(bytes.NewReader(data), 64<<10)}
		type want struct {
			line int
			raw  string
			long bool
		}
		var wants []want
		lines := bytes.SplitAfter(data, []byte("\n"))
		for i, l := range lines {
			if len(l) == 0 {
				continue
			}
			s := string(bytes.TrimSpace(l))
			switch {
			case len(l) > maxTokenLine:
				wants = append(wants, want{line: i + 1, long: true})
			case s != "" && !strings.HasPrefix(s, "#"):
				wants = append(wants, want{line: i + 1, raw: s})
			}
		}
		for i := 0; ; i++ {
			tl, err := tr.next()
			if err == io.EOF {
				if i != len(wants) {
					t.Fatalf("%d token lines, want %d", i, len(wants))
				}
				return
			}
			if err != nil && i < len(wants) && wants[i].long && len(lines[wants[i].line-1]) > maxRunawayLine &&
				strings.Contains(err.Error(), "without a line break") {
				return // a runaway line ends the reading
			}
			if err != nil {
				t.Fatalf("line %d: %v", i, err)
			}
			if i >= len(wants) {
				t.Fatalf("an extra token line %+v", tl)
			}
			w := wants[i]
			if tl.line != w.line || (tl.err != nil) != w.long || tl.raw != w.raw {
				t.Fatalf("got line %d %q (err %v), want line %d %q (long %v)", tl.line, tl.raw, tl.err, w.line, w.raw, w.long)
			}
		}
	})
}
