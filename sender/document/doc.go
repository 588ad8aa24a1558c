// Package document reads and writes the files a push is kept in:
//
//   - .apns files, the payload JSON plus a top-level "Simulator Target
//     Bundle" that `xcrun simctl push` and the iOS Simulator take
//     (APNS-REFERENCE §8): see APNsFile;
//   - console documents (.apnsconsole), JSON with everything needed to
//     repeat a send (target, headers, tokens, payload, and where the
//     credential's files are, never a password, key or JWT): see Document.
//
// Files are written atomically (a temporary file in the same folder,
// synced, then renamed over the old one), so a crash never leaves half a
// document, and a symbolic link at the path is replaced, never written
// through. Errors on reading are *Error values with the cause and the fix.
package document
