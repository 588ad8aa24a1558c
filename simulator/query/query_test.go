package query

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
)

func doc() *Doc {
	return &Doc{
		Time: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Token: "740f4707bebcf74f",
		Topic: "com.example.app", PushType: "alert", Priority: 10, Status: 410, Reason: "Unregistered",
		ApnsID: "2A9CE404-EA4C-459C-B94C-160FAD47E99A", CollapseID: "score", TeamID: "TEAM", KeyID: "KEY",
		Payload: []byte(`{"aps":{"alert":"Your Order Is Ready"}}`),
	}
}

func TestMatch(t *testing.T) {
	now := time.Date(2026, 12, 3, 10, 30, 0, 0, time.UTC)
	for _, c := range []struct {
		q    string
		want bool
	}{
		{"", true},
		{"token:740f4707bebcf74f", true},
		{`token:"<740F4707 BEBCF74F>"`, true},
		{"token:740F4707BEBCF74F", true},
		{"token:740f4707bebcf74e", false},
		{"-token:740f4707bebcf74f", false},
		{"topic:com.example.app", true},
		{"topic:com.example", false},
		{`topic:"com.example.app"`, true},
		{"push-type:alert priority:10", true},
		{"priority:5", false},
		{"status:410", true},
		{"status:4xx", true},
		{"status:2xx", false},
		{"-status:200", true},
		{"reason:unregistered", true},
		{"apns-id:2a9ce404-ea4c-459c-b94c-160fad47e99a", true},
		{"collapse-id:score team:TEAM key-id:KEY", true},
		{"team:team", false},
		{"order", true},
		{"ORDER ready", true},
		{`"order is ready"`, true},
		{`"order ready"`, false},
		{"-order", false},
		{`-"silent"`, true},
		{"after:2026-12-03T09:59:59Z before:2026-12-03T10:00:01Z", true},
		{"after:2026-12-03", true},
		{"before:2026-12-03", false},
		{"after:1h", true},
		{"after:10m", false},
		{"status:410 order -topic:com.other", true},
		{"status:410 nothing-here", false},
	} {
		q, err := ParseAt(c.q, now)
		if err != nil {
			t.Errorf("%q: %v", c.q, err)
			continue
		}
		if got := q.Match(doc()); got != c.want {
			t.Errorf("%q matched %v, want %v", c.q, got, c.want)
		}
	}
}

func TestParseErrors(t *testing.T) {
	for q, want := range map[string]string{
		"tokn:abc":                       `unknown key "tokn"`,
		"status:abc":                     "not a status",
		"status:700":                     "not a status",
		"priority:high":                  "not a priority",
		"after:yesterday":                "not a time",
		"topic:":                         "no value",
		`"open`:                          "not closed",
		`topic:"open`:                    "not closed",
		`""`:                             "searches for nothing",
		strings.Repeat("a", MaxLength+1): "more than",
	} {
		_, err := Parse(q)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Parse(%.20q) = %v, want an error with %q", q, err, want)
		}
	}
}

func TestTokenForTheIndex(t *testing.T) {
	q, _ := Parse("status:200 token:ABCD")
	if tok, ok := q.Token(); !ok || tok != "abcd" {
		t.Errorf("Token() = %q %v", tok, ok)
	}
	q, _ = Parse("-token:abcd")
	if _, ok := q.Token(); ok {
		t.Error("a negated token term used for the index")
	}
}

func TestContainsFold(t *testing.T) {
	for _, c := range []struct {
		h, n string
		want bool
	}{
		{"Hello World", "world", true},
		{"Hello World", "hello world", true},
		{"Hello", "hello!", false},
		{"aAaAb", "aab", true},
		{"aaaa", "aab", false},
		{"xyz", "", true},
		{"WwWwx", "wx", true},
		{"{\"n\":1}", "\":1", true},
	} {
		if got := containsFold([]byte(c.h), fold([]byte(c.n))); got != c.want {
			t.Errorf("containsFold(%q, %q) = %v", c.h, c.n, got)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add(`token:abc -status:4xx "a \" b" word`)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err == nil {
			q.Match(doc())
		}
	})
}

// TestContainsFoldAgreesWithLowercasing: the jumping search finds what
// lowercasing both and bytes.Contains find, over random ASCII.
func TestContainsFoldAgreesWithLowercasing(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = `aAbBzZ "{}:qQ1`
	gen := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return b
	}
	for i := 0; i < 20000; i++ {
		h, n := gen(r.IntN(40)), gen(1+r.IntN(4))
		want := bytes.Contains(bytes.ToLower(h), bytes.ToLower(n))
		if got := containsFold(h, fold(n)); got != want {
			t.Fatalf("containsFold(%q, %q) = %v, want %v", h, n, got, want)
		}
	}
}
