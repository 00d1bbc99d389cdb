#!/usr/bin/env bash
# Runs a command inside what the desktop tests need: a private D-Bus session with an unlocked
# gnome-keyring (the real Secret Service) and an Xvfb display. Usage: e2e/desktop-session.sh CMD...
set -euo pipefail
if [ -z "${EASEL_IN_DESKTOP_SESSION:-}" ]; then
  export EASEL_IN_DESKTOP_SESSION=1
  # A throwaway keyring home so tests never touch a real user's keyring.
  keyring_home=$(mktemp -d)
  trap 'rm -rf "$keyring_home"' EXIT
  export XDG_DATA_HOME="$keyring_home/data" HOME_FOR_KEYRING="$keyring_home"
  mkdir -p "$XDG_DATA_HOME"
  exec dbus-run-session -- "$0" "$@"
fi
# Inside the session: start and unlock the keyring daemon with a throwaway password.
eval "$(printf 'easel-test' | gnome-keyring-daemon --unlock --components=secrets)"
export GNOME_KEYRING_CONTROL
exec xvfb-run -a -s "-screen 0 1280x800x24" "$@"
