package cli

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"apnsconsole/sender"
	"apnsconsole/sender/credential"
)

// sendFlags are `apns-console send`'s flags.
type sendFlags struct {
	credentialFlags
	binaryFlags // --protocol, --format (binary.go)
	// --file, --curl, --device (sendworkflow.go)
	workflowFlags
	liveActivityFlags // --live-activity, --content-state, --channel … (liveactivity.go)

	tokens     stringList
	tokensFile string
	alert      string
	title      string
	subtitle   string
	badge      string
	sound      string
	payload    string
	topic      string
	pushType   string
	priority   int
	expiration string
	collapseID string
	apnsID     string
	json       bool
	dryRun     bool
	verbose    bool
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ", ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (f *sendFlags) register(fs *flag.FlagSet) {
	f.credentialFlags.register(fs)
	fs.Var(&f.tokens, "token", "a device `TOKEN`, pasted as copied (repeatable)")
	fs.StringVar(&f.tokensFile, "tokens", "", "`FILE` with one token per line (- for standard input)")
	fs.StringVar(&f.alert, "alert", "", "the alert text (body)")
	fs.StringVar(&f.title, "title", "", "the alert title")
	fs.StringVar(&f.subtitle, "subtitle", "", "the alert subtitle")
	fs.StringVar(&f.badge, "badge", "", "the badge `NUMBER` (0 clears it)")
	fs.StringVar(&f.sound, "sound", "", "the sound file name, or default")
	fs.StringVar(&f.payload, "payload", "", "custom payload `JSON`, or @FILE; merged with --alert etc.")
	fs.StringVar(&f.topic, "topic", "", "apns-topic (default: the certificate's bundle id with the push type's suffix)")
	fs.StringVar(&f.pushType, "push-type", "alert", "apns-push-type: alert, background, voip, complication, …")
	fs.IntVar(&f.priority, "priority", 0, "apns-priority: 10, 5 or 1 (default: omitted, APNs uses 10)")
	fs.StringVar(&f.expiration, "expiration", "", "apns-expiration: UNIX seconds, 0 (try once), a duration from now (1h), or RFC 3339")
	fs.StringVar(&f.collapseID, "collapse-id", "", "apns-collapse-id (at most 64 bytes)")
	fs.StringVar(&f.apnsID, "apns-id", "", "apns-id, a UUID (default: APNs makes one)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per result")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the exact request and send nothing")
	fs.BoolVar(&f.verbose, "v", false, "print the connection events (DNS, TLS, request, response)")
	f.binaryFlags.register(fs) // --protocol, --format (binary.go)
	// --file, --curl, --device (sendworkflow.go)
	f.workflowFlags.register(fs)
	f.liveActivityFlags.register(fs) // --live-activity … (liveactivity.go)
}

// inputError is bad input: exit code 2.
type inputError struct{ error }

func runSend(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f sendFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: apns-console send [flags]\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return exitFailure
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apns-console send: unexpected argument %q (tokens go after --token)\n", fs.Arg(0))
		return exitFailure
	}
	// --file, --curl and --env simulator (sendworkflow.go).
	if code, done := f.workflow(ctx, fs, stdin, stdout, stderr); done {
		return code
	}
	// --protocol binary: Apple's retired binary protocol (binary.go).
	binary, err := f.binaryChosen(fs)
	if err != nil {
		fmt.Fprintln(stderr, "error:", err)
		return exitFailure
	}
	// --live-activity checks and --channel broadcasts (liveactivity.go).
	if code, done := f.dispatchLiveActivity(ctx, binary, stdout, stderr); done {
		return code
	}
	if binary {
		return runSendBinary(ctx, &f, stdin, stdout, stderr)
	}
	out := newPrinter(stdout, stderr, f.json, f.verbose)

	b, cred, err := f.readBatch(stdin, out)
	if err != nil {
		return out.fail(err)
	}
	tgt, err := f.resolveTarget(&cred, !f.dryRun)
	if err != nil {
		return out.fail(err)
	}
	defer tgt.close()
	if tgt.simulator != nil {
		out.info(fmt.Sprintf("Started the local APNs simulator on %s (sandbox)", tgt.host))
	}
	if err := f.prepareLiveActivity(b, &cred, tgt, out, stderr); err != nil { // liveactivity.go
		return out.fail(err)
	}
	if f.dryRun {
		for _, n := range b.ns {
			if err := printDryRun(stdout, n, cred, tgt); err != nil {
				return out.fail(err)
			}
		}
		return b.dryRunExit(out)
	}
	if err := b.checkCredential(cred, out, "give --p12 FILE --password P, --cert FILE --key FILE, or --p8 FILE --key-id ID --team-id ID (or try --env local)"); err != nil {
		return out.fail(err)
	}

	client := &sender.Client{Credential: cred, Environment: tgt.env, Host: tgt.host, RootCAs: tgt.roots, OnEvent: out.event}
	defer client.Close()
	b.settle(client.SendAll(ctx, b.ns))
	results := b.results
	for _, r := range results {
		out.result(r)
	}
	return out.exitCode(results)
}

// readTokens gathers --token values and the lines of --tokens.
func (f *sendFlags) readTokens(stdin io.Reader) ([]string, error) {
	tokens := append([]string(nil), f.tokens...)
	if f.tokensFile != "" {
		var r io.Reader = stdin
		if f.tokensFile != "-" {
			file, err := os.Open(f.tokensFile)
			if err != nil {
				return nil, inputError{fmt.Errorf("cannot read the tokens file (%v): check the path, or use --tokens - to read standard input", err)}
			}
			defer file.Close()
			r = file
		}
		sc := bufio.NewScanner(r)
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line != "" && !strings.HasPrefix(line, "#") {
				tokens = append(tokens, line)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, inputError{fmt.Errorf("cannot read the tokens: %v", err)}
		}
	}
	if len(tokens) == 0 {
		return nil, inputError{errors.New("no device token: give --token TOKEN (as copied from the device) or --tokens FILE")}
	}
	return tokens, nil
}

// buildPayload makes the payload from --alert … and --payload.
func (f *sendFlags) buildPayload() ([]byte, error) {
	if f.liveActivityFlags.chosen() {
		return f.liveActivityPayload() // liveactivity.go
	}
	m := sender.Message{Body: f.alert, Title: f.title, Subtitle: f.subtitle, Sound: f.sound, Custom: f.payload}
	if strings.HasPrefix(f.payload, "@") {
		data, err := os.ReadFile(f.payload[1:])
		if err != nil {
			return nil, inputError{fmt.Errorf("cannot read the payload file (%v): check the path after @, or give the JSON itself", err)}
		}
		m.Custom = string(data)
	}
	if f.badge != "" {
		b, err := strconv.Atoi(f.badge)
		if err != nil || b < 0 {
			return nil, inputError{fmt.Errorf("--badge %q is not a number: give a whole number, 0 to clear the badge", f.badge)}
		}
		m.Badge = &b
	}
	p, err := sender.BuildPayload(m)
	if err != nil {
		return nil, inputError{err}
	}
	return p, nil
}

// notification is the per-token template.
func (f *sendFlags) notification(payload []byte) (*sender.Notification, error) {
	n := &sender.Notification{
		Topic:      f.topic,
		PushType:   sender.PushType(f.pushType),
		Priority:   f.priority,
		CollapseID: f.collapseID,
		ApnsID:     f.apnsID,
		Payload:    payload,
	}
	if f.expiration != "" {
		t, err := parseExpiration(f.expiration, time.Now())
		if err != nil {
			return nil, inputError{err}
		}
		n.Expiration = &t
	}
	if err := f.applyLiveActivity(n); err != nil { // liveactivity.go
		return nil, err
	}
	return n, nil
}

// parseExpiration reads UNIX seconds, a duration from now, or RFC 3339.
func parseExpiration(s string, now time.Time) (time.Time, error) {
	if secs, err := strconv.ParseInt(s, 10, 64); err == nil && secs >= 0 {
		return time.Unix(secs, 0), nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(d).Truncate(time.Second), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--expiration %q: give UNIX seconds (an absolute date), 0 to try only once, a duration such as 1h, or a date such as 2026-12-01T09:00:00Z", s)
}

// printDryRun prints the exact HTTP/2 request for n, without connecting.
func printDryRun(w io.Writer, n *sender.Notification, cred *credential.Credential, tgt *target) error {
	if err := n.Validate(); err != nil {
		return inputError{err}
	}
	topic, err := n.ResolveTopic(cred)
	if err != nil {
		return inputError{err}
	}
	addr := tgt.host
	if addr == "" {
		addr = tgt.env.Host()
	}
	if addr == "" {
		addr = "<local simulator>"
	}
	fmt.Fprintf(w, "POST https://%s/3/device/%s HTTP/2\n", addr, n.Token)
	h := n.Header(topic)
	for _, k := range []string{"Apns-Topic", "Apns-Push-Type", "Apns-Priority", "Apns-Expiration", "Apns-Collapse-Id", "Apns-Id", "Content-Type"} {
		if v := h.Get(k); v != "" {
			fmt.Fprintf(w, "%s: %s\n", strings.ToLower(k), v)
		}
	}
	if cred != nil && cred.Kind == credential.KindP8 {
		fmt.Fprintf(w, "authorization: bearer <ES256 JWT, kid %s, iss %s, signed when sent>\n", cred.KeyID, cred.TeamID)
	}
	fmt.Fprintf(w, "content-length: %d\n\n%s\n", len(n.Payload), n.Payload)
	return nil
}

// jsonResult is one line of --json output.
type jsonResult struct {
	Token        string `json:"token"`
	Status       int    `json:"status"`
	Reason       string `json:"reason,omitempty"`
	ApnsID       string `json:"apns_id,omitempty"`
	ApnsUniqueID string `json:"apns_unique_id,omitempty"`
	Timestamp    int64  `json:"timestamp,omitempty"`
	DurationMS   int64  `json:"duration_ms"`
	Error        string `json:"error,omitempty"`
}

func toJSON(r sender.Result) jsonResult {
	j := jsonResult{Token: r.Notification.Token}
	if resp := r.Response; resp != nil {
		j.Status, j.Reason, j.ApnsID, j.ApnsUniqueID = resp.Status, resp.Reason, resp.ApnsID, resp.UniqueID
		j.DurationMS = resp.Duration.Milliseconds()
		if !resp.Timestamp.IsZero() {
			j.Timestamp = resp.Timestamp.UnixMilli()
		}
	}
	if r.Err != nil {
		j.Error = r.Err.Error()
		var ga *sender.GoAwayError
		if errors.As(r.Err, &ga) {
			j.Reason = ga.Reason
		}
	}
	return j
}

// marshalJSON is json.Marshal without HTML escaping.
func marshalJSON(v any) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
	return strings.TrimSuffix(b.String(), "\n")
}
