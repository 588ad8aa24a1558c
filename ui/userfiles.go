package ui

import "apnsconsole/internal/userfile"

// The limits on the files the window reads besides credentials (whose
// 1 MiB limit is the credential package's): a folder, named pipe, socket
// or device is refused before it is opened (opening a FIFO would freeze
// the window), and no file is read past its limit.
var (
	// customCAFile is the Custom host's CA file.
	customCAFile = userfile.Limit{Max: 1 << 20, What: "a CA certificate file",
		Fix: "choose the ca.pem that `apns-console serve` wrote, or leave it empty to trust the system's roots"}
	// droppedPEMFile is a dropped .pem/.crt/.cer/.key, read to tell a
	// certificate from a key.
	droppedPEMFile = userfile.Limit{Max: 1 << 20, What: "a certificate or key file", Fix: "drop the .pem, .p12 or .p8 file"}
	// appIconFile is the picture the preview shows as the app's icon.
	appIconFile = userfile.Limit{Max: 16 << 20, What: "an app icon", Fix: "choose a PNG or JPEG image"}
)
