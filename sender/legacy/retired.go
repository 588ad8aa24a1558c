package legacy

import (
	"fmt"
	"net"
	"strings"

	"apnsconsole/sender"
)

// RetiredNotice is what the window and the command line say when the binary
// protocol is aimed at Apple's hosts.
const RetiredNotice = "Apple retired the binary provider API (gateway.push.apple.com:2195 and the feedback service on 2196) " +
	"on 31 March 2021: its hosts no longer take notifications, so a refused or failed connection there says nothing " +
	"about your certificate or network. Send to Apple with HTTP/2; try the binary protocol against the local simulator."

// Apple's binary gateway (port 2195) and feedback service (port 2196)
// (APNS-REFERENCE §4).
const (
	SandboxGateway         = "gateway.sandbox.push.apple.com:2195"
	ProductionGateway      = "gateway.push.apple.com:2195"
	SandboxFeedbackHost    = "feedback.sandbox.push.apple.com:2196"
	ProductionFeedbackHost = "feedback.push.apple.com:2196"
)

// GatewayHost is Apple's binary gateway host:port for the environment
// (port 2195); "" for Local, whose address comes from the running
// simulator.
func GatewayHost(e sender.Environment) string {
	switch e {
	case sender.Sandbox:
		return SandboxGateway
	case sender.Production:
		return ProductionGateway
	}
	return ""
}

// FeedbackHost is Apple's feedback service host:port for the environment
// (port 2196); "" for Local.
func FeedbackHost(e sender.Environment) string {
	switch e {
	case sender.Sandbox:
		return SandboxFeedbackHost
	case sender.Production:
		return ProductionFeedbackHost
	}
	return ""
}

// isAppleHost reports whether addr (host:port) is one of Apple's push
// hosts.
func isAppleHost(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	return host == "push.apple.com" || strings.HasSuffix(host, ".push.apple.com")
}

// retiredError adds the retirement to a failure to reach Apple's binary
// hosts, so that nobody hunts for a firewall or certificate problem.
func retiredError(addr string, err error) error {
	if !isAppleHost(addr) {
		return err
	}
	return fmt.Errorf("%w; note: Apple retired the binary protocol on 31 March 2021, so %s no longer takes notifications: send with HTTP/2 instead, or try the binary protocol against the local simulator", err, addr)
}
