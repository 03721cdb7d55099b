# Two-factor key generation ceremony toolkit: build, test, run.
#
#   make ceremony   install what is missing, build, run a mock ceremony and its audit
#   make test       install what is missing, build, run every test
#   make deps       install the Debian packages (apt-get; sudo when not root)
#   make build      debug build        make release   release build
#   make fuzz       libFuzzer over every parser that reads outside data (FUZZ_SECONDS per target)
#   make diagrams   redraw Docs/images/*.svg from their Graphviz sources in Docs/images/src/
#   make lint       swift-format lint (config: .swift-format, 120 columns); make format rewrites in place

SWIFT      ?= swift
APT_PKGS   := pkg-config libsecp256k1-dev libsodium-dev libssl-dev libqrencode-dev libicu-dev libtsk-dev libhyperscan-dev \
              libarchive-dev zlib1g-dev libsqlite3-dev
# Tools the tests use to render and scan printed cards, to build ext4 disk images, and to
# write the deep-search faults (zstd, xxd, hexdump; python3 writes the other containers),
# and to check the diagrams in Docs/images against their sources (graphviz).
TEST_PKGS  := librsvg2-bin zbar-tools python3-venv e2fsprogs zstd xxd bsdextrautils graphviz
# The Python venv the DSSE interop test verifies our envelopes with (securesystemslib,
# Ed25519 through pyca/cryptography). Pinned; rebuilt when the pins change.
PYVENV     := .build/pyvenv
PY_PKGS    := securesystemslib[crypto]==1.6.0 cryptography==50.0.2 cffi==2.1.1 pycparser==3.12
PC_MODULES := libsecp256k1 libsodium libcrypto libqrencode icu-uc tsk libhs libarchive zlib sqlite3
SUDO       := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

# Debian has no Swift package: Swift 6.2 or later must be on PATH (README.md). Checked
# once, when a goal that runs it is asked for, so that a missing or old toolchain ends
# make with one line instead of "make: swift: No such file or directory".
SWIFT_GOALS := all build release test ceremony bench fuzz lint format
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

.PHONY: all deps test-deps build release test ceremony clean bench fuzz lint format diagrams

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
	for p in $(TEST_PKGS); do \
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

# A whole mock production ceremony and its audit (Ceremony/run-ceremony.sh; settings in
# Ceremony/ceremony.conf): make ceremony CARDS=6 CEREMONY_DIR=/tmp/small FAULT=b-keeps-seedb
CARDS        ?= 24
CEREMONY_DIR ?= ceremony-run
# The mock auditor's key folder: beside the ceremony folder, never inside it.
AUDITOR_KEYS ?= $(CEREMONY_DIR).auditor
ceremony: build
	CARDS=$(CARDS) CEREMONY_DIR=$(CEREMONY_DIR) AUDITOR_KEYS=$(AUDITOR_KEYS) FAULT=$(FAULT) BIN="$$($(SWIFT) build --show-bin-path)" bash Ceremony/run-ceremony.sh

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
