// Package credential loads and describes what APNs Console authenticates
// with: a push certificate and its key from a PKCS#12 (.p12) file or PEM
// files, or a token signing key (.p8) with its Key ID and Team ID. It reads
// Apple's certificate extensions (environments, topics, the bundle id),
// explains every refusal with its cause and fix, and signs provider tokens
// (JWT) for token authentication.
//
// It sits below package sender and never imports it: what the two share
// (which environments a certificate allows, say) is said here in the
// credential's own terms.
package credential
