package ui

import (
	"crypto/x509"
	"fmt"
	"net"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
)

// Environment choices, in the order shown.
const (
	envSandbox    = "Sandbox"
	envProduction = "Production"
	envLocal      = "Local"
	envCustom     = "Custom"
)

var envChoices = []string{envSandbox, envProduction, envLocal, envCustom, envSimulator}

// Local outcomes: how the simulator answers the next send.
const (
	outcomeNormal = "Next: normal answer"
)

// outcomeChoices lists the normal answer, then each of localOutcomes.
var outcomeChoices = func() []string {
	out := []string{outcomeNormal}
	for _, o := range localOutcomes {
		out = append(out, "Next: "+o.label)
	}
	return out
}()

// sendBar is the bottom of the form: where the send goes (environment,
// custom host, protocol), what is wrong if anything, a mismatch between
// credential and environment with its one-click switch, the simulator's
// next outcome, progress, and Send. It tells the console through
// envChanged and customChanged; Send calls send.
type sendBar struct {
	env         *choiceRow
	customHost  *widget.Entry
	customCA    *widget.Entry
	customRow   *fyne.Container
	outcome     *widget.Select
	outcomeRow  *fyne.Container
	mismatch    *widget.Label
	switchBtn   *widget.Button
	mismatchRow *fyne.Container
	problem     *widget.Label
	target      *hint
	progress    *widget.ProgressBar
	sendBtn     *widget.Button
	content     fyne.CanvasObject

	switchTo sender.Environment // the environment the switch button chooses

	envChanged    func()
	customChanged func()
	send          func()
}

func newSendBar(browseCA func(*widget.Entry)) *sendBar {
	b := &sendBar{envChanged: func() {}, customChanged: func() {}, send: func() {}}
	b.env = newChoiceRow(envChoices, func(string) { b.showRows(); b.envChanged() })

	b.customHost = widget.NewEntry()
	b.customHost.SetPlaceHolder("host:port of `apns-console serve` or a company's APNs proxy")
	b.customHost.OnChanged = func(string) { b.customChanged() }
	b.customCA = widget.NewEntry()
	b.customCA.SetPlaceHolder("CA file (ca.pem from serve); empty: the system's roots")
	b.customCA.OnChanged = func(string) { b.customChanged() }
	browse := widget.NewButtonWithIcon("", theme.FolderOpenIcon(), func() { browseCA(b.customCA) })
	b.customRow = container.NewStack(widget.NewForm(
		widget.NewFormItem("Host", b.customHost),
		widget.NewFormItem("CA file", container.NewBorder(nil, nil, nil, browse, b.customCA))))
	b.customRow.Hide()

	// The simulator's answer to the next send, beside Send in Local.
	b.outcome = widget.NewSelect(outcomeChoices, nil)
	b.outcome.SetSelected(outcomeNormal)
	b.outcomeRow = container.NewGridWrap(fyne.NewSize(215, b.outcome.MinSize().Height), b.outcome)
	b.outcomeRow.Hide()

	b.mismatch = widget.NewLabel("")
	b.mismatch.Wrapping = fyne.TextWrapWord
	b.mismatch.Importance = widget.WarningImportance
	b.switchBtn = widget.NewButton("", func() {
		if b.switchTo != "" {
			b.setEnvironment(b.switchTo)
		}
	})
	b.mismatchRow = container.NewBorder(nil, nil, nil, container.NewCenter(b.switchBtn), b.mismatch)
	b.mismatchRow.Hide()

	// One line next to Send, always there, so nothing moves: why Send is
	// off, or else where the send goes. The field at fault shows the
	// whole explanation.
	b.problem = widget.NewLabel("")
	b.problem.Importance = widget.DangerImportance
	b.problem.Truncation = fyne.TextTruncateEllipsis
	b.problem.Hide()
	b.target = newHint("")
	b.target.Wrapping = fyne.TextWrapOff
	b.target.Truncation = fyne.TextTruncateEllipsis
	b.progress = widget.NewProgressBar()
	b.progress.Hide()
	b.sendBtn = widget.NewButtonWithIcon("Send", theme.MailSendIcon(), func() { b.send() })
	b.sendBtn.Importance = widget.HighImportance

	right := container.NewHBox(b.outcomeRow, b.sendBtn)
	status := container.NewStack(b.problem, container.NewVBox(layout.NewSpacer(), b.target, layout.NewSpacer()))
	bottom := container.NewBorder(nil, b.progress, nil, right, status)
	b.content = container.NewVBox(
		widget.NewSeparator(),
		container.New(targetsLayout{}, b.env.content),
		b.customRow,
		b.mismatchRow,
		bottom,
	)
	return b
}

// environment is the chosen environment; Custom talks to its host like
// the local simulator (every credential allowed).
func (b *sendBar) environment() sender.Environment {
	switch b.env.Selected {
	case envProduction:
		return sender.Production
	case envLocal, envCustom:
		return sender.Local
	}
	return sender.Sandbox
}

// local reports whether the in-process simulator is chosen.
func (b *sendBar) local() bool { return b.env.Selected == envLocal }

// custom reports whether the custom host is chosen.
func (b *sendBar) custom() bool { return b.env.Selected == envCustom }

func envChoice(e sender.Environment) string {
	switch e {
	case sender.Production:
		return envProduction
	case sender.Local:
		return envLocal
	}
	return envSandbox
}

func (b *sendBar) setEnvironment(e sender.Environment) { b.env.SetSelected(envChoice(e)) }

// envName is the environment as the user chose it, for the log.
func (b *sendBar) envName() string {
	switch b.env.Selected {
	case envLocal:
		return "local"
	case envCustom:
		return "custom"
	case envSimulator:
		return "simulator"
	case envProduction:
		return "production"
	}
	return "sandbox"
}

func (b *sendBar) showRows() {
	b.customRow.Hidden = !b.custom()
	b.outcomeRow.Hidden = !b.local()
	b.customRow.Refresh()
	b.outcomeRow.Refresh()
}

// customTarget reads the custom host and CA file.
func (b *sendBar) customTarget() (host string, roots *x509.CertPool, err error) {
	host = strings.TrimSpace(b.customHost.Text)
	if host == "" {
		return "", nil, fmt.Errorf("custom target: type the host:port of `apns-console serve` or of your APNs proxy")
	}
	if _, _, err := net.SplitHostPort(host); err != nil {
		return "", nil, fmt.Errorf("custom target %q is not host:port: type it like 192.168.1.20:2197", host)
	}
	ca := strings.TrimSpace(b.customCA.Text)
	if ca == "" {
		return host, nil, nil
	}
	pem, err := customCAFile.Read(ca) // userfiles.go
	if err != nil {
		return "", nil, fmt.Errorf("cannot read the CA file: %w", err)
	}
	roots = x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pem) {
		return "", nil, fmt.Errorf("%s holds no PEM certificate: choose the ca.pem that `apns-console serve` wrote", ca)
	}
	return host, roots, nil
}

// showMismatch says, next to Send, that the credential is not for the
// chosen environment, with a button that switches; "" hides it.
func (b *sendBar) showMismatch(text string, to sender.Environment) {
	b.switchTo = to
	if text == "" {
		b.mismatchRow.Hide()
		return
	}
	b.mismatch.SetText(text)
	b.switchBtn.SetText("Switch to " + envChoice(to))
	b.mismatchRow.Show()
}

// showProblem says in one line why Send is off, in place of the target
// line ("" when it is on: the target shows again).
func (b *sendBar) showProblem(text string) {
	b.problem.SetText(text)
	b.problem.Hidden = text == ""
	b.target.Hidden = text != ""
	b.problem.Refresh()
	b.target.Refresh()
}

// showProgress shows done of total sent; total 0 hides the bar.
func (b *sendBar) showProgress(done, total int) {
	if total <= 1 {
		b.progress.Hide()
		return
	}
	b.progress.Max = float64(total)
	b.progress.SetValue(float64(done))
	b.progress.Show()
}

// nextOutcome is the chosen outcome of the next send to the simulator,
// "" to answer normally.
func (b *sendBar) nextOutcome() string {
	if !b.local() || b.outcome.Selected == outcomeNormal {
		return ""
	}
	return strings.TrimPrefix(b.outcome.Selected, "Next: ")
}
