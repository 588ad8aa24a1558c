package ui

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// refreshTopics offers the certificate's topics for the push type, and
// shows the default topic as the placeholder.
func (c *Console) refreshTopics() {
	if c.note == nil || c.bar == nil {
		return
	}
	cred := c.cred.active()
	var opts []string
	for _, t := range cred.Topics() {
		opts = append(opts, t.Name)
	}
	c.note.topicOptions = opts
	c.note.topic.SetOptions(opts)
	switch def := c.defaultTopic(cred); {
	case def != "":
		c.note.topic.SetPlaceHolder(def + " (from the " + credentialNoun(cred) + ")")
	case cred != nil && cred.Kind == credential.KindP8:
		c.note.topic.SetPlaceHolder("the app's bundle id, e.g. com.example.app")
	default:
		c.note.topic.SetPlaceHolder("the app's bundle id")
	}
}

func credentialNoun(cred *credential.Credential) string {
	if cred != nil && cred.Kind == credential.KindP8 {
		return "simulator's demo app"
	}
	return "certificate"
}

// defaultTopic is the topic used when the field is empty: the
// certificate's bundle id with the push type's suffix, or for the
// simulator's demo key its demo bundle id.
func (c *Console) defaultTopic(cred *credential.Credential) string {
	base := cred.DefaultTopic()
	if base == "" && cred != nil && cred.Kind == credential.KindP8 && c.bar.local() {
		base = apnstest.DemoBundleID
	}
	if base == "" {
		return ""
	}
	return c.note.selectedPushType().TopicFor(base)
}

// payload builds the payload and checks it against the push type's limit.
func (c *Console) payload() ([]byte, error) {
	if c.liveActive() {
		return c.livePayload()
	}
	m, err := c.note.message(c.adv.custom.Text)
	if err != nil {
		return nil, err
	}
	p, err := sender.BuildPayload(m)
	if errors.Is(err, sender.ErrPayloadTooLarge) && p != nil {
		err = sender.ValidatePayload(p, c.payloadLimit())
	}
	return p, err
}

// where names the section that already shows a problem, so the line
// next to Send points there instead of saying it twice.
type shownIn struct {
	err     error
	section string
	short   string // the problem in a few words; "" for the error's first clause
}

func (s shownIn) Error() string { return s.err.Error() }
func (s shownIn) Unwrap() error { return s.err }

// compose turns the form into one notification per valid token, or says
// what is wrong with it and how to fix it.
func (c *Console) compose() ([]*sender.Notification, error) { return c.composeFor(true) }

// check is compose for the first token only: what validation needs, at
// the cost of one notification however many tokens there are.
func (c *Console) check() error {
	_, err := c.composeFor(false)
	return err
}

func (c *Console) composeFor(all bool) ([]*sender.Notification, error) {
	if err := c.dev.problem(); err != nil {
		short := "a device token can't be used"
		if c.dev.reading {
			short = "reading the tokens…"
		}
		return nil, shownIn{err, "Device", short}
	}
	p, err := c.payload()
	if err != nil && c.liveActive() {
		return nil, shownIn{err, "Live Activity", liveProblem(err)}
	}
	if err != nil {
		if errors.Is(err, errBadge) {
			return nil, shownIn{err, "Notification", "the badge is not a number"}
		}
		return nil, shownIn{fmt.Errorf("payload: %w", err), "Payload", "the payload is not valid"}
	}
	exp, err := parseExpiration(c.adv.expiration.Text, c.now())
	if err != nil {
		return nil, shownIn{err, "Advanced", "the expiration is not understood"}
	}
	tmpl := sender.Notification{
		Topic:      strings.TrimSpace(c.note.topic.Text),
		PushType:   c.note.selectedPushType(),
		Priority:   priorityValue(c.note.priority.Selected),
		Expiration: exp,
		CollapseID: c.adv.collapseID.Text,
		ApnsID:     strings.TrimSpace(c.adv.apnsID.Text),
		Payload:    p,
	}
	if err := backgroundProblem(tmpl); err != nil {
		return nil, shownIn{err, "Notification", "a background push needs priority 5 and content-available"}
	}
	var ns []*sender.Notification
	if all {
		valid := c.dev.valid()
		ns = make([]*sender.Notification, len(valid))
		block := make([]sender.Notification, len(valid)) // one allocation, not one per token
		for i, t := range valid {
			block[i] = tmpl
			block[i].Token = t.Token
			ns[i] = &block[i]
		}
	} else {
		first, _ := c.dev.first()
		n := tmpl
		n.Token = first.Token
		ns = []*sender.Notification{&n}
	}
	if err := ns[0].Validate(); err != nil {
		return nil, err
	}
	if c.binary() {
		if err := c.binaryFormat().Check(ns[0]); err != nil {
			return nil, err
		}
		return ns, c.binaryProblem()
	}
	if tmpl.Topic == "" {
		def := c.defaultTopic(c.cred.active())
		if def == "" && c.cred.chosen() == credential.KindP8 {
			return nil, errors.New("a token key needs a topic: type the app's bundle id (e.g. com.example.app) in Topic")
		}
		for _, n := range ns {
			n.Topic = def
		}
	}
	return ns, nil
}

// validate updates every section's status and enables Send only when a
// send can go; otherwise it says why next to the button, in one line.
func (c *Console) validate() {
	if c.bar == nil || c.adv == nil || c.pview == nil {
		return // still building
	}
	c.syncLiveActivity()
	c.showChannelsTarget()
	if c.simTarget() {
		c.validateSimulator()
		return
	}
	p, perr := c.payload()
	c.pview.show(p, perr, c.payloadLimit())
	if errors.Is(perr, errBadge) {
		c.note.showBadge(perr)
	} else {
		c.note.showBadge(nil)
	}
	c.adv.showExpiration(c.now())
	err := c.check()
	if err == nil {
		if err = c.cred.problem(); err != nil {
			// The section says the whole error: here it is only pointed to,
			// so that it is read once.
			short := "the credential can't be used"
			switch {
			case strings.Contains(err.Error(), "expired"):
				short = "the certificate has expired"
			case c.cred.userCredential() == nil && !c.bar.local() && c.cred.errs[c.cred.chosen()] == "":
				short = "no credential loaded"
			case c.cred.loading[c.cred.chosen()] != 0:
				short = "the credential is still loading"
			}
			err = shownIn{err, "Credential", short}
		}
	}
	if err == nil && c.bar.custom() {
		_, _, err = c.bar.customTarget()
	}
	c.ready = err == nil
	var si shownIn
	switch {
	case err == nil:
		c.bar.showProblem("")
	case errors.As(err, &si):
		c.bar.showProblem("Send is off: " + orDefault(si.short, firstClause(si.err.Error())) + " (see " + si.section + ")")
	default:
		c.bar.showProblem(sentence(err.Error()))
	}
	c.showMismatch()
	c.showTarget()
	c.showHeaders()
	c.updateSendButton()
}

// firstClause is an error's cause without its fix: "device token: the
// token is 31 bytes" of "device token: the token is 31 bytes: paste…".
func firstClause(s string) string {
	parts := strings.SplitN(s, ": ", 3)
	if len(parts) >= 3 {
		return parts[0] + ": " + parts[1]
	}
	return s
}

// showMismatch says next to Send when the loaded credential is not for
// the chosen environment, with the switch to the one it is for. Nothing
// changes the environment but the user.
func (c *Console) showMismatch() {
	cred := c.cred.userCredential()
	switch {
	case cred == nil:
		c.bar.showMismatch("", "")
	case c.bar.local():
		want := sender.PreferredEnvironment(cred)
		for_ := "Apple's " + string(want)
		if sender.Sandbox.Allows(cred) && sender.Production.Allows(cred) {
			for_ = "Apple's sandbox and production" // a .p8, a universal certificate: not "for sandbox"
		}
		c.bar.showMismatch("The simulator uses its demo credential; the "+cred.Kind.String()+" you loaded is for "+for_+".", want)
	case c.bar.custom():
		c.bar.showMismatch("", "")
	default:
		if ok, want := fit(cred, c.environment()); !ok {
			c.bar.showMismatch("This certificate is not for "+string(c.environment())+": APNs would refuse it (BadCertificateEnvironment).", want)
		} else {
			c.bar.showMismatch("", "")
		}
	}
}

// showHeaders names the loaded credential and the payload's size in the
// section headers, so they say it when collapsed.
func (c *Console) showHeaders() {
	titles := map[int]string{secCredential: c.cred.headline(), secDevice: c.dev.headline(), secPayload: c.pview.header}
	refresh := false
	for i, t := range titles {
		if c.sections.Items[i].Title != t {
			c.sections.Items[i].Title = t
			refresh = true
		}
	}
	if refresh {
		c.sections.Refresh()
	}
}

// showTarget names the host the send goes to.
func (c *Console) showTarget() {
	env := c.environment()
	switch {
	case c.bar.custom():
		host, _, err := c.bar.customTarget()
		if err != nil {
			host = "host:port not set"
		}
		c.bar.target.SetText("→ " + host + " (custom server)")
	case c.bar.local():
		c.mu.Lock()
		addr, what := "", "local simulator"
		if c.binary() {
			what = "local binary gateway"
			if c.gw != nil {
				addr = c.gw.Addr
			}
		} else if c.sim != nil {
			addr = c.sim.Addr
		}
		c.mu.Unlock()
		if addr == "" {
			addr = "starting…"
		}
		c.bar.target.SetText("→ " + addr + " (" + what + ")")
	case c.binary():
		c.bar.target.SetText("→ " + legacy.GatewayHost(env) + " (Apple's binary gateway, retired in 2021)")
	default:
		c.bar.target.SetText("→ " + env.Host() + " (Apple, " + string(env) + ")")
	}
}

func (c *Console) updateSendButton() {
	b := c.bar.sendBtn
	if c.sending {
		b.SetText("Sending…")
		b.Disable()
		return
	}
	n := c.dev.count()
	if n > 1 {
		b.SetText(fmt.Sprintf("Send to %d", n))
	} else {
		b.SetText("Send")
	}
	if c.ready {
		b.Enable()
	} else {
		b.Disable()
	}
}

// sentence makes an error message start with a capital letter.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// backgroundProblem checks a background push as APNs and iOS want it
// (APNS-REFERENCE §1.4): priority 5 (the default, 10, is refused), and
// content-available: 1 in aps, without which the app is not woken.
func backgroundProblem(n sender.Notification) error {
	if n.PushType != sender.PushBackground {
		return nil
	}
	if n.Priority != 5 {
		return errors.New("a background push must go at priority 5: choose 5 (power-considerate) in Priority")
	}
	var p struct {
		Aps struct {
			ContentAvailable json.RawMessage `json:"content-available"`
		} `json:"aps"`
	}
	if json.Unmarshal(n.Payload, &p) != nil || strings.TrimSpace(string(p.Aps.ContentAvailable)) != "1" {
		return errors.New(`a background push needs "content-available": 1 in aps: press "Start a background payload", or add it to the custom JSON`)
	}
	return nil
}
