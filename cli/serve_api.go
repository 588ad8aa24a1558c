package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"apnsconsole/sender/apnstest"
	"apnsconsole/simulator/api"
	"apnsconsole/simulator/inbox"
)

// apiFlags are serve's flags for the control API (simulator/api).
type apiFlags struct {
	addr  *string
	token *string
	hosts stringList
}

// Environment twins of the API flags, read when the flag is not given
// (a CI service container sets environment variables, not arguments).
const (
	envAPI      = "APNS_SIM_API"
	envAPIToken = "APNS_SIM_API_TOKEN"
	envAPIHost  = "APNS_SIM_API_HOST" // comma-separated
)

func addAPIFlags(fs *flag.FlagSet) *apiFlags {
	f := &apiFlags{}
	f.addr = fs.String("api", "", "`HOST:PORT` for the control API (JSON, and the web inbox at /), e.g. 127.0.0.1:2198; loopback unless --api-token is given (env "+envAPI+")")
	f.token = fs.String("api-token", "", "a `SECRET` every API request must carry (Authorization: Bearer SECRET); required for a non-loopback --api (env "+envAPIToken+", which keeps it out of the process list)")
	fs.Var(&f.hosts, "api-host", "a `NAME` the API's Host header may give besides its address, such as a docker-compose service name (repeatable; env "+envAPIHost+", comma-separated)")
	return f
}

// resolve fills what the flags left empty from the environment.
func (f *apiFlags) resolve(set map[string]bool) {
	if !set["api"] {
		*f.addr = os.Getenv(envAPI)
	}
	if !set["api-token"] {
		*f.token = os.Getenv(envAPIToken)
	}
	if !set["api-host"] {
		for _, h := range strings.Split(os.Getenv(envAPIHost), ",") {
			if h = strings.TrimSpace(h); h != "" {
				f.hosts = append(f.hosts, h)
			}
		}
	}
}

// start starts the control API of s when --api is given; nil when not.
// ready says when /readyz may answer 200 (the files of --dir written).
func (f *apiFlags) start(s *apnstest.Server, ready func() bool) (*api.API, error) {
	if *f.addr == "" {
		return nil, nil
	}
	a := api.New(s, api.Options{Token: *f.token, Hosts: f.hosts, Version: Version, Page: inbox.Handler(s), Ready: ready})
	if err := a.Listen(*f.addr); err != nil {
		return nil, fmt.Errorf("--api %s: %w", *f.addr, err)
	}
	return a, nil
}

// printAPILines tells how to reach the API.
func printAPILines(out io.Writer, a *api.API, token bool) {
	if a == nil {
		return
	}
	auth := ""
	if token {
		auth = " -H 'Authorization: Bearer $APNS_SIM_API_TOKEN'"
	}
	fmt.Fprintf(out, "Control API on http://%s (JSON under /api/v1; --api-token required: %v):\n", a.Addr(), token)
	fmt.Fprintf(out, "  curl%s 'http://%s/api/v1/notifications/wait?query=token:%s&count=1&timeout=10s'\n", auth, a.Addr(), apnstest.DemoToken)
	if token {
		fmt.Fprintf(out, "Web inbox: http://%s/?token=$APNS_SIM_API_TOKEN (once: a cookie keeps it)\n", a.Addr())
	} else {
		fmt.Fprintf(out, "Web inbox: http://%s/\n", a.Addr())
	}
}
