package ui

import (
	"image/color"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"apnsconsole/sender"
	"apnsconsole/sender/preview"
)

// Preview looks.
const (
	lookLock   = "Lock screen"
	lookBanner = "Banner"
)

// The preview's drawing: an iPhone-wide frame, the notification card in
// it, text sizes as iOS draws them at the default text size.
const (
	pvWidth     = 360 // the frame
	pvCardX     = 10  // the card's margin in the frame
	pvPad       = 12  // inside the card
	pvIcon      = 38  // the app icon
	pvText      = 15  // title and body
	pvSmall     = 13  // app name, time, sound
	pvLine      = 20  // a line of text
	pvBodyLines = 4
)

// previewView draws the notification as iOS would show it, from the
// payload the form builds: on the lock screen or as a banner, light or
// dark, with the app's icon (an image the user picks, or a neutral one)
// and name. The Console calls show after every change.
type previewView struct {
	look    *widget.RadioGroup
	dark    *widget.Check
	appName *widget.Entry
	iconBtn *widget.Button
	frame   *fyne.Container // the drawing, rebuilt by show
	status  *widget.Label
	notes   *widget.Label
	content fyne.CanvasObject

	icon     fyne.Resource // the app's icon; nil: neutral
	bundle   string        // the app's bundle id, for its default name
	payload  []byte
	pushType sender.PushType
	err      error
}

func newPreviewView(pickIcon func()) *previewView {
	v := &previewView{}
	redraw := func() { v.draw() }
	v.look = widget.NewRadioGroup([]string{lookLock, lookBanner}, func(string) { redraw() })
	v.look.Horizontal = true
	v.look.Required = true
	v.dark = widget.NewCheck("Dark", func(bool) { redraw() })
	v.appName = widget.NewEntry()
	v.appName.SetPlaceHolder("app name")
	v.appName.OnChanged = func(string) { redraw() }
	v.iconBtn = widget.NewButtonWithIcon("Icon…", theme.FileImageIcon(), pickIcon)
	v.frame = container.NewWithoutLayout()
	v.status = widget.NewLabel("")
	v.status.Wrapping = fyne.TextWrapWord
	v.notes = widget.NewLabel("")
	v.notes.Wrapping = fyne.TextWrapWord
	v.notes.Importance = widget.WarningImportance
	v.notes.Hide()
	controls := container.NewBorder(nil, nil, container.NewHBox(v.look, v.dark), v.iconBtn, v.appName)
	v.content = container.NewVBox(controls, container.NewCenter(v.frame), v.status, v.notes)
	v.look.SetSelected(lookLock)
	return v
}

// show previews payload (nil with err: what is wrong with it) for the
// push type and the app's bundle id.
func (v *previewView) show(payload []byte, err error, pushType sender.PushType, bundle string) {
	v.payload, v.err, v.pushType, v.bundle = payload, err, pushType, bundle
	v.draw()
}

// name is the app's name: as typed, else from its bundle id.
func (v *previewView) name() string {
	if n := strings.TrimSpace(v.appName.Text); n != "" {
		return n
	}
	b := v.bundle
	if i := strings.LastIndexByte(b, '.'); i >= 0 {
		b = b[i+1:]
	}
	if b == "" {
		return "App"
	}
	return strings.ToUpper(b[:1]) + b[1:]
}

// palette is the preview's colours: fixed, not the window's theme, so it
// looks like iOS in either look.
type palette struct {
	wall1, wall2, card, text, secondary, icon color.Color
}

func (v *previewView) palette() palette {
	if v.dark.Checked {
		return palette{
			wall1: color.NRGBA{0x1c, 0x1f, 0x3a, 0xff}, wall2: color.NRGBA{0x3a, 0x1c, 0x3f, 0xff},
			card: color.NRGBA{0x2c, 0x2c, 0x2e, 0xf0}, text: color.White,
			secondary: color.NRGBA{0xeb, 0xeb, 0xf5, 0x99}, icon: color.NRGBA{0x63, 0x63, 0x66, 0xff},
		}
	}
	return palette{
		wall1: color.NRGBA{0x7f, 0xa7, 0xe8, 0xff}, wall2: color.NRGBA{0xc9, 0x9a, 0xd6, 0xff},
		card: color.NRGBA{0xf7, 0xf7, 0xf7, 0xeb}, text: color.Black,
		secondary: color.NRGBA{0x3c, 0x3c, 0x43, 0x99}, icon: color.NRGBA{0xc7, 0xc7, 0xcc, 0xff},
	}
}

// textWidth is the width the card gives its text.
const textWidth = pvWidth - 2*pvCardX - 2*pvPad - pvIcon - 10

func measure(size float32) func(string, bool) float32 {
	return func(s string, bold bool) float32 {
		return fyne.MeasureText(s, size, fyne.TextStyle{Bold: bold}).Width
	}
}

// draw rebuilds the drawing and the caption.
func (v *previewView) draw() {
	pal := v.palette()
	var objs []fyne.CanvasObject
	add := func(o fyne.CanvasObject, x, y, w, h float32) {
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, h))
		objs = append(objs, o)
	}
	text := func(s string, c color.Color, size float32, bold bool) *canvas.Text {
		t := canvas.NewText(s, c)
		t.TextSize = size
		t.TextStyle.Bold = bold
		return t
	}

	var n *preview.Notification
	err := v.err
	if err == nil {
		n, err = preview.Build(v.payload, v.pushType, preview.Layout{Width: textWidth, Measure: measure(pvText), BodyLines: pvBodyLines})
	}
	lock := v.look.Selected != lookBanner

	// The backdrop: the wallpaper with the clock on the lock screen; the
	// top of the home screen behind a banner.
	top := float32(10)
	height := float32(150)
	if lock {
		height = 250
	}
	bg := canvas.NewLinearGradient(pal.wall1, pal.wall2, 0)
	add(bg, 0, 0, pvWidth, height)
	if lock {
		white := color.NRGBA{0xff, 0xff, 0xff, 0xee}
		add(text("Monday 9 June", white, pvSmall+2, true), 0, 16, pvWidth, 20)
		objs[len(objs)-1].(*canvas.Text).Alignment = fyne.TextAlignCenter
		clock := text("9:41", white, 64, true)
		clock.Alignment = fyne.TextAlignCenter
		add(clock, 0, 36, pvWidth, 76)
		top = 124
	}

	switch {
	case err != nil:
		msg := text("no preview: the payload is not valid", pal.text, pvSmall, false)
		msg.Alignment = fyne.TextAlignCenter
		add(msg, 0, top+10, pvWidth, pvLine)
	case !n.Shown:
		card := canvas.NewRectangle(pal.card)
		card.CornerRadius = 18
		add(card, pvCardX, top, pvWidth-2*pvCardX, 44)
		what := "nothing is shown"
		if n.Silent {
			what = "silent: nothing is shown"
		} else if n.LiveActivity {
			what = "Live Activity updates, no alert"
		} else if !strings.HasPrefix(n.Status, "nothing") && !strings.HasPrefix(n.Status, "not a notification") {
			what = n.Status
		}
		msg := text(what, pal.secondary, pvSmall+1, true)
		msg.Alignment = fyne.TextAlignCenter
		add(msg, pvCardX, top+12, pvWidth-2*pvCardX, pvLine)
	default:
		v.drawCard(n, pal, lock, top, add, text)
	}
	v.frame.Objects = objs
	v.frame.Refresh()
	size := fyne.NewSize(pvWidth, height)
	if h := v.cardBottom(objs) + 12; h > size.Height {
		size.Height = h
		bg.Resize(fyne.NewSize(pvWidth, h))
	}
	fixSize(v.frame, size)

	switch {
	case err != nil:
		v.status.SetText(sentence(err.Error()))
	default:
		v.status.SetText(sentence(n.Status))
	}
	notes := []string{}
	if n != nil {
		notes = n.Notes
		if n.Truncated {
			notes = append(notes, "cut as iOS cuts it: the full text shows when the notification is expanded")
		}
	}
	v.notes.SetText(strings.Join(notes, "\n"))
	v.notes.Hidden = len(notes) == 0
	if box, ok := v.content.(*fyne.Container); ok {
		box.Refresh() // the drawing's size changed: lay the section out again
	}
}

// drawCard draws a shown notification: icon (with its badge), title or
// app name, time, subtitle, body lines and the sound.
func (v *previewView) drawCard(n *preview.Notification, pal palette, lock bool, top float32,
	add func(fyne.CanvasObject, float32, float32, float32, float32), text func(string, color.Color, float32, bool) *canvas.Text) {
	x := float32(pvCardX + pvPad + pvIcon + 10)
	var lines []*canvas.Text
	if n.LiveActivity {
		lines = append(lines, text("LIVE ACTIVITY · "+strings.ToUpper(v.name()), pal.secondary, pvSmall-1, true))
	} else if !lock {
		lines = append(lines, text(strings.ToUpper(v.name()), pal.secondary, pvSmall-1, false))
	}
	header := n.Title
	if header == "" && (lock || n.LiveActivity) {
		header = v.name()
	}
	if header != "" {
		lines = append(lines, text(header, pal.text, pvText, true))
	}
	if n.Subtitle != "" {
		lines = append(lines, text(n.Subtitle, pal.text, pvText, true))
	}
	for _, l := range n.BodyLines {
		lines = append(lines, text(l, pal.text, pvText, false))
	}
	if n.Sound != preview.SoundNone {
		lines = append(lines, text("♪ "+n.SoundName, pal.secondary, pvSmall, false))
	}
	h := float32(len(lines))*pvLine + 2*pvPad
	if h < pvIcon+2*pvPad {
		h = pvIcon + 2*pvPad
	}
	card := canvas.NewRectangle(pal.card)
	card.CornerRadius = 18
	add(card, pvCardX, top, pvWidth-2*pvCardX, h)

	// The icon: the app's image, or a neutral tile; the badge on its
	// corner.
	ix, iy := float32(pvCardX+pvPad), top+pvPad
	if v.icon != nil {
		img := canvas.NewImageFromResource(v.icon)
		img.FillMode = canvas.ImageFillContain
		img.CornerRadius = 9
		add(img, ix, iy, pvIcon, pvIcon)
	} else {
		tile := canvas.NewRectangle(pal.icon)
		tile.CornerRadius = 9
		add(tile, ix, iy, pvIcon, pvIcon)
		initial := text(strings.ToUpper(string([]rune(v.name())[:1])), color.White, 20, true)
		initial.Alignment = fyne.TextAlignCenter
		add(initial, ix, iy, pvIcon, pvIcon)
	}
	if n.Badge != nil && *n.Badge > 0 {
		badge := canvas.NewCircle(color.NRGBA{0xff, 0x3b, 0x30, 0xff})
		add(badge, ix+pvIcon-12, iy-6, 20, 20)
		num := text(strconv.Itoa(*n.Badge), color.White, 11, true)
		num.Alignment = fyne.TextAlignCenter
		add(num, ix+pvIcon-12, iy-6, 20, 20)
	}

	// The time on the first line, at the right.
	now := text("now", pal.secondary, pvSmall, false)
	now.Alignment = fyne.TextAlignTrailing
	add(now, x, top+pvPad, pvWidth-pvCardX-pvPad-x, pvLine)
	y := top + pvPad
	for _, l := range lines {
		add(l, x, y, textWidth, pvLine)
		y += pvLine
	}
}

// cardBottom is where the lowest object ends.
func (v *previewView) cardBottom(objs []fyne.CanvasObject) float32 {
	var b float32
	for _, o := range objs[1:] {
		if e := o.Position().Y + o.Size().Height; e > b {
			b = e
		}
	}
	return b
}

// fixSize makes a container without layout ask for size.
func fixSize(c *fyne.Container, size fyne.Size) {
	c.Layout = fixedLayout{size}
	c.Refresh()
}

// fixedLayout keeps its objects where they were put and asks for size.
type fixedLayout struct{ size fyne.Size }

func (l fixedLayout) Layout([]fyne.CanvasObject, fyne.Size) {}
func (l fixedLayout) MinSize([]fyne.CanvasObject) fyne.Size { return l.size }

// rightPane is beside the form: the log, and the preview in a tab of its
// own (a send shows the log again).
func (c *Console) rightPane() fyne.CanvasObject {
	c.preview = newPreviewView(c.pickAppIcon)
	c.rightTabs = container.NewAppTabs(
		container.NewTabItemWithIcon("Log", theme.ListIcon(), c.log.Content()),
		container.NewTabItemWithIcon("Preview", theme.VisibilityIcon(), container.NewScroll(container.NewPadded(c.preview.content))))
	return c.rightTabs
}

// showLog brings the log to the front (a send started).
func (c *Console) showLog() {
	if c.rightTabs != nil {
		c.rightTabs.SelectIndex(0)
	}
}

// updatePreview shows the form's payload in the preview.
func (c *Console) updatePreview() {
	if c.preview == nil || c.note == nil || c.adv == nil {
		return
	}
	p, err := c.payload()
	if p == nil && err == nil {
		p = []byte(`{}`)
	}
	if p != nil {
		err = nil // too large still shows: the size is the Payload section's business
	}
	bundle := bundleOf(strings.TrimSpace(c.note.topic.Text))
	if bundle == "" && c.cred != nil && c.bar != nil {
		bundle = bundleOf(c.defaultTopic(c.cred.active()))
	}
	c.preview.show(p, err, c.note.selectedPushType(), bundle)
}

// pickAppIcon lets the user choose the app's icon for the preview (kept
// for this session only).
func (c *Console) pickAppIcon() {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil || r == nil {
			return
		}
		defer r.Close()
		data, err := appIconFile.Read(r.URI().Path()) // userfiles.go: within a limit
		res := fyne.NewStaticResource(r.URI().Name(), data)
		if err != nil {
			dialog.ShowInformation("App icon", "Cannot read "+r.URI().Name()+": "+err.Error()+"\n\nChoose a PNG or JPEG image.", c.win)
			return
		}
		c.preview.icon = res
		c.preview.draw()
	}, c.win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg"}))
	d.Resize(fyne.NewSize(760, 520))
	d.Show()
}
