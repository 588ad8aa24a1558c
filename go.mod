module apnsconsole

go 1.26.0

require (
	fyne.io/fyne/v2 v2.7.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	golang.org/x/crypto v0.58.0 // indirect
	golang.org/x/net v0.62.0 // indirect
	software.sslmate.com/src/go-pkcs12 v0.7.4 // indirect
)
