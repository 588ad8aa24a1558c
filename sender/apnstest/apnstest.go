// Package apnstest is the simulator's Go face, like net/http/httptest for
// APNs clients: a local APNs (package simulator) on loopback for tests and
// for the window's Local target, plus EventLog, a recorder of a client's
// events. The simulator itself lives in apnsconsole/simulator; the names
// here are the same types, so a test needs only this package:
//
//	s := apnstest.NewServer()
//	defer s.Close()
//	… send …
//	recs, err := s.Wait(ctx, "token:"+tok+" status:200", 1) // no HTTP, no sleep
//	recs, err = s.Find(`topic:com.example.app "order 42"`)
package apnstest

import (
	"time"

	"apnsconsole/sender/credential"
	"apnsconsole/simulator"
	"apnsconsole/simulator/h2server"
)

// The simulator's types, under the names Go tests use.
type (
	Server            = simulator.Server
	Gateway           = simulator.Gateway
	GatewayRecord     = simulator.GatewayRecord
	Authority         = simulator.Authority
	Demo              = simulator.Demo
	PushCert          = simulator.PushCert
	PushCertSpec      = simulator.PushCertSpec
	SigningKey        = simulator.SigningKey
	Record            = simulator.Record
	Accepted          = simulator.Accepted
	AcceptedBroadcast = simulator.AcceptedBroadcast
	ChannelOptions    = simulator.ChannelOptions
	Counts            = simulator.Counts
	Fault             = simulator.Fault
	Files             = simulator.Files
	// The record store's searches and waits are Server's methods (Find,
	// FindPage, Count, Latest, Get, Wait, Delete, Subscribe), in the query
	// language of package apnsconsole/simulator/query.
	Subscription = simulator.Subscription
	WaitError    = simulator.WaitError
	TokenState   = simulator.TokenState
	// The simulator's own names for environments and push types (it keeps
	// Apple's tables itself, not sender's): convert sender's with
	// apnstest.Environment(env).
	Environment   = simulator.Environment
	PushType      = simulator.PushType
	StoragePolicy = simulator.StoragePolicy
	GatewayFormat = simulator.GatewayFormat
	FeedbackTuple = simulator.FeedbackTuple
	// Settings are the HTTP/2 SETTINGS the simulator advertises.
	Settings = h2server.Settings
)

// The environments a simulator acts as.
const (
	Sandbox    = simulator.Sandbox
	Production = simulator.Production
)

// The demo credentials' names and the files serve writes (see simulator).
const (
	DemoBundleID    = simulator.DemoBundleID
	DemoKeyID       = simulator.DemoKeyID
	DemoTeamID      = simulator.DemoTeamID
	DemoToken       = simulator.DemoToken
	DemoP12Password = simulator.DemoP12Password
	FileCA          = simulator.FileCA
	FileCAKey       = simulator.FileCAKey
	FileDemoCert    = simulator.FileDemoCert
	FileDemoKey     = simulator.FileDemoKey
	FileDemoP12     = simulator.FileDemoP12
	FileDemoLegacy  = simulator.FileDemoLegacyP12
	FileManifest    = simulator.FileManifest
	FileDemoP8      = simulator.FileDemoP8
	AuthToken       = simulator.AuthToken
	AuthCertificate = simulator.AuthCertificate

	DefaultKeep                 = simulator.DefaultKeep
	DefaultIdleTimeout          = simulator.DefaultIdleTimeout
	DefaultMaxConns             = simulator.DefaultMaxConns
	DefaultMaxConnsPerClient    = simulator.DefaultMaxConnsPerClient
	DefaultMaxFrameSize         = h2server.DefaultMaxFrameSize
	DefaultInitialWindowSize    = h2server.DefaultInitialWindowSize
	DefaultMaxHeaderListSize    = h2server.DefaultMaxHeaderListSize
	NoAnswerDrop                = simulator.NoAnswerDrop
	NoAnswerReset               = simulator.NoAnswerReset
	NoAnswerClosed              = simulator.NoAnswerClosed
	DefaultStallTimeout         = simulator.DefaultStallTimeout
	DefaultMaxConcurrentStreams = simulator.DefaultMaxConcurrentStreams
	DefaultEnvironmentKeyReason = simulator.DefaultEnvironmentKeyReason
	DeviceWouldDrop             = simulator.DeviceWouldDrop
)

// NewServer starts a simulator on a loopback port with a new authority and
// demo credentials; Close it when done.
func NewServer() *Server { return simulator.NewServer() }

// NewUnstartedServer returns a simulator whose fields may be changed before
// Start or Listen.
func NewUnstartedServer() *Server { return simulator.NewUnstartedServer() }

// NewGateway starts the binary protocol's gateway and feedback service.
func NewGateway(a *Authority, d *Demo) *Gateway { return simulator.NewGateway(a, d) }

// NewUnstartedGateway returns a gateway whose fields may be changed first.
func NewUnstartedGateway(a *Authority, d *Demo) *Gateway { return simulator.NewUnstartedGateway(a, d) }

// NewAuthority makes a certificate authority for the simulator.
func NewAuthority() (*Authority, error) { return simulator.NewAuthority() }

// NewSigningKey makes a .p8-style signing key.
func NewSigningKey(keyID, teamID string) (*SigningKey, error) {
	return simulator.NewSigningKey(keyID, teamID)
}

// LoadFiles reads the authority and demo credentials serve wrote to dir.
func LoadFiles(dir string) (*Authority, *Demo, error) { return simulator.LoadFiles(dir) }

// ErrIncompleteSet is ReadFiles' error for a set whose write was cut short.
var ErrIncompleteSet = simulator.ErrIncompleteSet

// ReadFiles reads the set serve wrote to dir, with what it changed.
func ReadFiles(dir string) (*Files, error) { return simulator.ReadFiles(dir) }

// ParseFault reads one --fault rule.
func ParseFault(rule string) (Fault, error) { return simulator.ParseFault(rule) }

// ParseLatency reads a --latency value such as "20ms±5ms".
func ParseLatency(s string) (base, jitter time.Duration, err error) { return simulator.ParseLatency(s) }

// DefaultTopics is the topics a push certificate for bundleID lists.
func DefaultTopics(bundleID string) []credential.Topic { return simulator.DefaultTopics(bundleID) }

// MarshalTopics encodes topics as Apple's certificate extension does.
func MarshalTopics(topics []credential.Topic) ([]byte, error) { return simulator.MarshalTopics(topics) }
