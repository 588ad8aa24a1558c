// Package h2server is a small HTTP/2 server (RFC 9113) on x/net/http2's
// Framer and hpack, for a simulator that must control what goes on the
// wire: the SETTINGS it advertises and changes mid-connection, when a
// GOAWAY goes out and which streams it covers, a connection dropped or a
// stream reset on purpose, and whether an answer was written before it is
// counted. Handlers are net/http's: http.Handler, with *http.Request and
// an http.ResponseWriter, plus Finish, Reset and StreamID.
//
// It serves requests whose bodies are small (read whole before the
// handler runs, up to MaxBodyBytes) and answers them once: no server
// push, no trailers, no streaming in either direction. Everything is
// bounded: the header list (MAX_HEADER_LIST_SIZE), the body, the streams
// open at once, the time a client may take to finish a request it began
// and to read what was written to it.
package h2server

import (
	"net"
	"time"

	"golang.org/x/net/http2"
)

// Settings are the SETTINGS a server advertises.
type Settings struct {
	HeaderTableSize      uint32 // default 4096
	MaxConcurrentStreams uint32 // default 1000
	InitialWindowSize    uint32 // default 65535
	MaxFrameSize         uint32 // default 16384
	MaxHeaderListSize    uint32 // default 8000
}

// Defaults of Settings: what api.push.apple.com was seen to advertise.
const (
	DefaultHeaderTableSize      = 4096
	DefaultMaxConcurrentStreams = 1000
	DefaultInitialWindowSize    = 65535
	DefaultMaxFrameSize         = 16384
	DefaultMaxHeaderListSize    = 8000
)

func (s Settings) withDefaults() Settings {
	if s.HeaderTableSize == 0 {
		s.HeaderTableSize = DefaultHeaderTableSize
	}
	if s.MaxConcurrentStreams == 0 {
		s.MaxConcurrentStreams = DefaultMaxConcurrentStreams
	}
	if s.InitialWindowSize == 0 {
		s.InitialWindowSize = DefaultInitialWindowSize
	}
	if s.MaxFrameSize == 0 {
		s.MaxFrameSize = DefaultMaxFrameSize
	}
	if s.MaxHeaderListSize == 0 {
		s.MaxHeaderListSize = DefaultMaxHeaderListSize
	}
	return s
}

// Validate reports a value RFC 9113 does not allow.
func (s Settings) Validate() error {
	s = s.withDefaults()
	switch {
	case s.InitialWindowSize > 1<<31-1:
		return errSetting("initial window size", "at most 2147483647")
	case s.MaxFrameSize < 16384 || s.MaxFrameSize > 1<<24-1:
		return errSetting("max frame size", "from 16384 to 16777215")
	}
	return nil
}

type settingError struct{ name, want string }

func (e settingError) Error() string { return e.name + " must be " + e.want }

func errSetting(name, want string) error { return settingError{name, want} }

// Server holds what every connection shares. Its fields must not change
// once a connection is served.
type Server struct {
	Settings Settings
	// MaxBodyBytes is how much of a request body the handler gets: a
	// longer body is cut to MaxBodyBytes+1 bytes (so the handler sees it
	// is too long), the rest discarded and the stream reset after the
	// answer. Default 1 MiB.
	MaxBodyBytes int
	// StallTimeout bounds how long a client may take to finish a request
	// it began (HEADERS without END_STREAM) and to take what is written
	// to it; default 10 s.
	StallTimeout time.Duration
	// IdleTimeout closes a connection with no stream open and no PING
	// for this long, with a GOAWAY carrying IdleDebug; 0: never.
	IdleTimeout time.Duration
	IdleDebug   []byte
	// CloseGrace bounds how long a GOAWAY waits for the answers of the
	// streams it covers before the connection closes; default 10 s.
	CloseGrace time.Duration
}

func (s *Server) maxBody() int {
	if s.MaxBodyBytes <= 0 {
		return 1 << 20
	}
	return s.MaxBodyBytes
}

func (s *Server) stall() time.Duration {
	if s.StallTimeout <= 0 {
		return 10 * time.Second
	}
	return s.StallTimeout
}

func (s *Server) grace() time.Duration {
	if s.CloseGrace <= 0 {
		return 10 * time.Second
	}
	return s.CloseGrace
}

// ClientPreface is what every HTTP/2 connection starts with.
const ClientPreface = http2.ClientPreface

// NewConn prepares nc, whose TLS handshake (if any) is done, to be
// served by Serve. Change what it advertises first with
// SetMaxConcurrentStreams.
func (s *Server) NewConn(nc net.Conn) *Conn {
	return newConn(s, nc)
}

// Frame is the settings as a SETTINGS frame lists them.
func (s Settings) Frame() []http2.Setting {
	s = s.withDefaults()
	return []http2.Setting{
		{ID: http2.SettingHeaderTableSize, Val: s.HeaderTableSize},
		{ID: http2.SettingMaxConcurrentStreams, Val: s.MaxConcurrentStreams},
		{ID: http2.SettingInitialWindowSize, Val: s.InitialWindowSize},
		{ID: http2.SettingMaxFrameSize, Val: s.MaxFrameSize},
		{ID: http2.SettingMaxHeaderListSize, Val: s.MaxHeaderListSize},
	}
}
