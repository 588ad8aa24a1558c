package ui

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// maxExpirationDays is the most days a time.Duration holds (about 292
// years, as for "2562047h").
const maxExpirationDays = math.MaxInt64 / int64(24*time.Hour)

// parseExpiration reads the Expiration field: "" (no header), "0" (try
// once), UNIX seconds, a time from now ("90m", "1h", "2d"), or a date
// (RFC 3339, or "2006-01-02 15:04" in local time).
func parseExpiration(s string, now time.Time) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	at := func(t time.Time) (*time.Time, error) { return &t, nil }
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n >= 0 {
		return at(time.Unix(n, 0))
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			if int64(n) > maxExpirationDays { // more would overflow into the past
				return nil, fmt.Errorf("expiration %q is too far ahead: give at most %dd, or a date", s, maxExpirationDays)
			}
			return at(now.Add(time.Duration(n) * 24 * time.Hour).Truncate(time.Second))
		}
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return at(now.Add(d).Truncate(time.Second))
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return at(t)
	}
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, s, now.Location()); err == nil {
			return at(t)
		}
	}
	return nil, fmt.Errorf("expiration %q is not understood: leave it empty, type 0 (try once), a time from now such as 1h or 2d, a date such as 2026-01-31T18:00:00Z, or UNIX seconds", s)
}

// describeExpiration says what the apns-expiration header will be.
func describeExpiration(t time.Time, now time.Time) string {
	if t.Unix() == 0 {
		return "apns-expiration: 0 · APNs tries once and does not store the notification"
	}
	s := fmt.Sprintf("apns-expiration: %d · %s", t.Unix(), t.UTC().Format("2006-01-02 15:04:05 UTC"))
	if t.Before(now) {
		return s + " · already past: a device that is offline will not get it"
	}
	return s + " · " + roundDuration(t.Sub(now)) + " from now"
}

func roundDuration(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24+0.5))
	case d >= time.Hour:
		return fmt.Sprintf("%.1f hours", d.Hours())
	case d >= time.Minute:
		return fmt.Sprintf("%d minutes", int(d.Minutes()+0.5))
	}
	return fmt.Sprintf("%d seconds", int(d.Seconds()+0.5))
}

// newUUID makes a random (version 4) UUID for apns-id, lower case.
func newUUID() string { return uuid.NewString() }

// formatDate shows a date in local time with its UNIX seconds and how far
// it is from now: "in 2h0m0s" or "15m0s ago" within two days, else the
// day: "on 2020-01-13" (not "60656h1m45s ago").
func formatDate(t, now time.Time) string {
	d := t.Sub(now.Truncate(time.Second)).Round(time.Second)
	rel := "now"
	switch {
	case d >= 48*time.Hour || d <= -48*time.Hour:
		rel = "on " + t.Local().Format("2006-01-02")
	case d > 0:
		rel = "in " + d.String()
	case d < 0:
		rel = (-d).String() + " ago"
	}
	return fmt.Sprintf("%s (%d, %s)", t.Local().Format("Mon 2 Jan 2006 15:04:05 MST"), t.Unix(), rel)
}
