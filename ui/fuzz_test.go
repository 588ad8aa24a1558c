package ui

// Fuzz target for the window's Expiration field. `make fuzz` runs it for a
// while; `go test` runs its seeds and testdata/fuzz as ordinary tests.

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// FuzzParseExpiration checks that anything typed in the Expiration field
// is refused with an error that quotes it and says what to type, or read
// as what it says: UNIX seconds as exactly that second, a time from now
// ("90m", "2d") as no earlier than now, and describeExpiration
// can show the result.
func FuzzParseExpiration(f *testing.F) {
	for _, s := range []string{"", "0", "1700000000", "-1", "1h", "90m", "-1h", "2d", "0d", "106752d", "9223372036854775807d",
		"2026-01-31T18:00:00Z", "2026-01-31 18:00", "2026-01-31", "1969-12-31", "tomorrow", " 2d ", "2562047h"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseExpiration(s, now)
		trimmed := strings.TrimSpace(s)
		if err != nil {
			if got != nil || !strings.Contains(err.Error(), strconv.Quote(trimmed)+" is ") || !strings.Contains(err.Error(), ": give") && !strings.Contains(err.Error(), "UNIX seconds") {
				t.Fatalf("parseExpiration(%q) = %v, %v: the error does not quote the input and say what to type", s, got, err)
			}
			return
		}
		if got == nil {
			if trimmed != "" {
				t.Fatalf("parseExpiration(%q) = no expiration", s)
			}
			return
		}
		if n, err := strconv.ParseInt(trimmed, 10, 64); err == nil {
			if got.Unix() != n {
				t.Fatalf("parseExpiration(%q) = %v (%d)", s, got, got.Unix())
			}
		} else if _, err := time.ParseDuration(trimmed); err == nil || strings.HasSuffix(trimmed, "d") && !strings.Contains(trimmed, "-") {
			if got.Before(now) {
				t.Fatalf("parseExpiration(%q) = %v, which is before now (%v)", s, got, now)
			}
		}
		if describeExpiration(*got, now) == "" {
			t.Fatalf("describeExpiration(%v) is empty", got)
		}
	})
}

// TestParseExpirationRefusesDaysPastDuration: "106752d" overflowed
// time.Duration and became a date in 1734, sent as an expiration in the
// past; it is now refused, and the largest day count still works.
func TestParseExpirationRefusesDaysPastDuration(t *testing.T) {
	now := time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)
	for _, s := range []string{"106752d", "9223372036854775807d"} {
		if got, err := parseExpiration(s, now); err == nil || !strings.Contains(err.Error(), "at most 106751d") {
			t.Errorf("parseExpiration(%q) = %v, %v; want it refused as too far", s, got, err)
		}
	}
	if got, err := parseExpiration("106751d", now); err != nil || got.Year() != 2319 {
		t.Errorf("parseExpiration(106751d) = %v, %v; want a date in 2319", got, err)
	}
}
