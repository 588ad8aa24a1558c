// Package apns2compat checks the simulator against a public APNs client,
// sideshow/apns2, in a module of its own so that the console's module
// does not depend on it. Run it with `cd bench/apns2compat && go test .`
// (make bench runs it too).
package apns2compat
