#!/usr/bin/env bash
# Set up the console on a Debian bookworm machine (as root): system packages, the .venv,
# Python requirements, compiled translations and the database schema.
#
#   bash scripts/setup.sh          # what running the console needs
#   bash scripts/setup.sh --dev    # also what the tests need (Chromium, SIP peers, sox)
#
# Idempotent and quick when nothing changed: apt is asked only for missing packages and pip
# only when a requirements file changed since the last install.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$PWD"

DEV=0
for arg in "$@"; do
  case "$arg" in
    --dev) DEV=1 ;;
    -h | --help)
      sed -n '2,9p' "$0"
      exit 0
      ;;
    *)
      echo "setup: unknown argument: $arg (only --dev is known)" >&2
      exit 2
      ;;
  esac
done

say() { echo "setup: $*"; }

# --- system packages --------------------------------------------------------------------------
APT_PACKAGES=(python3 python3-venv python3-dev build-essential fonts-noto-cjk)
if [[ $DEV == 1 ]]; then
  # chromium: end-to-end tests (Playwright drives /usr/bin/chromium);
  # sip-tester (sipp), baresip: SIP callers for the line server's tests; sox: test audio.
  APT_PACKAGES+=(chromium sip-tester baresip sox)
fi

installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  installed "$pkg" || missing+=("$pkg")
done

if ((${#missing[@]})); then
  SUDO=()
  if [[ $EUID != 0 ]]; then
    if command -v sudo >/dev/null; then
      SUDO=(sudo)
    else
      say "missing Debian packages: ${missing[*]}; run this script as root to install them" >&2
      exit 1
    fi
  fi
  say "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq "${missing[@]}"
else
  say "Debian packages present"
fi

# --- virtual environment ----------------------------------------------------------------------
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  say "creating .venv with $("$PYTHON" --version 2>&1)"
  rm -rf "$VENV"
  "$PYTHON" -m venv "$VENV"
fi

# --- Python requirements ----------------------------------------------------------------------
# The stamp is the hash of the requirements files; requirements-dev.txt includes requirements.txt,
# so a dev install also satisfies a plain one.
req_hash() { cat "$@" | sha256sum | cut -d' ' -f1; }
BASE_HASH="$(req_hash requirements.txt)"
DEV_HASH="$(req_hash requirements.txt requirements-dev.txt)"
BASE_STAMP="$VENV/.requirements.sha256"
DEV_STAMP="$VENV/.requirements-dev.sha256"

pip_install() {
  "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input -q -r "$1"
}

if [[ $DEV == 1 ]]; then
  if [[ "$(cat "$DEV_STAMP" 2>/dev/null || true)" != "$DEV_HASH" ]]; then
    say "installing requirements-dev.txt"
    pip_install requirements-dev.txt
    echo "$DEV_HASH" >"$DEV_STAMP"
    echo "$BASE_HASH" >"$BASE_STAMP"
  else
    say "Python requirements (dev) up to date"
  fi
else
  if [[ "$(cat "$BASE_STAMP" 2>/dev/null || true)" != "$BASE_HASH" ]]; then
    say "installing requirements.txt"
    pip_install requirements.txt
    echo "$BASE_HASH" >"$BASE_STAMP"
  else
    say "Python requirements up to date"
  fi
fi

# --- pjsua2 for the line server ----------------------------------------------------------------
# Built once with the configured line count (HOTLINE_SIP_LINES, 64 by default) and cached outside
# the clone; installs its runtime libraries too. Falls back to PyPI's 4-line wheel, loudly.
bash scripts/build_pjsua2.sh "$VENV"

# --- translations -----------------------------------------------------------------------------
if [[ -d translations ]] && compgen -G "translations/*/LC_MESSAGES/*.po" >/dev/null; then
  say "compiling translations"
  "$VENV/bin/pybabel" -q compile -d translations
fi

# --- database ---------------------------------------------------------------------------------
if [[ -f migrations/env.py ]]; then
  say "upgrading the database"
  "$VENV/bin/flask" --app app db upgrade
else
  say "no migrations yet: database upgrade skipped"
fi

say "ready"
