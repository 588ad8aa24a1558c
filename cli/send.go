package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
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
	unique     bool
	bulkFlags

	stopped bool          // the tokens were not read to the end (cancelled)
	warned  tokenWarnings // tokens of unusual lengths, grouped (tokenwarnings.go)
}

// stringList is a repeatable string flag.
type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ", ") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

func (f *sendFlags) register(fs *flag.FlagSet) {
	f.credentialFlags.register(fs)
	fs.Var(&f.tokens, "token", "a device `TOKEN`, pasted as copied (repeatable)")
	fs.StringVar(&f.tokensFile, "tokens", "", "`FILE` with one token per line, a line at most 1 KiB (- for standard input; a named pipe works too)")
	fs.StringVar(&f.alert, "alert", "", "the alert text (body)")
	fs.StringVar(&f.title, "title", "", "the alert title")
	fs.StringVar(&f.subtitle, "subtitle", "", "the alert subtitle")
	fs.StringVar(&f.badge, "badge", "", "the badge `NUMBER` (0 clears it)")
	fs.StringVar(&f.sound, "sound", "", "the sound file name, or default")
	fs.StringVar(&f.payload, "payload", "", "custom payload `JSON`, or @FILE (at most the push type's limit plus 16 KiB of spacing); merged with --alert etc.")
	fs.StringVar(&f.topic, "topic", "", "apns-topic (default: the certificate's bundle id with the push type's suffix)")
	fs.StringVar(&f.pushType, "push-type", "alert", "apns-push-type: alert, background, voip, complication, …")
	fs.IntVar(&f.priority, "priority", 0, "apns-priority: 10, 5 or 1 (default: omitted, APNs uses 10)")
	fs.StringVar(&f.expiration, "expiration", "", "apns-expiration: UNIX seconds, 0 (try once), a duration from now (1h), or RFC 3339")
	fs.StringVar(&f.collapseID, "collapse-id", "", "apns-collapse-id (at most 64 bytes)")
	fs.StringVar(&f.apnsID, "apns-id", "", "apns-id, a UUID (default: APNs makes one)")
	fs.BoolVar(&f.json, "json", false, "print one JSON object per result")
	fs.BoolVar(&f.dryRun, "dry-run", false, "print the exact request and send nothing")
	fs.BoolVar(&f.verbose, "v", false, "print the connection events (DNS, TLS, request, response)")
	fs.BoolVar(&f.unique, "unique", false, "send a repeated token only once (repeats are always counted and reported)")
	f.bulkFlags.register(fs)   // --concurrency, --timeout … (bulk.go)
	f.binaryFlags.register(fs) // --protocol, --format (binary.go)
	// --file, --curl, --device (sendworkflow.go)
	f.workflowFlags.register(fs)
	f.liveActivityFlags.register(fs) // --live-activity … (liveactivity.go)
}

const sendUsage = `Usage: apns-console send [flags]

Sends a notification to a device token (--token, repeatable), a list
(--tokens FILE, - for standard input) or a broadcast channel (--channel),
through APNs (--env sandbox or production), another endpoint (--host), the
built-in simulator (--env local) or the iOS Simulator (--env simulator).
Each token's outcome is one line on standard output (--json: one JSON
object); errors and -v's events go to standard error.

Flags:
`

// inputError is bad input: exit code 2.
type inputError struct{ error }

func (e inputError) Unwrap() error { return e.error }

func runSend(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f sendFlags
	f.register(fs)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), sendUsage)
		fs.PrintDefaults()
		fmt.Fprint(fs.Output(), sendExitCodes) // bulk.go
	}
	if code, done := parseFlags(fs, args, stdout, stderr); done {
		return code
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "apns-console send: unexpected argument %q (tokens go after --token)\n", fs.Arg(0))
		return exitFailure
	}
	if err := f.bulkFlags.check(); err != nil {
		fmt.Fprintln(stderr, "error:", err)
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

	base, cred, err := f.template()
	if err != nil {
		return out.fail(err)
	}
	tokens, err := f.openTokens(stdin)
	if err != nil {
		return out.fail(err)
	}
	defer tokens.close()
	if err := tokens.first(ctx); err != nil { // none at all: exit 2 before connecting
		if errors.Is(err, errStopped) {
			err = errors.New("cancelled before the first token was read")
		}
		return out.fail(err)
	}
	tgt, err := f.resolveTarget(&cred, true)
	if err != nil {
		return out.fail(err)
	}
	defer tgt.close()
	if tgt.simulator != nil && !f.dryRun {
		out.info(fmt.Sprintf("Started the local APNs simulator on %s (sandbox)", tgt.host))
	}
	if err := f.prepareLiveActivity(base, &cred, tgt, out, stderr); err != nil { // liveactivity.go
		return out.fail(err)
	}
	if f.dryRun {
		return f.dryRunAll(ctx, tokens, base, cred, tgt, out)
	}
	if cred == nil {
		return out.fail(fmt.Errorf("%w: give --p12 FILE (password in $APNS_P12_PASSWORD), --cert FILE --key FILE, or --p8 FILE --key-id ID --team-id ID (or try --env local)", sender.ErrNoCredential))
	}
	if w := cred.ExpiryWarning(time.Now()); w != "" {
		out.warn(w)
	}

	ctx, cancel := f.bulkFlags.context(ctx)
	defer cancel()
	client := &sender.Client{Credential: cred, Environment: tgt.env, Host: tgt.host, RootCAs: tgt.roots,
		Timeout: f.requestTimeout, ConnectTimeout: f.connectTimeout}
	if f.verbose {
		client.OnEvent = out.event
	}
	defer client.Close()

	in := make(chan *sender.Notification, 256)
	refused := make(chan sender.Result, 64)
	var dups int
	go func() {
		defer close(in)
		defer close(refused)
		dups = f.feed(ctx, tokens, base, in, refused, out)
	}()
	results := client.SendStream(ctx, in, f.bulkFlags.options())
	t := newTally()
	bar := newProgress(stderr, f.countTokens)
	// Each line is written the moment its result is known; under load,
	// the lines that are ready together share one write.
	lines := newFlushedWriter(ctx, stdout, 32<<10) // main.go flushes it on a forced stop
	defer lines.Flush()
	out.mu.Lock()
	out.stdout = lines
	out.mu.Unlock()
	for results != nil || refused != nil {
		var r sender.Result
		var ok bool
		select {
		case r, ok = <-refused:
			if !ok {
				refused = nil
				continue
			}
		case r, ok = <-results:
			if !ok {
				results = nil
				continue
			}
		}
		if se := t.add(r); se != nil {
			out.stopped(se)
		}
		if !f.json {
			bar.clear() // the result's line goes where the bar was
		}
		out.result(r)
		if len(results) == 0 && len(refused) == 0 {
			lines.Flush()
		}
		bar.add(1)
	}
	lines.Flush()
	bar.finish()
	f.warned.print(out) // read by feed before it closed refused
	out.summary(t, dups)
	code := t.exitCode()
	if f.stopped && code != exitUnconfirmed { // read by feed before it closed refused
		return exitFailure // tokens were left unread: not sent
	}
	return code
}

// template reads the payload, headers and credential every notification
// shares.
func (f *sendFlags) template() (*sender.Notification, *credential.Credential, error) {
	payload, err := f.buildPayload()
	if err != nil {
		return nil, nil, err
	}
	base, err := f.notification(payload)
	if err != nil {
		return nil, nil, err
	}
	cred, err := f.load()
	if err != nil {
		return nil, nil, err
	}
	return base, cred, nil
}

// feed reads the tokens as a stream and puts a notification per usable
// token on in; a token that cannot be used gets its result on refused.
// It returns how many tokens repeated an earlier one.
func (f *sendFlags) feed(ctx context.Context, tokens *tokenReader, base *sender.Notification, in chan<- *sender.Notification, refused chan<- sender.Result, out *printer) (dups int) {
	var seen seenTokens
	last := 0
	for {
		tl, err := tokens.nextOrStop(ctx)
		if err == io.EOF {
			return dups
		}
		if errors.Is(err, errStopped) {
			out.warn(fmt.Sprintf("cancelled: %s after line %d", err, last))
			f.stopped = true
			return dups
		}
		last = max(last, tl.line)
		if err != nil { // the input broke off: the tokens after it are unknown
			out.warn(err.Error())
			f.stopped = true // exit 2
			return dups
		}
		n := *base
		if tl.err != nil {
			n.Token = ""
			refused <- sender.Result{Notification: &n, Err: tl.err}
			continue
		}
		tok, err := sender.ParseToken(tl.raw)
		if err != nil {
			n.Token = tl.raw
			if tl.line > 0 {
				err = fmt.Errorf("line %d: %w", tl.line, err)
			}
			refused <- sender.Result{Notification: &n, Err: inputError{err}}
			continue
		}
		n.Token = tok.String()
		if seen.add(n.Token) {
			dups++
			if dups == 1 {
				where := ""
				if tl.line > 0 {
					where = fmt.Sprintf(" (line %d)", tl.line)
				}
				fix := "it is sent again; --unique drops repeats"
				if f.unique {
					fix = "--unique drops it and every further repeat"
				}
				out.warn(fmt.Sprintf("token %s%s repeats an earlier one: %s (the summary counts them)", n.Token, where, fix))
			}
			if f.unique {
				continue
			}
		}
		f.warned.add(tok, tl.line) // printed grouped, before the summary
		in <- &n
	}
}

// dryRunAll prints the exact request for each token, connecting nowhere.
func (f *sendFlags) dryRunAll(ctx context.Context, tokens *tokenReader, base *sender.Notification, cred *credential.Credential, tgt *target, out *printer) int {
	code := exitOK
	for {
		tl, err := tokens.nextOrStop(ctx)
		if err == io.EOF {
			return code
		}
		if err != nil {
			return out.fail(err)
		}
		n := *base
		if tl.err != nil {
			out.result(sender.Result{Notification: &n, Err: tl.err})
			code = exitFailure
			continue
		}
		tok, err := sender.ParseToken(tl.raw)
		if err != nil {
			n.Token = tl.raw
			out.result(sender.Result{Notification: &n, Err: inputError{err}})
			code = exitFailure
			continue
		}
		n.Token = tok.String()
		if err := printDryRun(out.stdout, &n, cred, tgt); err != nil {
			return out.fail(err)
		}
	}
}

// buildPayload makes the payload from --alert … and --payload.
func (f *sendFlags) buildPayload() ([]byte, error) {
	if f.liveActivityFlags.chosen() {
		return f.liveActivityPayload() // liveactivity.go
	}
	m := sender.Message{Body: f.alert, Title: f.title, Subtitle: f.subtitle, Sound: f.sound, Custom: f.payload}
	if strings.HasPrefix(f.payload, "@") {
		data, err := readPayloadFile(f.payload[1:], sender.PushType(f.pushType))
		if err != nil {
			return nil, err
		}
		m.Custom = string(data)
	}
	if f.badge != "" {
		b, err := parseBadge(f.badge)
		if err != nil {
			return nil, err
		}
		m.Badge = &b
	}
	p, err := sender.BuildPayload(m)
	if errors.Is(err, sender.ErrPayloadTooLarge) && p != nil {
		// VoIP pushes may be up to 5120 bytes: check against the push type.
		err = sender.ValidatePayload(p, sender.PushType(f.pushType).MaxPayload())
	}
	if err != nil {
		return nil, inputError{err}
	}
	return p, nil
}

// readPayloadFile reads --payload @FILE, within the push type's limit
// plus a margin (payloadFile): a larger file is refused before it is read
// whole or parsed.
func readPayloadFile(path string, pt sender.PushType) ([]byte, error) {
	data, err := payloadFile("--payload", pt).Read(path)
	if err != nil {
		return nil, inputError{fmt.Errorf("cannot read the --payload file: %w", err)}
	}
	return data, nil
}

// parseBadge reads --badge: a whole number, 0 or more, spaces trimmed.
func parseBadge(s string) (int, error) {
	t := strings.TrimSpace(s)
	b, err := strconv.Atoi(t)
	switch {
	case err != nil && errors.Is(err, strconv.ErrRange):
		return 0, inputError{fmt.Errorf("--badge %q is too large: give a whole number such as 5, or 0 to clear the badge", s)}
	case err != nil:
		return 0, inputError{fmt.Errorf("--badge %q is not a number: give a whole number such as 5, or 0 to clear the badge", s)}
	case b < 0:
		return 0, inputError{fmt.Errorf("--badge %d is negative: the badge is a count, 0 or more; give 0 to clear it", b)}
	}
	return b, nil
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
	if tgt.simulator != nil { // started for its demo identity only: nothing is sent to it
		addr = ""
	}
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
	Outcome      string `json:"outcome"` // accepted, rejected, not_sent, unconfirmed
	Status       int    `json:"status"`
	Reason       string `json:"reason,omitempty"`
	ApnsID       string `json:"apns_id,omitempty"`
	ApnsUniqueID string `json:"apns_unique_id,omitempty"`
	Timestamp    int64  `json:"timestamp,omitempty"`
	DurationMS   int64  `json:"duration_ms"`
	Attempts     int    `json:"attempts"`
	Unconfirmed  bool   `json:"unconfirmed,omitempty"`
	Error        string `json:"error,omitempty"`
}

func toJSON(r sender.Result) jsonResult {
	j := jsonResult{Token: r.Notification.Token, Outcome: r.Outcome().Key(), Attempts: r.Attempts, Unconfirmed: r.Unconfirmed()}
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
