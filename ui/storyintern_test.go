package ui

import (
	"fmt"
	"strings"
	"testing"
	"unsafe"
)

// Rows' stories keep a line they have in common once, and every line
// reads as it was; the lines kept stay bounded however many rows come.
func TestStoryLinesShareCommonLines(t *testing.T) {
	var s storyLines
	row := func(i int) []string {
		return []string{
			"request: POST /3/device/" + fmt.Sprintf("%064x", i) + " (HTTP/2)",
			"    apns-topic: " + strings.Repeat("com.example.app", 1), // built anew for each row
			"outcome: " + fmt.Sprint(200) + " OK",
		}
	}
	a, b := row(1), row(2)
	s.share(a)
	s.share(b)
	if strings.Join(a, "\n") != strings.Join(row(1), "\n") || strings.Join(b, "\n") != strings.Join(row(2), "\n") {
		t.Fatalf("the lines changed:\n%q\n%q", a, b)
	}
	for i := 1; i < 3; i++ {
		if unsafe.StringData(a[i]) != unsafe.StringData(b[i]) {
			t.Errorf("line %q is kept twice", a[i])
		}
	}
	if unsafe.StringData(a[0]) == unsafe.StringData(b[0]) {
		t.Errorf("two different lines share their text")
	}
	for i := range 3 * storyInternMax {
		s.share(row(i))
	}
	if len(s.seen) > storyInternMax {
		t.Errorf("%d lines kept, over %d", len(s.seen), storyInternMax)
	}
}
