package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"apnsconsole/sender/apnstest"
)

// fidelityFlags are serve's flags that let an unchanged backend use the
// simulator: more names for the server certificate (--san, for the
// hosts-file recipe) and the demo key's bundles (--topics).
type fidelityFlags struct {
	sans    stringList
	topics  stringList
	bundles []string // --topics, split
}

// Environment twins, read when the flag is not given (comma-separated).
const (
	envSAN    = "APNS_SIM_SAN"
	envTopics = "APNS_SIM_TOPICS"
)

func addFidelityFlags(fs *flag.FlagSet) *fidelityFlags {
	f := &fidelityFlags{}
	fs.Var(&f.sans, "san", "a host `NAME` (or address) the server certificate also covers, such as api.sandbox.push.apple.com for a backend pointed here through the hosts file (repeatable; env "+envSAN+", comma-separated)")
	fs.Var(&f.topics, "topics", "restrict the demo token key to these `BUNDLE_IDS` (comma-separated, repeatable); by default it covers every bundle id, as a real .p8 covers every app of its team (env "+envTopics+")")
	return f
}

// resolve fills what the flags left empty from the environment.
func (f *fidelityFlags) resolve(given map[string]bool) {
	if !given["san"] {
		if v := os.Getenv(envSAN); v != "" {
			f.sans = append(f.sans, v)
		}
	}
	if !given["topics"] {
		if v := os.Getenv(envTopics); v != "" {
			f.topics = append(f.topics, v)
		}
	}
}

// split reads repeatable, comma-separated values.
func split(values []string) []string {
	var out []string
	for _, v := range values {
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
	}
	return out
}

// apply gives s the names and the demo key's restriction.
func (f *fidelityFlags) apply(s *apnstest.Server) error {
	f.sans = split(f.sans)
	for _, n := range f.sans {
		if strings.ContainsAny(n, " /:") && net.ParseIP(n) == nil {
			return fmt.Errorf("--san %q: give a host name (api.sandbox.push.apple.com) or an IP address", n)
		}
	}
	s.Hosts = append(s.Hosts, f.sans...)
	f.bundles = split(f.topics)
	if len(f.topics) > 0 && len(f.bundles) == 0 {
		return errors.New("--topics: no bundle id given (com.example.app,com.example.other)")
	}
	if len(f.bundles) > 0 {
		s.RestrictBundles(apnstest.DemoTeamID, f.bundles...)
	}
	return nil
}

// print says, in serve's banner, what the demo key covers and what names
// the certificate adds.
func (f *fidelityFlags) print(out io.Writer) {
	if len(f.bundles) == 0 {
		fmt.Fprintf(out, "  %-28s token key: Key ID %s, Team ID %s, every bundle id\n", apnstest.FileDemoP8, apnstest.DemoKeyID, apnstest.DemoTeamID)
	} else {
		fmt.Fprintf(out, "  %-28s token key: Key ID %s, Team ID %s, for %s\n", apnstest.FileDemoP8, apnstest.DemoKeyID, apnstest.DemoTeamID, strings.Join(f.bundles, ", "))
	}
	if len(f.sans) > 0 {
		fmt.Fprintf(out, "The server certificate also names %s\n", strings.Join(f.sans, ", "))
	}
}
