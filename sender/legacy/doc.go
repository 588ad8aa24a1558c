// Package legacy speaks Apple's original binary provider API of 2009, which
// Apple retired on 31 March 2021: the simple, enhanced and frame
// notification formats packed byte-exactly, the gateway's error response
// and status table, streaming with resends after a refusal, and the
// feedback service. Its Client satisfies sender.Sender, so the window and
// the command line hold it like the HTTP/2 client; the simulator (package simulator) runs a
// local gateway to try it against.
package legacy
