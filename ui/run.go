package ui

import (
	"os"
	"os/signal"
	"syscall"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"apnsconsole/assets"
)

// Run opens the console window and returns when it is closed, or when the
// process gets SIGINT or SIGTERM (the window then closes cleanly: the
// preferences are saved and the connection and simulator closed).
func Run(version string) {
	a := app.NewWithID(AppID)
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
