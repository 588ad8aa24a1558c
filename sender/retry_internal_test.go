package sender

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"
)

// A server's Retry-After is honoured up to MaxRetryAfter: a server saying
// 86400 must not stall a send for a day.
func TestRetryAfterIsCapped(t *testing.T) {
	for _, tc := range []struct {
		after, want time.Duration
	}{{time.Second, time.Second}, {90 * time.Second, 90 * time.Second}, {86400 * time.Second, MaxRetryAfter}} {
		if got := retryDelay(1, &Response{RetryAfter: tc.after}); got != tc.want {
			t.Errorf("Retry-After %v: wait %v, want %v", tc.after, got, tc.want)
		}
	}
	if got := retryDelay(1, &Response{}); got > RetryBase || got < RetryBase/2 {
		t.Errorf("no Retry-After: wait %v, want the back-off of %v with jitter", got, RetryBase)
	}
}

// Retry-After comes as seconds or as an HTTP date (RFC 9110 §10.2.3).
func TestRetryAfterForms(t *testing.T) {
	now := time.Date(2026, 12, 3, 15, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		v    string
		want time.Duration
	}{
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{now.Add(30 * time.Second).Format(http.TimeFormat), 30 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0}, // in the past
		{"0", 0},
		{"soon", 0},
		{"", 0},
	} {
		if got := parseRetryAfter(tc.v, now); got != tc.want {
			t.Errorf("Retry-After %q: %v, want %v", tc.v, got, tc.want)
		}
	}
}

// A send's end is named in the user's words: cancelled (Ctrl+C, Stop) is
// not the overall deadline, and a cause given with the deadline is kept.
func TestCancelCauseNamesWhyTheSendEnded(t *testing.T) {
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	late, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()
	cause := errors.New("--timeout 10s passed")
	told, cancel3 := context.WithTimeoutCause(context.Background(), 0, cause)
	defer cancel3()
	<-late.Done()
	<-told.Done()
	if err := cancelCause(cancelled); err != ErrCancelled {
		t.Errorf("cancelled: %v", err)
	}
	if err := cancelCause(late); err != ErrDeadline {
		t.Errorf("past the deadline: %v, want ErrDeadline", err)
	}
	if err := cancelCause(told); err != cause {
		t.Errorf("past the deadline with a cause: %v, want the cause", err)
	}
}
