# Two entry points do all set-up on a fresh Debian 12 / Ubuntu 22.04+ machine:
#   make run   - install what is missing, build, and launch the app (offline demo without a key)
#   make test  - install what is missing, then run every check and test (what CI runs)
SHELL := /bin/bash
.DEFAULT_GOAL := run
FEATURES := --features custom-protocol
APT_BUILD := build-essential pkg-config libdbus-1-dev libwebkit2gtk-4.1-dev
APT_TEST := xvfb xauth webkit2gtk-driver gnome-keyring dbus-x11 libsecret-tools xclip
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
TAURI_DRIVER := target/tools/bin/tauri-driver

.PHONY: run test deb dev apt-build apt-test ui-deps ui-build tools sdk-deps

run: apt-build ui-build
	cargo run --locked -p easel-app $(FEATURES)

test: apt-build apt-test ui-build tools sdk-deps
	.ci/test-suite

deb: apt-build ui-deps
	ui/node_modules/.bin/tauri build --bundles deb

dev: apt-build ui-deps
	ui/node_modules/.bin/tauri dev

# Install only the Debian packages dpkg says are missing.
apt-build:
	@.ci/apt-ensure $(APT_BUILD)

apt-test:
	@.ci/apt-ensure $(APT_TEST)

ui-deps: ui/node_modules/.package-lock.json

# `npm install` on the committed lock rather than `npm ci`: the Tauri CLI's lock entries for
# other platforms' optional binaries cannot be resolved from this registry mirror, and `npm ci`
# refuses any lock without them. With the lock present, install keeps its exact versions.
ui/node_modules/.package-lock.json: ui/package-lock.json
	cd ui && npm install --no-audit --no-fund
	@touch $@

ui-build: ui-deps
	cd ui && npm run build

# The official TAMS JS SDK, used by the emulator's conformance test as an independent client.
sdk-deps: crates/easel-emulator/tests/sdk/node_modules/.package-lock.json

crates/easel-emulator/tests/sdk/node_modules/.package-lock.json: crates/easel-emulator/tests/sdk/package-lock.json
	cd crates/easel-emulator/tests/sdk && npm install --no-audit --no-fund
	@touch $@

tools: $(TAURI_DRIVER)

$(TAURI_DRIVER):
	cargo install tauri-driver --version '^2' --locked --root target/tools
