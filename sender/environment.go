package sender

import (
	"fmt"

	"apnsconsole/sender/credential"
)

// Environment selects which APNs a client talks to.
type Environment string

const (
	Sandbox    Environment = "sandbox"    // api.sandbox.push.apple.com, tokens of development builds
	Production Environment = "production" // api.push.apple.com, tokens of App Store, TestFlight and ad hoc builds
	Local      Environment = "local"      // the local simulator (package apnstest)
)

// Apple's HTTP/2 hosts (APNS-REFERENCE §1.1); the binary protocol's are in
// package legacy.
const (
	SandboxHost    = "api.sandbox.push.apple.com:443"
	ProductionHost = "api.push.apple.com:443"
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

// Allows reports whether cred may be used in e, by the certificate's
// environment markers (see credential.Credential.Environments). The local
// simulator takes every credential.
func (e Environment) Allows(cred *credential.Credential) bool {
	sandbox, production := cred.Environments()
	switch e {
	case Sandbox:
		return sandbox
	case Production:
		return production
	}
	return true
}

// PreferredEnvironment is Production for a production-only certificate and
// Sandbox otherwise (development builds are what people test with).
func PreferredEnvironment(cred *credential.Credential) Environment {
	if cred.ProductionOnly() {
		return Production
	}
	return Sandbox
}
