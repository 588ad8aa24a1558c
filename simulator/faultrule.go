package simulator

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/http2"
)

// Fault is a rule that makes the server fail some requests on purpose, to
// rehearse a backend's handling of APNs' failures. Write one as text and
// read it with ParseFault, or add it with Server.AddFault.
//
// A rule is comma-separated key=value pairs. What to answer:
//
//	status=N      the HTTP status, with reason=R (default: APNs' usual
//	              reason for N: 429 TooManyRequests, 500
//	              InternalServerError, 503 ServiceUnavailable, 410
//	              Unregistered with the current time as its timestamp…)
//	goaway=R      close the connection with a GOAWAY whose debug data is
//	              {"reason":"R"}: its last-stream-id is the highest stream
//	              answered or opened before this request, every stream up to
//	              it is answered first, this request and any later stream
//	              are not (the client sends them again); the binary gateway
//	              answers status 10 (Shutdown) with the identifier of the
//	              last notification it took, and closes
//	drop          close the TCP connection with no GOAWAY and no answer,
//	              after the request is read (answers already written stay
//	              written): the client cannot know whether it was taken; the
//	              binary gateway closes without an error response
//	reset[=CODE]  answer with RST_STREAM on the request's stream (default
//	              INTERNAL_ERROR; or CANCEL, REFUSED_STREAM… by name); HTTP/2
//	              only
//	binary=N      the binary gateway refuses the notification with status
//	              N (1 processing error, 7 invalid payload size, 8 invalid
//	              token…) and closes; binary gateway only
//
// and which requests (all of them when none is given; together, all must
// hold):
//
//	every=N       every Nth request the rule sees (the Nth, 2Nth…)
//	first=N       the first N requests the rule sees
//	rate=P        each request with probability P (0–1), from Server.Seed
//	token=HEX     only requests for this device token
//
// Faults apply to requests that pass the request and authentication
// checks, before what the server was told about the token (Unregister,
// Fail…). Every rule counts every request it sees; when several fire at
// once, a goaway rule wins, else the first added. The HTTP/2 server
// ignores binary= rules and the gateway status= and reset rules.
type Fault struct {
	Status    int           // 0 for the other kinds
	Reason    string        // with Status
	GoAway    string        // the GOAWAY's reason
	Drop      bool          // close the connection, no GOAWAY, no answer
	Reset     bool          // RST_STREAM with ResetCode
	ResetCode http2.ErrCode // with Reset
	Binary    uint8         // the binary gateway's error status
	Every     int           // 0: no condition
	First     int           // 0: no condition
	Rate      float64       // 1: always
	Token     string        // lowercase hex; "": any
}

// ParseFault reads a rule such as "status=503,every=10" or
// "goaway=Shutdown,rate=0.01". The error names the key at fault.
func ParseFault(rule string) (Fault, error) {
	f := Fault{Rate: 1}
	bad := func(key, format string, a ...any) (Fault, error) {
		return Fault{}, fmt.Errorf("fault %q: %s: %s", rule, key, fmt.Sprintf(format, a...))
	}
	if strings.TrimSpace(rule) == "" {
		return Fault{}, errors.New("empty fault rule: give status=N or goaway=REASON, e.g. status=503,every=10")
	}
	seen := map[string]bool{}
	for _, part := range strings.Split(rule, ",") {
		key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		if !ok && (key == "drop" || key == "reset") {
			ok = true // keys without a value
		}
		if !ok || key == "" {
			return bad(part, "not key=value")
		}
		if seen[key] {
			return bad(key, "given twice")
		}
		seen[key] = true
		switch key {
		case "status":
			n, err := strconv.Atoi(value)
			if err != nil || n < 400 || n > 599 {
				return bad(key, "%q is not an error status (400–599)", value)
			}
			f.Status = n
		case "reason":
			if value == "" || strings.ContainsFunc(value, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\\' }) {
				return bad(key, "%q is not a reason name such as TooManyRequests", value)
			}
			f.Reason = value
		case "goaway":
			if value == "" || strings.ContainsFunc(value, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\\' }) {
				return bad(key, "%q is not a reason name such as Shutdown", value)
			}
			f.GoAway = value
		case "drop":
			if value != "" {
				return bad(key, "takes no value: write drop")
			}
			f.Drop = true
		case "reset":
			f.Reset, f.ResetCode = true, http2.ErrCodeInternal
			if value != "" {
				code, ok := errCodeNamed(value)
				if !ok {
					return bad(key, "%q is not an HTTP/2 error code such as INTERNAL_ERROR, CANCEL or REFUSED_STREAM", value)
				}
				f.ResetCode = code
			}
		case "binary":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 || n > 255 || n == 10 {
				return bad(key, "%q is not a binary protocol error status (1–255 but 10; for 10 Shutdown write goaway=Shutdown)", value)
			}
			f.Binary = uint8(n)
		case "every", "first":
			n, err := strconv.Atoi(value)
			if err != nil || n < 1 {
				return bad(key, "%q is not a whole number of at least 1", value)
			}
			if key == "every" {
				f.Every = n
			} else {
				f.First = n
			}
		case "rate":
			p, err := strconv.ParseFloat(value, 64)
			if err != nil || !(p >= 0 && p <= 1) {
				return bad(key, "%q is not a probability from 0 to 1", value)
			}
			f.Rate = p
		case "token":
			t := normalToken(value)
			if !isDeviceToken(t) {
				return bad(key, "%q is not a device token (64 to 200 hex digits)", value)
			}
			f.Token = t
		default:
			return bad(key, "unknown key: use status, reason, goaway, drop, reset, binary, every, first, rate or token")
		}
	}
	kinds := 0
	for _, k := range []bool{f.Status != 0, f.GoAway != "", f.Drop, f.Reset, f.Binary != 0} {
		if k {
			kinds++
		}
	}
	switch {
	case kinds == 0:
		return bad("status", "missing: give status=N, goaway=REASON, drop, reset or binary=N")
	case kinds > 1:
		return bad(kindKey(f), "a rule does one thing: status=N, goaway=REASON, drop, reset or binary=N, not two")
	case f.Reason != "" && f.Status == 0:
		return bad("reason", "goes with status=N")
	case f.Status != 0 && f.Reason == "":
		f.Reason = appleUsualReason[f.Status]
		if f.Reason == "" {
			return bad("reason", "missing: APNs has no usual reason for status %d, give reason=R", f.Status)
		}
	}
	return f, nil
}

// kindKey names the second kind of a rule that has two.
func kindKey(f Fault) string {
	switch {
	case f.Binary != 0:
		return "binary"
	case f.Reset:
		return "reset"
	case f.Drop:
		return "drop"
	}
	return "goaway"
}

// errCodeNamed reads an HTTP/2 error code by name (INTERNAL_ERROR, any
// case) or number.
func errCodeNamed(name string) (http2.ErrCode, bool) {
	if n, err := strconv.ParseUint(name, 0, 32); err == nil {
		return http2.ErrCode(n), true
	}
	for c := http2.ErrCode(0); c <= http2.ErrCodeHTTP11Required; c++ {
		if strings.EqualFold(c.String(), name) {
			return c, true
		}
	}
	return 0, false
}

// String is the rule as ParseFault reads it.
func (f Fault) String() string {
	var parts []string
	switch {
	case f.GoAway != "":
		parts = append(parts, "goaway="+f.GoAway)
	case f.Drop:
		parts = append(parts, "drop")
	case f.Reset:
		parts = append(parts, "reset="+f.ResetCode.String())
	case f.Binary != 0:
		parts = append(parts, "binary="+strconv.Itoa(int(f.Binary)))
	default:
		parts = append(parts, "status="+strconv.Itoa(f.Status), "reason="+f.Reason)
	}
	if f.Every > 0 {
		parts = append(parts, "every="+strconv.Itoa(f.Every))
	}
	if f.First > 0 {
		parts = append(parts, "first="+strconv.Itoa(f.First))
	}
	if f.Rate < 1 {
		parts = append(parts, "rate="+strconv.FormatFloat(f.Rate, 'g', -1, 64))
	}
	if f.Token != "" {
		parts = append(parts, "token="+f.Token)
	}
	return strings.Join(parts, ",")
}

// faultState is a rule with the requests it has seen.
type faultState struct {
	Fault
	seen uint64
}

// AddFault adds a rule (see Fault) to the server's faults, which apply
// from the next request. It returns ParseFault's error for a bad rule.
func (s *Server) AddFault(rule string) error {
	f, err := ParseFault(rule)
	if err != nil {
		return err
	}
	s.AddFaultRule(f)
	return nil
}

// AddFaultRule adds a parsed rule.
func (s *Server) AddFaultRule(f Fault) {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = append(s.faults, &faultState{Fault: f})
	s.hasFaults.Store(true)
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	s.faults = nil
	s.hasFaults.Store(false)
}

// Faults returns the rules in the order they were added.
func (s *Server) Faults() []Fault {
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = f.Fault
	}
	return out
}

// injectedFault is the rule that fires for a request for token, if any.
func (s *Server) injectedFault(token string) *Fault {
	if !s.hasFaults.Load() {
		return nil
	}
	token = normalToken(token)
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	var fired *Fault
	for _, f := range s.faults {
		if f.Token != "" && f.Token != token || f.Binary != 0 {
			continue
		}
		f.seen++
		if f.Every > 0 && f.seen%uint64(f.Every) != 0 ||
			f.First > 0 && f.seen > uint64(f.First) ||
			f.Rate < 1 && s.random().Float64() >= f.Rate {
			continue
		}
		if fired == nil || f.GoAway != "" && fired.GoAway == "" {
			fired = &f.Fault
		}
	}
	if fired == nil {
		return nil
	}
	copied := *fired
	return &copied
}

// random is the fault rules' generator, seeded with Seed; faultMu held.
func (s *Server) random() *rand.Rand {
	if s.rng == nil {
		seed := uint64(s.Seed)
		if s.Seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		s.rng = rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	}
	return s.rng
}

// ParseLatency reads a delay for Server.Latency: "20ms", or "20ms±5ms"
// (also written "20ms+-5ms") for a delay spread evenly from 15 to 25 ms.
func ParseLatency(s string) (base, jitter time.Duration, err error) {
	b, j, spread := strings.Cut(s, "±")
	if !spread {
		b, j, spread = strings.Cut(s, "+-")
	}
	if base, err = time.ParseDuration(strings.TrimSpace(b)); err != nil || base < 0 {
		return 0, 0, fmt.Errorf("latency %q: %q is not a duration such as 20ms", s, b)
	}
	if spread {
		if jitter, err = time.ParseDuration(strings.TrimSpace(j)); err != nil || jitter < 0 || jitter > base {
			return 0, 0, fmt.Errorf("latency %q: the spread %q is not a duration from 0 to %s", s, j, base)
		}
	}
	return base, jitter, nil
}

// delay is the latency to add to one answer.
// (SetLatency changes it while the server runs: CurrentLatency.)
func (s *Server) delay() time.Duration {
	base, jitter := s.CurrentLatency()
	if jitter <= 0 {
		return base
	}
	s.faultMu.Lock()
	defer s.faultMu.Unlock()
	return base - jitter + time.Duration(s.random().Int64N(int64(2*jitter)+1))
}
