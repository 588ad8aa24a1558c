package cli

import (
	"strings"
	"testing"
)

// The hand-written JSON line is byte for byte what encoding/json writes.
func TestJSONLineMatchesEncodingJSON(t *testing.T) {
	odd := "a\"b\\c\n\r\t\b\f\x01\x1f<&>é\u2028\u2029\xff\x7f🙂"
	for _, j := range []jsonResult{
		{Token: "abc", Status: 200, ApnsID: "X", DurationMS: 3, Attempts: 1},
		{Token: odd, Status: 410, Reason: odd, ApnsID: odd, ApnsUniqueID: odd, Timestamp: 1700000000123, DurationMS: 9, Attempts: 3},
		{Token: "", Attempts: 1, Unconfirmed: true, Error: odd},
		{Token: strings.Repeat("ab", 32), Error: "line 3: x"},
	} {
		if got, want := string(j.appendJSON(nil)), marshalJSON(j); got != want {
			t.Errorf("got  %s\nwant %s", got, want)
		}
	}
}
