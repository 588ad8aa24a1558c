# APNs Console: `make run` opens the window, `make test` runs every test.
# Both install what they need first (Debian/Ubuntu: apt packages for cgo,
# X11 and OpenGL, plus Xvfb for the window tests; macOS: Xcode's
# command-line tools are enough).

GO      ?= go
# The standard library's security fixes: build with Go 1.27.3, which the go
# command fetches from the module proxy (a machine's own older Go, set to
# GOTOOLCHAIN=local, would otherwise be used as it is).
export GOTOOLCHAIN := go1.27.3
BINARY  := apns-console
PKGS    := ./...

# Debian packages: what cgo needs to build the window (gcc only recommends
# libc6-dev, the C library headers, so it is named), and what the window
# tests need to run it headless, and curl (with HTTP/2) for the Copy as cURL
# tests.
DEB_BUILD := gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev
DEB_TEST  := xvfb xauth xdotool imagemagick xclip curl

# install_deb installs the listed Debian packages that are missing (as root,
# or through sudo); elsewhere it checks for a C compiler.
define install_deb
	@if [ "$$(uname)" = Linux ] && command -v apt-get >/dev/null 2>&1; then \
	  missing=""; \
	  for p in $(1); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	  if [ -n "$$missing" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    SUDO=""; \
	    if [ "$$(id -u)" != 0 ]; then \
	      command -v sudo >/dev/null 2>&1 || { echo "Missing packages:$$missing. Install them as root: apt-get install$$missing"; exit 1; }; \
	      SUDO=sudo; \
	    fi; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  fi; \
	elif [ "$$(uname)" = Darwin ]; then \
	  xcode-select -p >/dev/null 2>&1 || { echo "Install Xcode's command-line tools first: xcode-select --install"; exit 1; }; \
	fi
endef

.PHONY: run build test bench deps deps-test vet clean

run: build
	./$(BINARY)

build: deps
	$(GO) build -o $(BINARY) .

deps:
	$(call install_deb,$(DEB_BUILD))

# The web inbox's browser test (simulator/inbox) drives headless Chromium;
# where it cannot be installed (not Debian's package names, no root) the
# test says so and skips, so this one may fail without stopping make.
DEB_BROWSER := chromium-headless-shell

deps-test: deps
	$(call install_deb,$(DEB_TEST))
	-$(call install_deb,$(DEB_BROWSER))

vet: deps
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt would change:"; gofmt -l .; exit 1; }
	$(GO) vet $(PKGS)

test: deps-test vet
	$(GO) test -count=1 -timeout 5m $(PKGS)

# bench runs the Go benchmarks, then two programs that print ratios
# measured in the same run (h2load is Debian's nghttp2-client, installed
# here; macOS: brew install nghttp2):
# - bench/bulk: 20,000 notifications (.p8, concurrency 100) from the CLI and
#   from h2load against a bare x/net/http2 responder, peak RSS of 1,000,000
#   tokens against 10,000, and the binary protocol against Python's
#   struct.pack (python3 is checked, not installed: it is often there
#   outside dpkg);
# - bench/serve: h2load against `serve` and against a bare x/net/http2
#   responder, the median ratio of several rounds (target >= 0.7x),
#   serve's RSS after 100k and 300k requests, serve --json with stdout
#   never read against /dev/null, and a send past 1,000 idle connections;
# - bench/apns2compat (a module of its own): sideshow/apns2 against the
#   simulator's GOAWAYs, no duplicate and no hang;
# - bench/api: serve with the control API and two event streams against
#   serve without (target >= 0.9x), the token: and free-text query times
#   with 100,000 kept (budgets 20 ms, 200 ms), wait's delay after the
#   answer (10 ms), and memory bounded by --keep.
DEB_BENCH := nghttp2-client

bench: deps
	$(call install_deb,$(DEB_BENCH))
	@command -v python3 >/dev/null 2>&1 || { echo "make bench compares with a Python script: install python3"; exit 1; }
	$(GO) test -run '^$$' -bench . -benchmem $(PKGS)
	$(GO) run ./bench/bulk
	$(GO) run ./bench/serve
	$(GO) run ./bench/api
	cd bench/apns2compat && $(GO) test -count=1 .

# fuzz runs every fuzz target (every func FuzzXxx under FUZZPKGS, found
# with go test -list) for FUZZTIME each, one after another (go test fuzzes one
# target per run), and goes on after a target that fails: at the end a
# table says which passed and which failed, and the exit status is 1 if
# any failed. New inputs that fail are written to the package's
# testdata/fuzz/FuzzXxx/; commit them with the fix. The seeds (f.Add and
# testdata/fuzz) run as ordinary tests under `make test`. On a shared
# machine: make fuzz FUZZTIME=10s FUZZFLAGS='-parallel 1'.
FUZZTIME  ?= 30s
FUZZFLAGS ?=
FUZZPKGS  ?= ./...

.PHONY: fuzz
fuzz: deps
	@list=$$(mktemp); report=$$(mktemp); failed=0; \
	$(GO) test -list '^Fuzz' $(FUZZPKGS) >$$list 2>&1; \
	targets=$$(awk '/^Fuzz/ {t[n++] = $$1; next} /^ok / {for (i = 0; i < n; i++) print $$2 "," t[i]; n = 0}' $$list); \
	for pkg in $$(awk '/^FAIL[ \t]/ {print $$2}' $$list); do \
	  printf '%-6s %-32s %s\n' FAIL "(does not build)" "$$pkg" >>$$report; failed=$$((failed+1)); \
	done; rm -f $$list; \
	for pt in $$targets; do \
	  pkg=$${pt%%,*}; t=$${pt#*,}; \
	  echo "== $$pkg $$t for $(FUZZTIME)"; \
	  if $(GO) test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) $(FUZZFLAGS) $$pkg; then \
	    printf '%-6s %-32s %s\n' ok "$$t" "$$pkg" >>$$report; \
	  else \
	    printf '%-6s %-32s %s\n' FAIL "$$t" "$$pkg" >>$$report; failed=$$((failed+1)); \
	  fi; \
	done; \
	echo; echo "Fuzz targets ($(FUZZTIME) each):"; cat $$report; \
	total=$$(wc -l <$$report); rm -f $$report; \
	echo "$$failed of $$total failed"; test $$total -gt 0 && test $$failed -eq 0

clean:
	rm -f $(BINARY)
	rm -rf test-artifacts

# screenshot writes docs/screenshot.png: the real window under Xvfb after a
# demo send to the local simulator (taken by the window smoke test).
.PHONY: screenshot
screenshot: deps-test
	@mkdir -p docs
	APNS_SCREENSHOT=docs/screenshot.png $(GO) test -count=1 -run '^TestWindowSmoke$$' -v .

# memory prints the window's resident memory as ratios against a bare Fyne
# window (a form and a 5,000-row list, ui/testdata/baseline) started the
# same way under Xvfb: at launch, and after 300 sends to the local
# simulator at 20 per second; then the launch time and memory with the
# largest history the window keeps (1,000 sends, ~5 MB) against none
# (targets: launch <= 1 s, RSS <= 1.1x). About two minutes.
.PHONY: memory
memory: deps-test
	APNS_MEMORY=1 $(GO) test -count=1 -timeout 300s -run '^TestWindow(Memory|HistoryLaunch)$$' -v . | grep -E 'ratio|^(ok|FAIL|---)'

# docker-test builds the simulator's image (Dockerfile) and runs the
# docker-compose example (examples/docker-compose.yml): its backend
# container must pass, and the image must stay under 25 MB. Needs Docker;
# make test runs the same backend script against the binary instead.
.PHONY: docker-test
docker-test:
	APNS_DOCKER_TEST=1 $(GO) test -count=1 -timeout 20m -run '^TestDockerCompose$$' -v ./cmd/apns-console-cli

# inbox-screenshot writes docs/inbox-light.png and docs/inbox-dark.png: the
# web inbox in headless Chromium after the browser test's sends.
.PHONY: inbox-screenshot
inbox-screenshot: deps-test
	APNS_INBOX_SCREENSHOT=$(CURDIR)/docs/inbox $(GO) test -count=1 -run '^TestInboxInABrowser$$' -v ./simulator/inbox
