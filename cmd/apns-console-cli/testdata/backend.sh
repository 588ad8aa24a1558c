#!/bin/sh
# A backend's test written without Go: it sends a notification to the
# simulator over HTTP/2 with curl, asserts through the control API's wait
# that it arrived, unregisters the token through the API and checks that
# the next send is answered 410 Unregistered with the timestamp given.
#
#   backend.sh APNS_URL API_URL CERT_DIR
#
# APNS_URL is serve's address (https://127.0.0.1:2197), API_URL its --api
# (http://127.0.0.1:2198), CERT_DIR its --dir (ca.pem, demo-cert.pem,
# demo-key.pem). With API_TOKEN set, API calls carry it. Exits 0 when every
# check holds, 1 with the reason otherwise.
set -eu
apns=$1 api=$2 dir=$3
topic=com.example.demo
token=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')

fail() { echo "backend: FAIL: $*" >&2; exit 1; }
# api METHOD PATH [JSON]: the answer's body, then its status on a line of its own.
api() {
	if [ $# -ge 3 ]; then
		set -- "$1" "$2" -H 'Content-Type: application/json' --data "$3"
	fi
	m=$1 p=$2
	shift 2
	curl -sS --max-time 20 ${API_TOKEN:+-H "Authorization: Bearer $API_TOKEN"} -X "$m" "$@" -w '\n%{http_code}' "$api$p"
}
# push PAYLOAD: the APNs answer's body, then the status and the HTTP version.
push() {
	curl -sS --max-time 10 --http2 --cacert "$dir/ca.pem" --cert "$dir/demo-cert.pem" --key "$dir/demo-key.pem" \
		-H "apns-topic: $topic" -H 'apns-push-type: alert' --data "$1" -w '\n%{http_code} %{http_version}' \
		"$apns/3/device/$token"
}
status() { tail -n 1; }

out=$(push '{"aps":{"alert":"Hello from curl"}}')
[ "$(echo "$out" | status)" = "200 2" ] || fail "send: want 200 over HTTP/2, got: $out"

out=$(api GET "/api/v1/notifications/wait?query=token:$token&count=1&timeout=10s")
[ "$(echo "$out" | status)" = 200 ] || fail "wait: $out"
case $out in *'"total":1,'*'"payload":{"aps":{"alert":"Hello from curl"}}'*) ;; *) fail "wait did not return the notification: $out" ;; esac

out=$(api GET "/api/v1/notifications/wait?query=token:$token&count=2&timeout=200ms")
[ "$(echo "$out" | status)" = 408 ] || fail "a wait for two: want 408, got: $out"
case $out in *'"matched":1'*) ;; *) fail "the 408 does not say one matched: $out" ;; esac

out=$(api PUT "/api/v1/tokens/$token" '{"state":"unregistered","since":"2026-12-01T10:00:00Z"}')
[ "$(echo "$out" | status)" = 200 ] || fail "unregister: $out"

out=$(push '{"aps":{"alert":"Are you there?"}}')
[ "$(echo "$out" | status)" = "410 2" ] || fail "send after unregistering: want 410, got: $out"
case $out in *'"reason":"Unregistered","timestamp":1796119200000'*) ;; *) fail "the 410 lacks the reason or the timestamp: $out" ;; esac

out=$(api GET "/api/v1/notifications/wait?query=token:$token+status:410&count=1&timeout=10s")
[ "$(echo "$out" | status)" = 200 ] || fail "wait for the 410: $out"

out=$(api DELETE "/api/v1/notifications?query=token:$token")
case $out in *'"deleted":2'*) ;; *) fail "delete: $out" ;; esac
echo "backend: ok"
