package simulator

import ()

// The binary gateway takes the same fault rules as the HTTP/2 server
// (Fault), as the binary protocol can express them:
//   - goaway=R: error response 10 (Shutdown) with the identifier of the
//     last notification the gateway took (the one before: this one is not
//     processed), then the gateway closes; the client resends everything
//     after that identifier;
//   - drop: the connection closes with no error response;
//   - binary=N: this notification is refused with status N (1 processing
//     error, 7 invalid payload size, 8 invalid token…) and the gateway
//     closes, as APNs did;
//   - status= and reset rules are HTTP/2's: the gateway ignores them.

// gatewayFault is what a rule does to one notification.
type gatewayFault struct {
	shutdown bool  // status 10 with the last identifier taken
	drop     bool  // close without a response
	status   uint8 // refuse with this status
}

// AddFault adds a rule (see Fault) to the gateway's faults; it returns
// ParseFault's error for a bad rule.
func (g *Gateway) AddFault(rule string) error {
	f, err := ParseFault(rule)
	if err != nil {
		return err
	}
	g.AddFaultRule(f)
	return nil
}

// AddFaultRule adds a parsed rule.
func (g *Gateway) AddFaultRule(f Fault) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = append(g.faults, &faultState{Fault: f})
}

// ClearFaults removes every fault rule.
func (g *Gateway) ClearFaults() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.faults = nil
}

// injectedFault is the rule that fires for a notification the gateway
// would take, if any; a shutdown wins over the others.
func (g *Gateway) injectedFault(token string) (gatewayFault, bool) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out gatewayFault
	fired := false
	for _, f := range g.faults {
		if f.Status != 0 || f.Reset || f.Token != "" && f.Token != token {
			continue
		}
		f.seen++
		if f.Every > 0 && f.seen%uint64(f.Every) != 0 || f.First > 0 && f.seen > uint64(f.First) ||
			f.Rate < 1 && g.random().Float64() >= f.Rate {
			continue
		}
		switch {
		case f.GoAway != "":
			out = gatewayFault{shutdown: true}
		case out.shutdown:
		case !fired && f.Drop:
			out = gatewayFault{drop: true}
		case !fired:
			out = gatewayFault{status: f.Binary}
		}
		fired = true
	}
	return out, fired
}

// faultStatus is the status a gateway fault records: 10 for a shutdown
// (the notification was not taken), the refusal's, or 255 (unknown) for
// a drop, which the client cannot tell from an answer lost.
func (f gatewayFault) faultStatus() uint8 {
	switch {
	case f.shutdown:
		return binaryShutdown
	case f.drop:
		return binaryUnknown
	}
	return f.status
}
