module apnsconsole/bench/apns2compat

go 1.26.0

replace apnsconsole => ../..

require (
	apnsconsole v0.0.0-00010101000000-000000000000
	github.com/sideshow/apns2 v0.25.0
	golang.org/x/net v0.63.0
)

require (
	al.essio.dev/pkg/shellescape v1.6.1 // indirect
	github.com/golang-jwt/jwt/v4 v4.4.1 // indirect
	github.com/golang-jwt/jwt/v5 v5.3.1 // indirect
	github.com/google/uuid v1.6.0 // indirect
	github.com/youmark/pkcs8 v0.0.0-20240726163527-a2c0da244d78 // indirect
	golang.org/x/crypto v0.59.0 // indirect
	golang.org/x/text v0.44.0 // indirect
	software.sslmate.com/src/go-pkcs12 v0.7.4 // indirect
)
