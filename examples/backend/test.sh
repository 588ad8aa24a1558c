#!/bin/sh
# A backend's test against the APNs simulator, in POSIX sh and curl: what
# a test suite in any language does. It sends a notification the way the
# backend would (HTTP/2, the demo certificate), asserts through the
# control API's wait what arrived (no sleep), unregisters the device token
# through the API as if the app had been removed, and checks that the next
# send is answered 410 Unregistered with a timestamp.
#
#   APNS        the simulator's APNs address   (default https://127.0.0.1:2197)
#   API         its control API                (default http://127.0.0.1:2198)
#   SIM_DIR     the directory serve --dir wrote (ca.pem, demo-cert.pem, demo-key.pem)
#   APNS_SIM_API_TOKEN  the API's token, when serve has one
#
# Exit 0 when every step passed; otherwise 1, naming the step.
set -eu

APNS=${APNS:-https://127.0.0.1:2197}
API=${API:-http://127.0.0.1:2198}
SIM_DIR=${SIM_DIR:-/sim}
DEVICE=${DEVICE:-5e7d8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e}
TOPIC=com.example.demo

body=$(mktemp)
trap 'rm -f "$body"' EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# push sends payload $1 to the device; prints the HTTP status, the
# answer's body is in $body.
push() {
	curl -sS --http2 --max-time 10 \
		--cacert "$SIM_DIR/ca.pem" --cert "$SIM_DIR/demo-cert.pem" --key "$SIM_DIR/demo-key.pem" \
		-H "apns-topic: $TOPIC" -H "apns-push-type: alert" -H "apns-priority: 10" \
		-o "$body" -w '%{http_code}' --data-binary "$1" "$APNS/3/device/$DEVICE"
}

# api calls the control API: api METHOD PATH [JSON]; prints the body, and
# the HTTP status on the last line.
api() {
	set -- "$1" "$2" "${3-}"
	if [ -n "$3" ]; then
		curl -sS --max-time 30 -X "$1" -H "Authorization: Bearer ${APNS_SIM_API_TOKEN:-}" \
			-H 'Content-Type: application/json' --data-binary "$3" -w '\n%{http_code}' "$API$2"
	else
		curl -sS --max-time 30 -X "$1" -H "Authorization: Bearer ${APNS_SIM_API_TOKEN:-}" -w '\n%{http_code}' "$API$2"
	fi
}

status_of() { printf '%s\n' "$1" | tail -n 1; }

# 0. This test's own slate: only its token's notifications and marking
#    (a parallel test using another token keeps its own).
out=$(api DELETE "/api/v1/notifications?query=token:$DEVICE")
[ "$(status_of "$out")" = 200 ] || fail "resetting this token's notifications: $out"
out=$(api DELETE "/api/v1/tokens/$DEVICE")
[ "$(status_of "$out")" = 200 ] || fail "forgetting this token's state: $out"

# 1. The backend sends.
code=$(push '{"aps":{"alert":{"title":"Order 4711 shipped","body":"It arrives on Thursday"}},"order":4711}')
[ "$code" = 200 ] || fail "send: $code $(cat "$body")"
echo "sent: 200"

# 2. Wait for it (returns as soon as it is answered; 408 after the timeout).
out=$(api GET "/api/v1/notifications/wait?query=token:$DEVICE%20topic:$TOPIC%20%22Order%204711%22&count=1&timeout=10s")
[ "$(status_of "$out")" = 200 ] || fail "wait: $out"
case $out in
*'"status":200'*'"order":4711'* | *'"order":4711'*'"status":200'*) ;;
*) fail "the notification that arrived is not the one sent: $out" ;;
esac
echo "arrived: the simulator has it"

# 3. The app is removed from the device: the token is unregistered.
out=$(api PUT "/api/v1/tokens/$DEVICE" '{"state":"unregistered"}')
[ "$(status_of "$out")" = 200 ] || fail "unregistering the token: $out"

# 4. The next send is 410 Unregistered, with the time APNs learnt it.
code=$(push '{"aps":{"alert":"Anyone there?"}}')
[ "$code" = 410 ] || fail "send to an unregistered token: $code $(cat "$body"), want 410"
grep -q '"reason":"Unregistered"' "$body" || fail "410 without reason Unregistered: $(cat "$body")"
grep -q '"timestamp":[0-9]' "$body" || fail "410 without a timestamp: $(cat "$body")"
echo "unregistered: 410 $(cat "$body")"

# 5. And the API saw it too.
out=$(api GET "/api/v1/notifications/wait?query=token:$DEVICE%20status:410&count=1&timeout=10s")
[ "$(status_of "$out")" = 200 ] || fail "wait for the 410: $out"

# Leave the token as it was found.
api DELETE "/api/v1/tokens/$DEVICE" >/dev/null
echo PASS
