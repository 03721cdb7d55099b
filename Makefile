# Two-factor key generation ceremony toolkit: build, test, run.
#
#   make ceremony   install what is missing, build, run a mock ceremony and its audit
#   make test       install what is missing, build, run every test
#   make deps       install the Debian packages (apt-get; sudo when not root)
#   make build      debug build        make release   release build
#   make fuzz       libFuzzer over every parser that reads outside data (FUZZ_SECONDS per target)
#   make diagrams   redraw Docs/images/*.svg from their Graphviz sources in Docs/images/src/
#   make lint       swift-format lint (config: .swift-format, 120 columns); make format rewrites in place
#   make verify-page  rebuild the card holder's page (Web/src -> Sources/Printing/VerifyPageHTML.swift)
#   make test-web   the page in headless chromium (part of make test); make bench-web times it against bip38

SWIFT      ?= swift
APT_PKGS   := pkg-config libsecp256k1-dev libsodium-dev libssl-dev libqrencode-dev libicu-dev libtsk-dev libhyperscan-dev \
              libarchive-dev zlib1g-dev libsqlite3-dev libp11-kit-dev librsvg2-dev libcairo2-dev fonts-dejavu-core \
              bubblewrap dosfstools mtools
# What `make ceremony` runs each party in (bubblewrap) and carries the bundles on (a FAT32
# image: dosfstools' mkfs.vfat, mtools); Ceremony/MEDIUM.md. Installed when missing.
CEREMONY_PKGS := bubblewrap dosfstools mtools
# Tools the tests use to render and scan printed cards (PDF pages too: poppler-utils), to
# build ext4 disk images, to write the deep-search faults (zstd, xxd, hexdump; python3
# writes the other containers), to check the diagrams in Docs/images against their sources
# (graphviz), and SoftHSM2 for the site keys in a PKCS#11 token (also make ceremony HSM=softhsm).
TEST_PKGS  := librsvg2-bin poppler-utils zbar-tools python3-venv e2fsprogs zstd xxd bsdextrautils graphviz softhsm2 \
              $(CEREMONY_PKGS)
TEST_PKGS  += chromium chromium-driver python3-selenium
# The card holder's page (Web/) bundles these Debian JavaScript packages (make verify-page,
# and the test that the committed build is fresh).
WEB_PKGS   := node-elliptic node-qrcode-generator
# The Python venv the DSSE interop test verifies our envelopes with (securesystemslib,
# Ed25519 through pyca/cryptography). Pinned; rebuilt when the pins change.
PYVENV     := .build/pyvenv
PY_PKGS    := securesystemslib[crypto]==1.6.0 cryptography==50.0.2 cffi==2.1.1 pycparser==3.12
PC_MODULES := libsecp256k1 libsodium libcrypto libqrencode icu-uc tsk libhs libarchive zlib sqlite3 p11-kit-1 librsvg-2.0 cairo-pdf
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian has no Swift package: Swift 6.2 or later must be on PATH (README.md). Checked
# once, when a goal that runs it is asked for, so that a missing or old toolchain ends
# make with one line instead of "make: swift: No such file or directory".
SWIFT_GOALS := all build release test ceremony bench fuzz lint format test-web bench-web
ifneq ($(filter $(SWIFT_GOALS),$(or $(MAKECMDGOALS),all)),)
SWIFT_FOUND := $(shell v=$$($(SWIFT) --version 2>/dev/null | sed -n 's/.*Swift version \([0-9][0-9]*\.[0-9][0-9]*\).*/\1/p' | head -n 1); \
  if [ -z "$$v" ]; then echo none; \
  elif [ "$${v%%.*}" -gt 6 ] || { [ "$${v%%.*}" -eq 6 ] && [ "$${v#*.}" -ge 2 ]; }; then echo ok; \
  else echo "$$v"; fi)
ifeq ($(SWIFT_FOUND),none)
$(error Swift 6.2 or later is needed on PATH (swift.org or swiftly); see README.md ('$(SWIFT)' not found))
else ifneq ($(SWIFT_FOUND),ok)
$(error Swift 6.2 or later is needed on PATH (swift.org or swiftly); see README.md ('$(SWIFT)' is Swift $(SWIFT_FOUND)))
endif
endif

.PHONY: all deps test-deps ceremony-deps build release test ceremony clean bench fuzz lint format diagrams \
        web-deps verify-page test-web bench-web

all: build

# Installs the C libraries when pkg-config cannot find them.
deps:
	@if command -v pkg-config >/dev/null 2>&1 && pkg-config --exists $(PC_MODULES); then \
	  echo "deps: $(PC_MODULES) present"; \
	else \
	  echo "deps: installing $(APT_PKGS)"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $(APT_PKGS); \
	fi

test-deps: deps
	@missing=""; \
	for p in $(TEST_PKGS) $(WEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "test-deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "test-deps: present"; fi
	@if [ -x $(PYVENV)/bin/python ] && [ "$$(cat $(PYVENV)/.pins 2>/dev/null)" = "$(PY_PKGS)" ] && \
	  $(PYVENV)/bin/python -c 'import securesystemslib.dsse, cryptography' >/dev/null 2>&1; then \
	  echo "test-deps: $(PYVENV) present"; \
	else \
	  echo "test-deps: making $(PYVENV) with $(PY_PKGS)"; \
	  rm -rf $(PYVENV) && python3 -m venv $(PYVENV) && \
	  $(PYVENV)/bin/pip install -q --disable-pip-version-check --no-cache-dir $(patsubst %,'%',$(PY_PKGS)) && \
	  echo "$(PY_PKGS)" > $(PYVENV)/.pins; \
	fi

ceremony-deps: deps
	@missing=""; \
	for p in $(CEREMONY_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "ceremony-deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	else echo "ceremony-deps: present"; fi

build: deps
	$(SWIFT) build

# Also writes SHA256SUMS beside the executables: what `ceremony-audit --expect-build` takes.
RELEASE_TOOLS := bip38 passphrase-site key-site card-print ceremony-audit ceremony-fault
release: deps
	$(SWIFT) build -c release
	cd "$$($(SWIFT) build -c release --show-bin-path)" && sha256sum $(RELEASE_TOOLS) > SHA256SUMS

# swift-format ships with the toolchain. The style (.swift-format) is swift-crypto's,
# 120 columns, except that a call's arguments are packed rather than one per line.
# `make lint` fails on any finding, and `make test` runs it first.
FORMAT_PATHS := Package.swift Sources Tests Fuzz
lint:
	$(SWIFT) format lint --strict --recursive --parallel $(FORMAT_PATHS)

format:
	$(SWIFT) format format --in-place --recursive --parallel $(FORMAT_PATHS)

test: test-deps lint
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(call web_tests,$$($(SWIFT) build --show-bin-path))

# The card holder's offline page, verify.html (Web/README.md): one self-contained file
# built from Web/src with Debian's node-elliptic and node-qrcode-generator bundled in,
# committed as Sources/Printing/VerifyPageHTML.swift for card-print assemble.
web-deps:
	@missing=""; for p in $(WEB_PKGS); do \
	  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "web-deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi
verify-page: web-deps
	/usr/bin/python3 Web/build.py

# The page in Debian's headless chromium through chromium-driver and selenium, in a network
# namespace of its own when run as root: every spec vector, 50 random keys against bip38
# decrypt, wrong passphrases, malformed codes, the request log; then a 2-card mock ceremony's
# own cards/verify.html decrypts and verifies its cards as bip38 does (make test runs both
# after the Swift tests). $(1): the folder of the built tools.
define web_tests
	/usr/bin/python3 Web/test/browser_test.py --bin "$(1)"
	d=$$(mktemp -d) && BIN="$(1)" CARDS=2 BATCH_SIZE=2 CEREMONY_DIR=$$d/ceremony AUDITOR_KEYS=$$d/auditor FAULT= \
	  bash Ceremony/run-ceremony.sh > $$d/summary.txt && \
	  /usr/bin/python3 Web/test/ceremony_page_test.py --bin "$(1)" --ceremony $$d/ceremony --summary $$d/summary.txt; \
	  s=$$?; rm -rf $$d; exit $$s
endef
test-web: test-deps
	$(SWIFT) build
	$(call web_tests,$$($(SWIFT) build --show-bin-path))

# One decrypt in the page against bip38 decrypt (release) on the same key, in one run, and
# the page's screenshot (Docs/Performance.md, "The card holder's page"; Docs/images/verify-page.png).
bench-web: test-deps
	$(SWIFT) build -c release --product bip38
	/usr/bin/python3 Web/test/browser_test.py --bin .build/release --measure bench/results-verify-page.json \
	  --screenshot Docs/images/verify-page.png

# A whole mock production ceremony and its audit (Ceremony/run-ceremony.sh; settings in
# Ceremony/ceremony.conf): make ceremony CARDS=6 CEREMONY_DIR=/tmp/small FAULT=b-keeps-seedb
# Each party runs sandboxed and the bundles cross on a FAT32 medium image (Ceremony/MEDIUM.md);
# MEDIUM=0 shares one transfer/ folder, ISOLATION=netns drops the sandbox.
CARDS        ?= 24
CEREMONY_DIR ?= ceremony-run
# The mock auditor's key folder: beside the ceremony folder, never inside it.
AUDITOR_KEYS ?= $(CEREMONY_DIR).auditor
# HSM=softhsm keeps both sites' keys in SoftHSM2 tokens (installed when missing), no key file.
ceremony: ceremony-deps build
	@if [ "$(HSM)" = softhsm ] && ! command -v softhsm2-util >/dev/null 2>&1; then echo "ceremony: installing softhsm2"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq softhsm2; fi
	CARDS=$(CARDS) CEREMONY_DIR=$(CEREMONY_DIR) AUDITOR_KEYS=$(AUDITOR_KEYS) FAULT=$(FAULT) HSM=$(HSM) MEDIUM=$(MEDIUM) ISOLATION=$(ISOLATION) BIN="$$($(SWIFT) build --show-bin-path)" bash Ceremony/run-ceremony.sh

# Performance figures (issue 7): release build, then one run of every figure on this
# machine; prints the tables and writes bench/results.json (about 3 minutes on 2 cores).
# BENCH_FULL=1 adds the 512- and 4096-card points (20 to 25 minutes in all on 2 cores).
# Other knobs: bench/README.md. The figures and what they mean: Docs/Performance.md.
bench: release
	.build/release/Benchmarks

# libFuzzer over every parser that reads outside data: one target per parser in
# Fuzz/Targets, seeds in Fuzz/corpus (Docs/Hardening.md). Builds instrumented copies
# of CryptoCore, BIP38 and Ceremony (swiftc -sanitize=fuzzer,address) into .build/fuzz,
# then runs each target for FUZZ_SECONDS: make fuzz FUZZ_SECONDS=600 FUZZ_TARGETS="envelope wif"
# Findings are saved in .build/fuzz/crashes/; the run fails if there is one.
FUZZ_SECONDS ?= 60
fuzz: deps
	Fuzz/build.sh $(FUZZ_TARGETS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) Fuzz/run.sh $(FUZZ_TARGETS)

clean:
	rm -rf .build

# The figures of Docs/ are committed SVGs drawn by Graphviz from Docs/images/src/*.dot;
# DocsTests check that each is up to date when `dot` is installed (Debian's graphviz).
diagrams:
	@command -v dot >/dev/null 2>&1 || { echo "diagrams: installing graphviz"; \
	  $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq graphviz; }
	@for f in Docs/images/src/*.dot; do \
	  out=Docs/images/$$(basename "$$f" .dot).svg; dot -Tsvg "$$f" -o "$$out" && echo "diagrams: $$out"; \
	done
