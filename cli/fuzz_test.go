package cli

// Fuzz target for the command line's --expiration parser. `make fuzz` runs
// it for a while; `go test` runs its seeds as ordinary tests.

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseExpiration checks that any --expiration is refused with an
// error that quotes it and says what to give, or read as what it says:
// UNIX seconds as exactly that second, a duration as that long after now
// (never before it), a date as that date.
func FuzzParseExpiration(f *testing.F) {
	for _, s := range []string{"0", "1700000000", "-1", "+5", "1h", "90m", "-1h", "0s", "2562047h", "2026-12-01T09:00:00Z",
		"2026-12-01T09:00:00+14:00", "1969-12-31T23:59:59Z", "tomorrow", "", " 1h", "9223372036854775807", "1e9"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseExpiration(s, now)
		if err != nil {
			if !strings.Contains(err.Error(), strconv.Quote(s)) || !strings.Contains(err.Error(), "UNIX seconds") {
				t.Fatalf("parseExpiration(%q): error %q does not quote the input and say what to give", s, err)
			}
			return
		}
		if n, err := strconv.ParseInt(s, 10, 64); err == nil {
			if got.Unix() != n {
				t.Fatalf("parseExpiration(%q) = %v (%d)", s, got, got.Unix())
			}
			return
		}
		if d, err := time.ParseDuration(s); err == nil && (got.Before(now) || got.Sub(now) > d) {
			t.Fatalf("parseExpiration(%q) = %v, not within %v after %v", s, got, d, now)
		}
	})
}
