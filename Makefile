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
CLI     := apns-console-cli
PKGS    := ./...

# The version, in one place: the nearest tag (v0.2.0 → 0.2.0; commits after
# it → 0.2.0-3-gabcdef0, uncommitted changes → …-dirty), else 0.0.0-<commit>.
# Both binaries get it (and the commit's date, for the man page) through
# -ldflags -X; fyne package gets its x.y.z part. Release: tag, then make dist.
VERSION ?= $(shell v=$$(git describe --tags --match 'v[0-9]*' --dirty 2>/dev/null) && echo "$$v" | sed 's/^v//' || echo "0.0.0-$$(git describe --always --dirty 2>/dev/null || echo unknown)")
DATE    ?= $(shell git log -1 --format=%cs 2>/dev/null)
APP_VERSION := $(shell echo '$(VERSION)' | sed -E 's/^([0-9]+\.[0-9]+\.[0-9]+).*/\1/; t; s/.*/0.0.0/')
LDFLAGS := -X main.version=$(VERSION) -X main.date=$(DATE)
# The tools (staticcheck, govulncheck, fyne) are pinned in tools/go.mod.
TOOL    := $(GO) tool -modfile=tools/go.mod

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

.PHONY: run build build-cli test bench deps deps-test vet staticcheck vulncheck man dist dist-window clean

run: build
	./$(BINARY)

build: deps
	$(GO) build -ldflags '$(LDFLAGS)' -o $(BINARY) .

# build-cli: the command line without the window, static, for any machine
# (no cgo, no display); cross-compile with GOOS/GOARCH.
build-cli:
	CGO_ENABLED=0 $(GO) build -ldflags '$(LDFLAGS)' -o $(CLI)$(if $(filter windows,$(GOOS)),.exe) ./cmd/apns-console-cli

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
	@$(MAKE) --no-print-directory staticcheck

# staticcheck (pinned in tools/go.mod) must report nothing (.ci/staticcheck).
staticcheck:
	@.ci/staticcheck $(PKGS)

# vulncheck runs govulncheck over every package; ../shared/tools/vulncheck
# (where it exists; ../../shared from a worktree) gives it a local copy of
# the Go vulnerability database when the online one cannot be reached.
VULNCHECK_LOCAL ?= $(firstword $(wildcard ../shared/tools/vulncheck ../../shared/tools/vulncheck))
vulncheck:
	$(if $(VULNCHECK_LOCAL),$(VULNCHECK_LOCAL) $(PKGS),$(TOOL) govulncheck $(PKGS))

test: deps-test vet
	$(GO) test -count=1 -timeout 5m $(PKGS)

# bench runs the Go benchmarks, then two programs that print ratios
# measured in the same run (h2load is Debian's nghttp2-client, installed
# here; macOS: brew install nghttp2):
# - bench/bulk: 20,000 notifications (.p8, concurrency 100) from the CLI and
#   from h2load against a bare HTTP/2 responder (net/http's), peak RSS of 1,000,000
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
	rm -f $(BINARY) $(BINARY).exe $(CLI) $(CLI).exe
	rm -rf test-artifacts dist man

# man writes man/apns-console.1, made by `apns-console man` from the same
# flag definitions as --help (read it: man -l man/apns-console.1).
man:
	@mkdir -p man
	$(GO) run -ldflags '$(LDFLAGS)' ./cmd/apns-console-cli man > man/apns-console.1
	@echo "wrote man/apns-console.1 ($(VERSION))"

# dist builds a release into dist/ (VERSION from git describe):
# - the headless CLI for linux, darwin and windows on amd64 and arm64,
#   static (CGO_ENABLED=0), each archive with the man page, the shell
#   completions, README, LICENSE and CHANGELOG (tar.gz; zip for windows);
# - the window for this machine, packaged by fyne package with the binary
#   named apns-console: a tar.xz with .desktop file and icon on Linux, the
#   .app zipped on macOS, the .exe with its icon on Windows; the other
#   systems' windows are built on their own CI runners (release.yml), or
#   with fyne-cross (see README, Releases);
# - SHA256SUMS of every archive.
# fyne package runs in a staging folder, so that it cannot rewrite
# FyneApp.toml in the tree.
DIST_TARGETS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64 windows/arm64
DIST_WINDOW  ?= 1
HOST_OS      := $(shell $(GO) env GOOS)
HOST_ARCH    := $(shell $(GO) env GOARCH)

dist:
	rm -rf dist && mkdir -p dist/.stage/extra/completions
	CGO_ENABLED=0 $(GO) run -ldflags '$(LDFLAGS)' ./cmd/apns-console-cli man > dist/.stage/extra/apns-console.1
	CGO_ENABLED=0 $(GO) run ./cmd/apns-console-cli completion bash > dist/.stage/extra/completions/apns-console.bash
	CGO_ENABLED=0 $(GO) run ./cmd/apns-console-cli completion zsh > dist/.stage/extra/completions/_apns-console
	CGO_ENABLED=0 $(GO) run ./cmd/apns-console-cli completion fish > dist/.stage/extra/completions/apns-console.fish
	cp README.md LICENSE CHANGELOG.md dist/.stage/extra/
	@set -e; for t in $(DIST_TARGETS); do \
	  os=$${t%/*}; arch=$${t#*/}; ext=; [ $$os = windows ] && ext=.exe; \
	  name=$(CLI)_$(VERSION)_$${os}_$${arch}; \
	  echo "== $$name"; \
	  mkdir -p dist/.stage/$$name; cp -R dist/.stage/extra/. dist/.stage/$$name/; \
	  CGO_ENABLED=0 GOOS=$$os GOARCH=$$arch $(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o dist/.stage/$$name/$(CLI)$$ext ./cmd/apns-console-cli; \
	  if [ $$os = windows ]; then (cd dist/.stage && zip -qr ../$$name.zip $$name); \
	  else tar -C dist/.stage -czf dist/$$name.tar.gz $$name; fi; \
	done
	@if [ "$(DIST_WINDOW)" = 1 ]; then $(MAKE) --no-print-directory dist-window VERSION=$(VERSION) DATE=$(DATE); fi
	cd dist && sha256sum *.tar.gz *.tar.xz *.zip 2>/dev/null > SHA256SUMS
	rm -rf dist/.stage
	@echo; ls -l dist

# dist-window packages the window for this machine (needs cgo and, on
# Linux, the X11 and OpenGL headers: make deps).
dist-window: deps
	rm -rf dist/.fyne && mkdir -p dist/.fyne/assets
	$(GO) build -trimpath -ldflags '-s -w $(LDFLAGS)' -o dist/.fyne/$(BINARY)$(if $(filter windows,$(HOST_OS)),.exe) .
	$(GO) build -modfile=tools/go.mod -o dist/.fyne/fyne$(if $(filter windows,$(HOST_OS)),.exe) fyne.io/tools/cmd/fyne
	cp FyneApp.toml go.mod main.go dist/.fyne/ && cp assets/icon.png dist/.fyne/assets/
	cd dist/.fyne && ./fyne package --os $(HOST_OS) --release --exe $(BINARY)$(if $(filter windows,$(HOST_OS)),.exe) \
	  --name "APNs Console" --app-id dev.apnsconsole.app --icon assets/icon.png \
	  --app-version $(APP_VERSION) --app-build $$(git rev-list --count HEAD 2>/dev/null || echo 1)
	@set -e; name=$(BINARY)_$(VERSION)_$(HOST_OS)_$(HOST_ARCH); cd dist/.fyne; \
	if [ -f "APNs Console.tar.xz" ]; then mv "APNs Console.tar.xz" ../$$name.tar.xz; \
	elif [ -d "APNs Console.app" ]; then ditto -c -k --keepParent "APNs Console.app" ../$$name.app.zip 2>/dev/null || zip -qr ../$$name.app.zip "APNs Console.app"; \
	elif [ -f "APNs Console.exe" ]; then mkdir $$name && mv "APNs Console.exe" $$name/$(BINARY).exe && cp ../../README.md ../../LICENSE $$name/ && zip -qr ../$$name.zip $$name; \
	else echo "fyne package made nothing known:"; ls; exit 1; fi
	rm -rf dist/.fyne

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
