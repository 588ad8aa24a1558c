package simulator

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"
)

// TokenState is what the simulator knows about one device token: the
// token registry that the control API's /api/v1/tokens reads and writes,
// and that requests for the token are checked against.
type TokenState struct {
	Token string `json:"token"` // lowercase hex
	// Unregistered, when set, answers 410 Unregistered with this time as
	// the timestamp (as when the app was removed from the device).
	Unregistered time.Time `json:"-"`
	// Expired answers 410 ExpiredToken.
	Expired bool `json:"-"`
	// Environment is "sandbox" or "production" ("" = either): a request
	// to a server of the other environment is 400 BadDeviceToken, as
	// APNs answers a token of the other environment.
	Environment string `json:"-"`
	// Topics are the topics the token accepts, or bundle ids whose every
	// topic it accepts (nil = any): others are 400 DeviceTokenNotForTopic.
	Topics []string `json:"-"`
	// Fail, when set, is the reason every request for the token is
	// answered with (see Server.Fail).
	Fail string `json:"-"`
}

// MaxTokens is how many tokens SetToken keeps markings for at most, so
// that the registry is bounded like everything else.
const MaxTokens = 100000

// ErrTooManyTokens is SetToken's error once MaxTokens tokens are marked.
var ErrTooManyTokens = fmt.Errorf("simulator: the token registry holds %d tokens already: delete some", MaxTokens)

// SetToken replaces what the server knows about st.Token with st (a
// TokenState with only Token set forgets it, like Forget).
func (s *Server) SetToken(st TokenState) error {
	key := normalToken(st.Token)
	if !isDeviceToken(key) {
		return errors.New("simulator: not a device token (64 to 200 hex digits)")
	}
	switch st.Environment {
	case "", "sandbox", "production":
	default:
		return fmt.Errorf("simulator: environment %q: sandbox or production", st.Environment)
	}
	m := &tokenMarks{
		fail: st.Fail, expired: st.Expired, unregisteredAt: st.Unregistered,
		environment: st.Environment, topics: slices.Clone(st.Topics),
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.marks == nil {
		s.marks = make(map[string]*tokenMarks)
	}
	if m.fail == "" && !m.expired && m.unregisteredAt.IsZero() && m.environment == "" && m.topics == nil {
		delete(s.marks, key)
		return nil
	}
	if _, ok := s.marks[key]; !ok && len(s.marks) >= MaxTokens {
		return ErrTooManyTokens
	}
	s.marks[key] = m
	return nil
}

// TokenInfo is what the server knows about token; ok is false when
// nothing.
func (s *Server) TokenInfo(token string) (st TokenState, ok bool) {
	key := normalToken(token)
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.marks[key]
	if m == nil {
		return TokenState{Token: key}, false
	}
	return s.stateOf(key, m), true
}

// Tokens is everything the server knows about tokens, by token.
func (s *Server) Tokens() []TokenState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]TokenState, 0, len(s.marks))
	for key, m := range s.marks {
		out = append(out, s.stateOf(key, m))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Token < out[j].Token })
	return out
}

// stateOf reads m as a TokenState; s.mu held.
func (s *Server) stateOf(key string, m *tokenMarks) TokenState {
	st := TokenState{Token: key, Unregistered: m.unregisteredAt, Expired: m.expired,
		Environment: m.environment, Topics: slices.Clone(m.topics), Fail: m.fail}
	if m.otherEnvironment {
		st.Environment = "production"
		if s.Environment == "production" {
			st.Environment = "sandbox"
		}
	}
	if m.bundleID != "" {
		st.Topics = append(st.Topics, m.bundleID)
	}
	return st
}

// accepts reports whether the token's topics take topic: listed itself,
// or its bundle listed.
func (m *tokenMarks) accepts(topic string) bool {
	return slices.Contains(m.topics, topic) || slices.Contains(m.topics, bundleOf(topic))
}
