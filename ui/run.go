package ui

import (
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"apnsconsole/assets"
)

// Run opens the console window and returns when it is closed, or when the
// process gets SIGINT or SIGTERM (the window then closes cleanly: the
// preferences are saved and the connection and simulator closed).
func Run(version string) {
	// A desktop window idles between bursts (a bulk send, a log refresh):
	// collecting sooner keeps its resident memory near what it uses
	// (measured by make memory), for a little CPU during bursts.
	debug.SetGCPercent(50)
	// Starting up (fonts, the simulator's keys and certificates) makes
	// garbage once; give its pages back when the window has settled.
	time.AfterFunc(2*time.Second, debug.FreeOSMemory)
	a := app.NewWithID(AppID)
	// One theme for the whole window, set once: fonts load once.
	a.Settings().SetTheme(newConsoleTheme())
	a.SetIcon(assets.Icon)
	c := New(a, version)
	w := c.Window()
	w.SetIcon(assets.Icon)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	go func() {
		<-stop
		fyne.Do(func() {
			c.Close()
			a.Quit()
		})
	}()
	w.ShowAndRun()
	c.Close()
}
