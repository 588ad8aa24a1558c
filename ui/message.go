package ui

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/apnstest"
	"apnsconsole/sender/credential"
	"apnsconsole/sender/legacy"
)

// Priority choices, in the order shown.
const (
	priorityDefault = "Default (header omitted: 10)"
	priority10      = "10 · immediately"
	priority5       = "5 · power-considerate"
	priority1       = "1 · lowest, no wake"
)

var priorityChoices = []string{priorityDefault, priority10, priority5, priority1}

func priorityValue(choice string) int {
	switch choice {
	case priority10:
		return 10
	case priority5:
		return 5
	case priority1:
		return 1
	}
	return 0
}

func priorityChoice(v int) string {
	switch v {
	case 10:
		return priority10
	case 5:
		return priority5
	case 1:
		return priority1
	}
	return priorityDefault
}

func (c *Console) buildDevice() fyne.CanvasObject {
	c.token = widget.NewEntry()
	c.token.SetPlaceHolder("paste the token: hex, <…> from Xcode's console, with spaces or colons")
	c.token.OnChanged = func(string) { c.tokenChanged() }
	c.tokenStatus = widget.NewLabel("")
	c.tokenStatus.Wrapping = fyne.TextWrapWord
	return widget.NewForm(
		widget.NewFormItem("Token", c.token),
		widget.NewFormItem("", c.tokenStatus),
	)
}

func (c *Console) buildNotification() fyne.CanvasObject {
	changed := func(string) { c.validate(); c.saveSoon() }
	entry := func(placeholder string) *widget.Entry {
		e := widget.NewEntry()
		e.SetPlaceHolder(placeholder)
		e.OnChanged = changed
		return e
	}
	c.body = widget.NewMultiLineEntry()
	c.body.SetPlaceHolder("the alert text")
	c.body.SetMinRowsVisible(2)
	c.body.Wrapping = fyne.TextWrapWord
	c.body.OnChanged = changed
	c.title = entry("optional")
	c.subtitle = entry("optional")
	c.badge = entry("number on the app icon; 0 clears it")
	c.sound = entry(`e.g. default`)
	c.topic = widget.NewSelectEntry(nil)
	c.topic.OnChanged = changed
	c.pushType = widget.NewSelect(pushTypeChoices(), func(string) { c.refreshTopics(); changed("") })
	c.priority = widget.NewSelect(priorityChoices, changed)

	return widget.NewForm(
		widget.NewFormItem("Alert", c.body),
		widget.NewFormItem("Title", c.title),
		widget.NewFormItem("Subtitle", c.subtitle),
		widget.NewFormItem("Badge", c.badge),
		widget.NewFormItem("Sound", c.sound),
		widget.NewFormItem("Topic", c.topic),
		widget.NewFormItem("Push type", c.pushType),
		widget.NewFormItem("Priority", c.priority),
	)
}

func pushTypeChoices() []string {
	out := make([]string, len(sender.PushTypes))
	for i, p := range sender.PushTypes {
		out[i] = string(p)
	}
	return out
}

func (c *Console) buildAdvanced() fyne.CanvasObject {
	changed := func(string) { c.validate(); c.saveSoon() }
	c.expiration = widget.NewEntry()
	c.expiration.SetPlaceHolder("empty: APNs keeps it · 0: try once · 1h, 2d · 2026-01-31T18:00:00Z · UNIX seconds")
	c.expiration.OnChanged = changed
	c.expirationHint = widget.NewLabel("")
	c.expirationHint.Importance = widget.LowImportance
	c.expirationHint.Wrapping = fyne.TextWrapWord
	c.collapseID = widget.NewEntry()
	c.collapseID.SetPlaceHolder("notifications with the same id replace each other (≤ 64 bytes)")
	c.collapseID.OnChanged = changed
	c.apnsID = widget.NewEntry()
	c.apnsID.SetPlaceHolder("empty: APNs makes one")
	c.apnsID.OnChanged = changed
	newID := widget.NewButtonWithIcon("", theme.ContentAddIcon(), func() { c.apnsID.SetText(newUUID()) })
	c.custom = widget.NewMultiLineEntry()
	c.custom.SetPlaceHolder(`{"aps": {"category": "MESSAGE"}, "chat-id": 42}`)
	c.custom.TextStyle.Monospace = true
	c.custom.SetMinRowsVisible(5)
	c.custom.OnChanged = changed
	c.payloadStatus = widget.NewLabel("")
	c.payloadStatus.Wrapping = fyne.TextWrapWord

	return widget.NewForm(
		widget.NewFormItem("Expiration", c.expiration),
		widget.NewFormItem("", c.expirationHint),
		widget.NewFormItem("Collapse ID", c.collapseID),
		widget.NewFormItem("apns-id", container.NewBorder(nil, nil, nil, newID, c.apnsID)),
		widget.NewFormItem("Custom JSON", c.custom),
		widget.NewFormItem("Payload", c.payloadStatus),
	)
}

func (c *Console) tokenChanged() {
	raw := strings.TrimSpace(c.token.Text)
	switch tok, err := sender.ParseToken(raw); {
	case raw == "":
		c.setStatus(c.tokenStatus, widget.LowImportance, "The token your app got in didRegisterForRemoteNotificationsWithDeviceToken, as hex.")
	case err != nil:
		c.setStatus(c.tokenStatus, widget.DangerImportance, err.Error())
	case tok.Warning() != "":
		c.setStatus(c.tokenStatus, widget.WarningImportance, fmt.Sprintf("%d-byte token ⚠ %s", len(tok), tok.Warning()))
	default:
		msg := fmt.Sprintf("%d-byte token ✓", len(tok))
		if raw != tok.String() {
			msg += " · cleaned to " + tok.String()
		}
		c.setStatus(c.tokenStatus, widget.SuccessImportance, msg)
	}
	c.validate()
	c.saveSoon()
}

func (c *Console) setStatus(l *widget.Label, imp widget.Importance, text string) {
	l.Importance = imp
	l.SetText(text)
}

// refreshTopics offers the certificate's topics for the push type, and
// shows the default topic as the placeholder.
func (c *Console) refreshTopics() {
	if c.topic == nil || c.pushType == nil {
		return
	}
	cred := c.activeCredential()
	var opts []string
	for _, t := range cred.Topics() {
		opts = append(opts, t.Name)
	}
	c.topicOptions = opts
	c.topic.SetOptions(opts)
	switch def := c.defaultTopic(cred); {
	case def != "":
		c.topic.SetPlaceHolder(def + " (from the " + credentialNoun(cred) + ")")
	case cred != nil && cred.Kind == credential.KindP8:
		c.topic.SetPlaceHolder("the app's bundle id, e.g. com.example.app")
	default:
		c.topic.SetPlaceHolder("the app's bundle id")
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
	if base == "" && cred != nil && cred.Kind == credential.KindP8 && c.environment() == sender.Local {
		base = apnstest.DemoBundleID
	}
	if base == "" {
		return ""
	}
	return c.selectedPushType().TopicFor(base)
}

func (c *Console) selectedPushType() sender.PushType {
	if c.pushType.Selected == "" {
		return sender.PushAlert
	}
	return sender.PushType(c.pushType.Selected)
}

// message is what the user typed, as the sender's Message.
func (c *Console) message() (sender.Message, error) {
	m := sender.Message{
		Body:     c.body.Text,
		Title:    c.title.Text,
		Subtitle: c.subtitle.Text,
		Sound:    strings.TrimSpace(c.sound.Text),
		Custom:   c.custom.Text,
	}
	if b := strings.TrimSpace(c.badge.Text); b != "" {
		n, err := strconv.Atoi(b)
		if err != nil || n < 0 {
			return m, fmt.Errorf("badge %q is not a whole number: type the number to show on the app icon, 0 to clear it, or nothing to leave it", b)
		}
		m.Badge = &n
	}
	return m, nil
}

// payload builds the payload and checks it against the push type's limit.
func (c *Console) payload() ([]byte, error) {
	m, err := c.message()
	if err != nil {
		return nil, err
	}
	p, err := sender.BuildPayload(m)
	if errors.Is(err, sender.ErrPayloadTooLarge) && p != nil {
		err = sender.ValidatePayload(p, c.payloadLimit())
	}
	return p, err
}

// compose turns the form into a notification, or says what is wrong with
// it and how to fix it.
func (c *Console) compose() (*sender.Notification, error) {
	tok, err := sender.ParseToken(c.token.Text)
	if err != nil {
		if strings.TrimSpace(c.token.Text) == "" {
			return nil, errors.New("no device token: paste the token your app received in didRegisterForRemoteNotificationsWithDeviceToken")
		}
		return nil, fmt.Errorf("device token: %w", err)
	}
	p, err := c.payload()
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	exp, err := parseExpiration(c.expiration.Text, c.now())
	if err != nil {
		return nil, err
	}
	n := &sender.Notification{
		Token:      tok.String(),
		Topic:      strings.TrimSpace(c.topic.Text),
		PushType:   c.selectedPushType(),
		Priority:   priorityValue(c.priority.Selected),
		Expiration: exp,
		CollapseID: c.collapseID.Text,
		ApnsID:     strings.TrimSpace(c.apnsID.Text),
		Payload:    p,
	}
	if err := n.Validate(); err != nil {
		return nil, err
	}
	if c.binary() {
		if err := c.binaryFormat().Check(n); err != nil {
			return nil, err
		}
		return n, c.binaryProblem()
	}
	cred := c.activeCredential()
	if n.Topic == "" {
		n.Topic = c.defaultTopic(cred)
	}
	if n.Topic == "" && cred != nil && cred.Kind == credential.KindP8 {
		return nil, errors.New("a token key needs a topic: type the app's bundle id (e.g. com.example.app) in Topic")
	}
	return n, nil
}

// validate updates the payload and expiration lines and enables Send only
// when a send can go; otherwise it says why next to the button.
func (c *Console) validate() {
	if c.sendBtn == nil || c.custom == nil {
		return // still building
	}
	c.showPayload()
	c.showExpiration()
	_, err := c.compose()
	if err == nil {
		err = c.credentialProblem()
	}
	c.ready = err == nil
	if err != nil {
		c.problem.SetText(sentence(err.Error()))
		c.problem.Show()
	} else {
		c.problem.Hide()
	}
	c.showTarget()
	c.updateSendButton()
}

// credentialProblem says why the active credential can't be used, if so.
func (c *Console) credentialProblem() error {
	k := c.credentialKind()
	if c.environment() == sender.Local {
		c.mu.Lock()
		err := c.simErr
		c.mu.Unlock()
		if err != nil {
			return err
		}
		return nil // the demo credential is there, or will be once the simulator runs
	}
	if c.loading[k] != 0 {
		return errors.New("the credential is still loading")
	}
	cred := c.creds[k]
	if cred == nil {
		if e := c.credErrs[k]; e != "" {
			return errors.New("credential: " + e)
		}
		return errors.New("no credential: " + noCredentialHint(k))
	}
	if err := cred.CheckValidity(c.now()); err != nil {
		return err
	}
	return nil
}

func (c *Console) showPayload() {
	p, err := c.payload()
	limit := c.payloadLimit()
	var pe *sender.PayloadError
	switch {
	case err == nil:
		c.setStatus(c.payloadStatus, widget.SuccessImportance, fmt.Sprintf("✓ valid · %d / %d bytes", len(p), limit))
	case errors.As(err, &pe) && pe.Size > 0:
		c.setStatus(c.payloadStatus, widget.DangerImportance, fmt.Sprintf("✗ %d / %d bytes · %s", pe.Size, limit, err))
	default:
		c.setStatus(c.payloadStatus, widget.DangerImportance, "✗ "+err.Error())
	}
}

func (c *Console) showExpiration() {
	exp, err := parseExpiration(c.expiration.Text, c.now())
	switch {
	case err != nil:
		c.setStatus(c.expirationHint, widget.DangerImportance, err.Error())
	case exp == nil:
		c.setStatus(c.expirationHint, widget.LowImportance, "No apns-expiration header: APNs stores the notification as its policy allows.")
	default:
		c.setStatus(c.expirationHint, widget.LowImportance, describeExpiration(*exp, c.now()))
	}
}

// showTarget names the host the send goes to.
func (c *Console) showTarget() {
	env := c.environment()
	switch env {
	case sender.Local:
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
		c.target.SetText("→ " + addr + " (" + what + ")")
	default:
		if c.binary() {
			c.target.SetText("→ " + legacy.GatewayHost(env) + " (Apple's binary gateway, retired in 2021)")
			return
		}
		c.target.SetText("→ " + env.Host() + " (Apple, " + string(env) + ")")
	}
}

func (c *Console) updateSendButton() {
	if c.sending {
		c.sendBtn.SetText("Sending…")
		c.sendBtn.Disable()
		c.activity.Show()
		c.activity.Start()
		return
	}
	c.activity.Stop()
	c.activity.Hide()
	c.sendBtn.SetText("Send")
	if c.ready {
		c.sendBtn.Enable()
	} else {
		c.sendBtn.Disable()
	}
}

// sentence makes an error message start with a capital letter.
func sentence(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
