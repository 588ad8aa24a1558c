package cli

import (
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
)

// credentialFlags are the credential and environment flags shared by the
// subcommands that connect to APNs.
type credentialFlags struct {
	p12, password          string
	cert, key, keyPassword string
	p8, keyID, teamID      string
	env, host, ca          string
}

func (f *credentialFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.p12, "p12", "", "`FILE`: a .p12/.pfx certificate with its private key")
	fs.StringVar(&f.password, "password", "", "the .p12's password (also read from $APNS_P12_PASSWORD)")
	fs.StringVar(&f.cert, "cert", "", "`FILE`: a PEM certificate (with its key, or give --key)")
	fs.StringVar(&f.key, "key", "", "`FILE`: the PEM private key of --cert")
	fs.StringVar(&f.keyPassword, "key-password", "", "the password of an encrypted --key (also read from $APNS_KEY_PASSWORD)")
	fs.StringVar(&f.p8, "p8", "", "`FILE`: a .p8 token-auth key (with --key-id and --team-id)")
	fs.StringVar(&f.keyID, "key-id", "", "the .p8 key's 10-character Key ID")
	fs.StringVar(&f.teamID, "team-id", "", "your 10-character Team ID")
	fs.StringVar(&f.env, "env", "sandbox", "sandbox, production, local (the built-in APNs simulator, with demo credentials), or simulator (send only: the iOS Simulator via xcrun simctl)")
	fs.StringVar(&f.host, "host", "", "`HOST:PORT` of another endpoint, e.g. a simulator started with `serve`")
	fs.StringVar(&f.ca, "ca", "", "`FILE`: trust only this CA (PEM) for --host, e.g. the ca.pem `serve` writes")
}

// chosen reports whether any credential flag was given.
func (f *credentialFlags) chosen() bool {
	return f.p12 != "" || f.cert != "" || f.p8 != ""
}

// load reads the credential the flags name (nil when none was given).
func (f *credentialFlags) load() (*credential.Credential, error) {
	n := 0
	for _, s := range []string{f.p12, f.cert, f.p8} {
		if s != "" {
			n++
		}
	}
	if n > 1 {
		return nil, errors.New("give one credential: --p12, --cert (with --key), or --p8")
	}
	for _, path := range []string{f.p12, f.cert, f.key, f.p8} {
		if path == "" {
			continue
		}
		if st, err := os.Stat(path); err == nil && st.Mode().IsRegular() && st.Size() == 0 {
			return nil, inputError{fmt.Errorf("%s: the file is empty (0 bytes): was it saved or exported completely? Export it again", path)}
		}
	}
	switch {
	case f.p12 != "":
		return credential.LoadP12(f.p12, orEnv(f.password, "APNS_P12_PASSWORD"))
	case f.cert != "":
		return credential.LoadPEM(f.cert, f.key, orEnv(f.keyPassword, "APNS_KEY_PASSWORD"))
	case f.p8 != "":
		return credential.LoadP8(f.p8, f.keyID, f.teamID)
	case f.key != "":
		return nil, errors.New("--key needs --cert: give the certificate file too")
	}
	return nil, nil
}

// target is where to connect and whom to trust, for either protocol.
type target struct {
	env       sender.Environment
	host      string
	roots     *x509.CertPool
	simulator *apnstest.Server  // HTTP/2 simulator started in-process for --env local
	gateway   *apnstest.Gateway // binary gateway started in-process for --env local
}

func (t *target) close() {
	if t.simulator != nil {
		t.simulator.Close()
	}
	if t.gateway != nil {
		t.gateway.Close()
	}
}

// resolveTarget turns --env, --host and --ca into a target, starting the
// simulator for --env local. With --env local and no credential, cred is
// set to the simulator's demo certificate.
func (f *credentialFlags) resolveTarget(cred **credential.Credential, startSimulator bool) (*target, error) {
	env, err := sender.ParseEnvironment(f.env)
	if err != nil {
		return nil, err
	}
	t := &target{env: env, host: f.host}
	if f.ca != "" {
		pem, err := caFile.Read(f.ca)
		if err != nil {
			return nil, inputError{err}
		}
		t.roots = x509.NewCertPool()
		if !t.roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate: give the ca.pem that `apns-console serve` wrote", f.ca)
		}
	}
	if env == sender.Local && f.host == "" && startSimulator {
		s := apnstest.NewServer()
		t.simulator, t.host, t.roots = s, s.Addr, s.Authority.Pool()
		if err := useDemo(cred, s.Demo); err != nil {
			s.Close()
			return nil, err
		}
	}
	if env == sender.Local && t.host == "" && !startSimulator {
		return nil, errors.New("--env local needs a running simulator: give --host and --ca of `apns-console serve`")
	}
	return t, nil
}

// useDemo sets *cred to the simulator's demo certificate when no
// credential was given.
func useDemo(cred **credential.Credential, d *apnstest.Demo) error {
	if *cred != nil {
		return nil
	}
	demo, err := credential.ParseP12(d.P12, apnstest.DemoP12Password)
	if err != nil {
		return fmt.Errorf("cannot read the simulator's demo certificate (%v): this is a bug in apns-console, please report it", err)
	}
	*cred = demo
	return nil
}

func orEnv(v, name string) string {
	if v != "" {
		return v
	}
	return os.Getenv(name)
}
