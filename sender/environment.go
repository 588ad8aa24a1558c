package sender

import "fmt"

// Environment selects which APNs a client talks to.
type Environment string

const (
	Sandbox    Environment = "sandbox"    // api.sandbox.push.apple.com, tokens of development builds
	Production Environment = "production" // api.push.apple.com, tokens of App Store, TestFlight and ad hoc builds
	Local      Environment = "local"      // the local simulator (package apnstest)
)

// Apple's hosts (APNS-REFERENCE §1.1 and §4).
const (
	SandboxHost            = "api.sandbox.push.apple.com:443"
	ProductionHost         = "api.push.apple.com:443"
	SandboxGateway         = "gateway.sandbox.push.apple.com:2195"
	ProductionGateway      = "gateway.push.apple.com:2195"
	SandboxFeedbackHost    = "feedback.sandbox.push.apple.com:2196"
	ProductionFeedbackHost = "feedback.push.apple.com:2196"
)

// ParseEnvironment reads "sandbox", "production" or "local" (also the
// common aliases "development" and "prod").
func ParseEnvironment(s string) (Environment, error) {
	switch s {
	case "sandbox", "development", "dev":
		return Sandbox, nil
	case "production", "prod":
		return Production, nil
	case "local":
		return Local, nil
	}
	return "", fmt.Errorf("unknown environment %q: use sandbox (development builds), production (App Store/TestFlight builds) or local (the built-in simulator)", s)
}

// Host is Apple's HTTP/2 host:port for the environment; "" for Local, whose
// address comes from the running simulator.
func (e Environment) Host() string {
	switch e {
	case Sandbox:
		return SandboxHost
	case Production:
		return ProductionHost
	}
	return ""
}
