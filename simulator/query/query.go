// Package query is the simulator's search language, the shape Mailpit's
// search uses: terms separated by spaces, all of which must hold.
//
//	token:HEX          the device token (spaces and <> ignored, any case)
//	topic:T            apns-topic, exactly
//	push-type:P        apns-push-type as sent (alert, background, …)
//	priority:N         apns-priority (10, 5 or 1)
//	status:N           the HTTP status answered: 200, 410, or a class: 4xx
//	reason:R           the reason answered (Unregistered …), any case
//	apns-id:ID         the apns-id answered, any case
//	collapse-id:C      apns-collapse-id, exactly
//	team:T, key-id:K   the provider token's team and key (or the
//	                   certificate's team)
//	after:T, before:T  answered after / before T: RFC 3339
//	                   (2026-12-03T10:00:00Z), a date (2026-12-03, UTC), or
//	                   a duration back from now (10m, 1h30m)
//	WORD or "A PHRASE" free text: in the payload, ignoring ASCII case
//
// A term that starts with - is negated (-status:200, -"silent"). A value
// may be quoted to hold spaces (topic:"a b"); inside quotes \" and \\
// stand for " and \. An unquoted word with a colon must name a key above;
// quote it to search for the text itself.
package query

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// MaxLength is the longest query Parse reads, in bytes.
const MaxLength = 4096

// Doc is what a query looks at in one answered request.
type Doc struct {
	Time       time.Time
	Token      string // lowercase hex, as Normal makes it
	Topic      string
	PushType   string
	Priority   int
	Status     int
	Reason     string
	ApnsID     string
	CollapseID string
	TeamID     string
	KeyID      string
	Payload    []byte
}

// Keys are the term keys Parse reads, in the order the documentation
// lists them.
var Keys = []string{"token", "topic", "push-type", "priority", "status", "reason", "apns-id", "collapse-id", "team", "key-id", "after", "before"}

// A Query is a parsed search. The zero Query matches everything.
type Query struct {
	terms []term
	text  string // as given
}

type term struct {
	key    string // "" for free text
	value  string // normalised for the key
	not    bool
	n      int       // priority, or status; status class: 1–5 with class set
	class  bool      // status:4xx
	at     time.Time // after, before
	folded []byte    // free text, lowercased
}

// Parse reads a query such as `token:abcd… status:410 -"silent"`; the
// error names the term at fault and what a valid one looks like. Relative
// times (after:10m) count back from time.Now.
func Parse(s string) (Query, error) { return ParseAt(s, time.Now()) }

// ParseAt is Parse with relative times counted back from now.
func ParseAt(s string, now time.Time) (Query, error) {
	if len(s) > MaxLength {
		return Query{}, fmt.Errorf("query: %d bytes, more than %d", len(s), MaxLength)
	}
	q := Query{text: s}
	rest := s
	for {
		rest = strings.TrimLeft(rest, " \t\r\n")
		if rest == "" {
			return q, nil
		}
		var t term
		var raw string
		var err error
		if rest[0] == '-' && len(rest) > 1 && rest[1] != ' ' {
			t.not = true
			rest = rest[1:]
		}
		if rest[0] == '"' {
			if raw, rest, err = quoted(rest); err != nil {
				return Query{}, err
			}
			t.folded = fold([]byte(raw))
			if len(t.folded) == 0 {
				return Query{}, errors.New(`query: "" searches for nothing: remove it`)
			}
			q.terms = append(q.terms, t)
			continue
		}
		word := rest
		if i := strings.IndexAny(rest, " \t\r\n"); i >= 0 {
			word = rest[:i]
		}
		key, value, hasKey := strings.Cut(word, ":")
		if !hasKey || key == "" {
			rest = rest[len(word):]
			t.folded = fold([]byte(word))
			q.terms = append(q.terms, t)
			continue
		}
		rest = rest[len(key)+1:]
		if strings.HasPrefix(rest, `"`) {
			if value, rest, err = quoted(rest); err != nil {
				return Query{}, err
			}
		} else {
			rest = rest[len(value):]
		}
		if err := t.set(strings.ToLower(key), value, now); err != nil {
			return Query{}, err
		}
		q.terms = append(q.terms, t)
	}
}

// quoted reads a "…" string at the start of s.
func quoted(s string) (value, rest string, err error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\\':
			if i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\') {
				i++
				b.WriteByte(s[i])
				continue
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("query: %s: the quote is not closed", s)
}

func (t *term) set(key, value string, now time.Time) error {
	bad := func(want string) error {
		return fmt.Errorf("query: %s:%s: %s", key, value, want)
	}
	if value == "" {
		return bad("no value: write " + key + ":VALUE (quote it for spaces)")
	}
	t.key = key
	switch key {
	case "token":
		t.value = Normal(value)
	case "topic", "push-type", "collapse-id", "team", "key-id":
		t.value = value
	case "reason", "apns-id":
		t.value = strings.ToLower(value)
	case "priority":
		n, err := strconv.Atoi(value)
		if err != nil {
			return bad("not a priority such as 10, 5 or 1")
		}
		t.n = n
	case "status":
		if len(value) == 3 && value[1:] == "xx" && value[0] >= '1' && value[0] <= '5' {
			t.n, t.class = int(value[0]-'0'), true
			break
		}
		n, err := strconv.Atoi(value)
		if err != nil || n < 100 || n > 599 {
			return bad("not a status such as 200, 410 or 4xx")
		}
		t.n = n
	case "after", "before":
		at, err := parseTime(value, now)
		if err != nil {
			return bad("not a time: give RFC 3339 (2026-12-03T10:00:00Z), a date (2026-12-03) or a duration back from now (10m)")
		}
		t.at = at
	default:
		return fmt.Errorf("query: %s:%s: unknown key %q: use %s: (or quote the text to search the payload for it)",
			key, value, key, strings.Join(Keys, ":, "))
	}
	return nil
}

func parseTime(v string, now time.Time) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return t, nil
	}
	if t, err := time.Parse(time.DateOnly, v); err == nil {
		return t, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return time.Time{}, errors.New("not a time")
	}
	return now.Add(-d), nil
}

// String is the query as given to Parse.
func (q Query) String() string { return q.text }

// Empty reports whether q has no terms (it matches everything).
func (q Query) Empty() bool { return len(q.terms) == 0 }

// Token is the device token q requires (a token: term not negated), for a
// store to look up in its index; ok is false when q names none.
func (q Query) Token() (token string, ok bool) {
	for _, t := range q.terms {
		if t.key == "token" && !t.not {
			return t.value, true
		}
	}
	return "", false
}

// Match reports whether d satisfies every term of q.
func (q Query) Match(d *Doc) bool {
	for i := range q.terms {
		if q.terms[i].match(d) == q.terms[i].not {
			return false
		}
	}
	return true
}

func (t *term) match(d *Doc) bool {
	switch t.key {
	case "":
		return containsFold(d.Payload, t.folded)
	case "token":
		return d.Token == t.value
	case "topic":
		return d.Topic == t.value
	case "push-type":
		return d.PushType == t.value
	case "collapse-id":
		return d.CollapseID == t.value
	case "team":
		return d.TeamID == t.value
	case "key-id":
		return d.KeyID == t.value
	case "reason":
		return strings.EqualFold(d.Reason, t.value)
	case "apns-id":
		return strings.EqualFold(d.ApnsID, t.value)
	case "priority":
		return d.Priority == t.n
	case "status":
		if t.class {
			return d.Status/100 == t.n
		}
		return d.Status == t.n
	case "after":
		return d.Time.After(t.at)
	case "before":
		return d.Time.Before(t.at)
	}
	return false
}

// Normal is a device token as the simulator compares them: lowercase hex
// without spaces or angle brackets.
func Normal(token string) string {
	for i := 0; i < len(token); i++ {
		if c := token[i]; c == ' ' || c == '<' || c == '>' || 'A' <= c && c <= 'Z' {
			return strings.ToLower(strings.NewReplacer(" ", "", "<", "", ">", "").Replace(token))
		}
	}
	return token
}
