#!/usr/bin/env bash
# Build (once) and install a pjsua2 Python wheel that holds HOTLINE_SIP_LINES simultaneous calls.
#
#   bash scripts/build_pjsua2.sh [VENV]      # VENV defaults to this clone's .venv
#
# PyPI's pjsua2-python is compiled with PJSUA_MAX_CALLS=4 and Debian ships no pjproject, so this
# builds pjproject 2.12.1 from Debian's `ring` (Jami) source package with our config_site.h.
# The wheel is cached outside the clone, in $HOTLINE_CACHE/pjsua2/<key>/, keyed by the ring source
# version (it fixes the pjproject snapshot and Debian's patches), the line count, a hash of
# config_site.h and the Python ABI; later runs install the cached wheel in seconds.
# If the build cannot run, it falls back to PyPI's pjsua2-python (4 calls) with a loud warning.
# Either way $VENV/pjsua2-capacity holds the max calls (e.g. 64, or 4) for the line server, and
# $VENV/pjsua2-build says which build it is. Needs root (apt) to build; see telephony/BUILD.md.
#
# Environment: HOTLINE_SIP_LINES (64), HOTLINE_CACHE (/var/cache/hotline),
#              HOTLINE_PJSUA2_BUILD_DIR (/var/tmp/hotline-pjsua2-build).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$(realpath -m "${1:-$ROOT/.venv}")"
PY="$VENV/bin/python"
LINES="${HOTLINE_SIP_LINES:-64}"
CACHE="${HOTLINE_CACHE:-/var/cache/hotline}/pjsua2"
BUILD="${HOTLINE_PJSUA2_BUILD_DIR:-/var/tmp/hotline-pjsua2-build}"
PYPI_CALLS=4 # PJSUA_MAX_CALLS of PyPI's pjsua2-python wheels

BUILD_DEPS=(swig libssl-dev uuid-dev libspeex-dev libspeexdsp-dev libgsm1-dev libsrtp2-dev
  libopus-dev python3-dev python3-venv build-essential pkg-config dpkg-dev)
RUNTIME_DEPS=(libssl3 libuuid1 libsrtp2-1 libspeex1 libspeexdsp1 libgsm1 libopus0)

say() { echo "pjsua2: $*"; }
step() { echo "pjsua2: [${SECONDS}s] $*" >&3; echo "=== [${SECONDS}s] $*"; } # build progress: terminal and log
die() { echo "pjsua2: $*" >&2; exit 1; }

if ! [[ "$LINES" =~ ^[1-9][0-9]*$ ]] || ((LINES > 512)); then
  die "HOTLINE_SIP_LINES must be a whole number from 1 to 512, not '$LINES'"
fi
"$PY" -c 'import sys' 2>/dev/null || die "no Python venv at $VENV (run scripts/setup.sh first)"

# --- helpers ----------------------------------------------------------------------------------
installed() { [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]; }

apt_install() { # install the Debian packages that are missing
  local pkg missing=()
  for pkg in "$@"; do installed "$pkg" || missing+=("$pkg"); done
  ((${#missing[@]})) || return 0
  ((EUID == 0)) || { echo "pjsua2: need root to install: ${missing[*]}" >&2; return 1; }
  say "installing Debian packages: ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

pip_q() { "$PY" -m pip --disable-pip-version-check --no-input -q "$@"; }

# Debian's source lists: the same archives as this release's `deb` entries, in our own files;
# deb822 stanzas (*.sources) and one-line entries (*.list) alike. $1: sources or list.
deb_src_entries() {
  local codename f
  # shellcheck disable=SC1091
  codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
  if [[ $1 == sources ]]; then
    for f in /etc/apt/sources.list.d/*.sources; do
      [[ -e $f && $f != */hotline-deb-src.sources ]] || continue
      awk -v cn="$codename" '
        function flush() {
          if (st != "" && types ~ /(^| )deb( |$)/ && types !~ /deb-src/ && enabled != "no" && ours)
            print "Types: deb-src" st "\n"
          st = ""; types = ""; enabled = ""; ours = 0
        }
        /^[ \t]*$/ { flush(); next }
        /^#/ { next }
        $1 == "Types:" { types = substr($0, 8); next }
        {
          st = st "\n" $0
          if ($1 == "Enabled:") enabled = tolower($2)
          if ($1 == "Suites:") for (i = 2; i <= NF; i++) if ($i == cn || index($i, cn "-") == 1) ours = 1
        }
        END { flush() }' "$f"
    done
  else
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -e $f && $f != */hotline-deb-src.list ]] || continue
      awk -v cn="$codename" '$1 == "deb" {
        for (i = 2; i <= NF; i++) if ($i == cn || index($i, cn "-") == 1) { $1 = "deb-src"; print; next } }' "$f"
    done
  fi
}

ring_version() { apt-cache showsrc --only-source ring 2>/dev/null | awk '$1 == "Version:" { print $2 }' | sort -V | tail -n1; }

ensure_ring_source_list() {
  [[ -n "$(ring_version)" ]] && return 0
  ((EUID == 0)) || { echo "pjsua2: need root to add Debian's deb-src lists" >&2; return 1; }
  local ext entries
  for ext in sources list; do
    entries="$(deb_src_entries "$ext")"
    [[ -z "$entries" ]] || echo "$entries" >"/etc/apt/sources.list.d/hotline-deb-src.$ext"
  done
  say "apt-get update (with deb-src)"
  apt-get update -qq >/dev/null
  [[ -n "$(ring_version)" ]] || { echo "pjsua2: Debian's source package 'ring' not found" >&2; return 1; }
}

# Our pjproject settings; its hash is part of the cache key, so a change here rebuilds.
EXTRA_LEGS=8
config_site() {
  local conf_ports=$((3 * LINES + 3 * EXTRA_LEGS > 254 ? 3 * LINES + 3 * EXTRA_LEGS : 254))
  local handles=$((8 * LINES > 1024 ? 8 * LINES : 1024))
  cat <<EOF
/* written by scripts/build_pjsua2.sh for $LINES lines */
#define PJMEDIA_HAS_VIDEO 0
#define PJSUA_HAS_VIDEO 0
/* the listeners' lines plus producer, studio and transfer legs */
#define PJSUA_MAX_CALLS $((LINES + EXTRA_LEGS))
/* a greeting per line, the shared hold loop and the overflow message */
#define PJSUA_MAX_PLAYERS $((LINES + 2))
#define PJSUA_MAX_RECORDERS $LINES
#define PJSUA_MAX_CONF_PORTS $conf_ports
/* sockets; without this pjsua stops at 32 calls */
#define PJ_IOQUEUE_MAX_HANDLES $handles
EOF
}

# One-off build of the wheel into $1 (a fresh cache directory). Runs as its own process
# (see below) so that `set -e` stops it at the first failing step.
build_wheel() {
  local out="$1" src pyswig t0=$SECONDS
  apt_install "${BUILD_DEPS[@]}"
  cd "$BUILD"
  step "fetching Debian source ring=$RING_VERSION"
  apt-get source -q --only-source "ring=$RING_VERSION"
  src="$(echo "$BUILD"/ring-*/daemon/contrib/tarballs-unpacked/pjproject-*/pjproject-*)"
  [[ -f "$src/version.mak" ]] || { echo "pjsua2: no pjproject tree in the ring source" >&2; return 1; }
  config_site >"$src/pjlib/include/pj/config_site.h"

  step "building pjproject (a few minutes; log: $BUILD/build.log)"
  cd "$src"
  CFLAGS="-fPIC -O2" ./configure --disable-shared --disable-sound --disable-video --enable-epoll \
    --disable-ilbc-codec --disable-g7221-codec --disable-libwebrtc --disable-libyuv \
    --with-external-speex --with-external-gsm --with-external-srtp
  make dep
  make -j"$(nproc)" lib

  step "building the pjsua2 wheel (SWIG with -threads: calls release the GIL)"
  "$PY" -m venv "$BUILD/venv" # build tools stay out of the project venv
  "$BUILD/venv/bin/python" -m pip --disable-pip-version-check -q install 'setuptools<81' wheel
  pyswig="$src/pjsip-apps/src/swig/python"
  make -C "$pyswig" PYTHON_EXE="$BUILD/venv/bin/python" USE_THREADS=-threads
  grep -q 'SWIG_PYTHON_THREADS' "$pyswig/pjsua2_wrap.cpp" # -threads took effect
  (cd "$pyswig" && "$BUILD/venv/bin/python" setup.py bdist_wheel -d "$BUILD/dist")

  mkdir -p "$out.tmp"
  cp "$BUILD"/dist/pjsua2-*.whl "$out.tmp/"
  config_site >"$out.tmp/config_site.h"
  local pjver
  pjver="$(awk -F':= *' '/PJ_VERSION_(MAJOR|MINOR|REV) /{printf "%s%s", sep, $2; sep="."}' "$src/version.mak")"
  echo "pjproject $pjver ($(basename "$src"), Debian ring $RING_VERSION), $LINES lines" >"$out.tmp/BUILD"
  echo "$((SECONDS - t0))" >"$out.tmp/build-seconds"
  mv "$out.tmp" "$out"
}

record_capacity() { # calls, build description
  echo "$1" >"$VENV/pjsua2-capacity"
  echo "$2" >"$VENV/pjsua2-build"
}

fallback_to_pypi() {
  local why="$1" version
  pip_q uninstall -y pjsua2 2>/dev/null || true # a built wheel's files would clash
  rm -f "$VENV/.pjsua2-key"
  pip_q install pjsua2-python || die "pip install pjsua2-python failed too"
  version="$("$PY" -m pip --disable-pip-version-check show pjsua2-python | awk '$1 == "Version:" { print $2 }')"
  record_capacity "$PYPI_CALLS" "PyPI pjsua2-python $version, $PYPI_CALLS lines"
  cat >&2 <<EOF

  ##########################################################################
  ##  WARNING: pjsua2 from PyPI: 4 lines only
  ##  wanted $LINES lines; $why.
  ##  pjsua takes at most $PYPI_CALLS simultaneous calls. See telephony/BUILD.md.
  ##########################################################################

EOF
  exit 0
}

# --- cache key ----------------------------------------------------------------------------------
mkdir -p "$CACHE" 2>/dev/null || fallback_to_pypi "cannot create $CACHE"
exec 9>"$CACHE/.lock" && flock 9 # one build at a time
ensure_ring_source_list || fallback_to_pypi "cannot reach Debian's 'ring' source package"
RING_VERSION="$(ring_version)"
CONFIG_HASH="$(config_site | sha256sum | cut -c1-12)"
PY_TAG="$("$PY" -c 'import sys, sysconfig; print(f"cp{sys.version_info[0]}{sys.version_info[1]}-{sysconfig.get_platform()}")')"
KEY="pjproject-from-ring-${RING_VERSION//[:~]/_}_lines${LINES}_cfg${CONFIG_HASH}_${PY_TAG}"
DIR="$CACHE/$KEY"

# --- build once -------------------------------------------------------------------------------
if compgen -G "$DIR/pjsua2-*.whl" >/dev/null; then
  say "cached wheel: $DIR"
else
  say "no cached wheel for $KEY: building"
  rm -rf "$BUILD" "$DIR.tmp"
  mkdir -p "$BUILD" || fallback_to_pypi "cannot create $BUILD"
  # `set -e` is ignored inside `if`/`||`, so the build runs as a separate background process
  # whose exit status we wait for.
  (set -e; build_wheel "$DIR") 3>&1 >"$BUILD/build.log" 2>&1 &
  if ! wait $!; then
    tail -n 25 "$BUILD/build.log" >&2
    fallback_to_pypi "the build failed (log kept: $BUILD/build.log)"
  fi
  say "built in $(cat "$DIR/build-seconds") s"
  rm -rf "$BUILD"
fi

# --- install ----------------------------------------------------------------------------------
apt_install "${RUNTIME_DEPS[@]}" || fallback_to_pypi "cannot install the runtime libraries"
WHEEL="$(compgen -G "$DIR/pjsua2-*.whl" | head -n1)"
if [[ "$(cat "$VENV/.pjsua2-key" 2>/dev/null || true)" == "$KEY" ]] && "$PY" -c 'import pjsua2' 2>/dev/null; then
  say "already installed in $VENV"
else
  pip_q uninstall -y pjsua2-python 2>/dev/null || true # PyPI's package would shadow our module
  pip_q install --force-reinstall --no-deps "$WHEEL"
  "$PY" -c 'import pjsua2' || die "the installed wheel does not import"
  echo "$KEY" >"$VENV/.pjsua2-key"
  say "installed $(basename "$WHEEL") into $VENV"
fi
record_capacity "$LINES" "$(cat "$DIR/BUILD")"
say "capacity: $LINES simultaneous calls ($VENV/pjsua2-capacity)"
