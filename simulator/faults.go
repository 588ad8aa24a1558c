package simulator

import (
	"strings"
	"time"
)

// tokenMarks is what the server has been told about one device token.
type tokenMarks struct {
	fail             string    // injected reason, answered to every request
	otherEnvironment bool      // a token of the other environment: BadDeviceToken
	bundleID         string    // the only bundle the token accepts ("" = any)
	expired          bool      // ExpiredToken
	unregisteredAt   time.Time // Unregistered with this timestamp (zero = not unregistered)
	environment      string    // the token's environment ("" = any): BadDeviceToken in the other (tokens.go)
	topics           []string  // the topics (or bundles) the token accepts (nil = any): DeviceTokenNotForTopic (tokens.go)
}

// normalToken is the form tokens are looked up by: lowercase hex without
// spaces or angle brackets.
func normalToken(token string) string {
	for i := 0; i < len(token); i++ {
		if c := token[i]; c == ' ' || c == '<' || c == '>' || 'A' <= c && c <= 'Z' {
			return strings.ToLower(tokenSeparators.Replace(token))
		}
	}
	return token // already normal: the common case, without allocating
}

var tokenSeparators = strings.NewReplacer(" ", "", "<", "", ">", "")

func (s *Server) mark(token string, f func(*tokenMarks)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.marks == nil {
		s.marks = make(map[string]*tokenMarks)
	}
	key := normalToken(token)
	m := s.marks[key]
	if m == nil {
		m = &tokenMarks{}
		s.marks[key] = m
	}
	f(m)
}

// marksOf returns a copy of the token's markings (zero when none). It is
// the one place where validation asks what is known about a token.
func (s *Server) marksOf(token string) tokenMarks {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.marks) == 0 {
		return tokenMarks{}
	}
	if m := s.marks[normalToken(token)]; m != nil {
		return *m
	}
	return tokenMarks{}
}

// Unregister marks token as no longer valid since at: requests for it are
// answered 410 Unregistered with at as the timestamp (milliseconds), as
// when the app was removed from the device.
func (s *Server) Unregister(token string, at time.Time) {
	s.mark(token, func(m *tokenMarks) { m.unregisteredAt = at })
}

// Expire marks token as expired: 410 ExpiredToken.
func (s *Server) Expire(token string) {
	s.mark(token, func(m *tokenMarks) { m.expired = true })
}

// RegisterToken ties token to bundleID: pushes to topics of another bundle
// are answered 400 DeviceTokenNotForTopic.
func (s *Server) RegisterToken(token, bundleID string) {
	s.mark(token, func(m *tokenMarks) { m.bundleID = bundleID })
}

// OtherEnvironment marks token as one from the other environment (a
// production token sent to sandbox or the reverse): 400 BadDeviceToken.
func (s *Server) OtherEnvironment(token string) {
	s.mark(token, func(m *tokenMarks) { m.otherEnvironment = true })
}

// Fail makes every request for token that passes the request and
// authentication checks fail with reason, for reasons no validation
// produces: IdleTimeout, TooManyRequests, Forbidden, InternalServerError,
// ServiceUnavailable, Shutdown. The status is the reason's
// (from Apple's table), 400 for a name not in it; Unregistered
// carries the current time as its timestamp. An empty reason removes the
// fault.
func (s *Server) Fail(token, reason string) {
	s.mark(token, func(m *tokenMarks) { m.fail = reason })
}

// Forget removes every marking of token (Unregister, Expire, RegisterToken,
// OtherEnvironment, Fail).
func (s *Server) Forget(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.marks, normalToken(token))
}

// statusOf is the HTTP status answered with reason.
func statusOf(reason string) int {
	if st, ok := appleReasons[reason]; ok {
		return st
	}
	return 400
}
