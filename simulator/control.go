package simulator

import (
	"sync/atomic"
	"time"
)

// liveSettings are the settings a running server lets the control plane
// change (SetLatency); until one is set the fields set before Start hold.
type liveSettings struct {
	latency atomic.Pointer[latency]
}

type latency struct{ base, jitter time.Duration }

// SetLatency changes the delay added to every answer while the server
// runs: base spread evenly by ±jitter (as ParseLatency reads them); 0, 0
// for none. It applies from the next request.
func (s *Server) SetLatency(base, jitter time.Duration) {
	s.rec.live.latency.Store(&latency{base: max(base, 0), jitter: min(max(jitter, 0), max(base, 0))})
}

// CurrentLatency is the delay added to every answer now, and its spread.
func (s *Server) CurrentLatency() (base, jitter time.Duration) {
	if l := s.rec.live.latency.Load(); l != nil {
		return l.base, l.jitter
	}
	return s.Latency, s.LatencyJitter
}

// SetFaults replaces the fault rules with rules, at once: each starts
// counting its requests afresh.
func (s *Server) SetFaults(rules []Fault) {
	states := make([]*faultState, len(rules))
	for i, f := range rules {
		states[i] = &faultState{Fault: f}
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = states
	s.hasFaults.Store(len(states) > 0)
}
