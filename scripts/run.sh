#!/usr/bin/env bash
# Set up everything, load the demo show and run the console.
#
#   bash scripts/run.sh
#
# The console listens on HOTLINE_HTTP_HOST:HOTLINE_HTTP_PORT (default 127.0.0.1:5000); every
# other setting is a HOTLINE_* environment variable (see README.md).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# System packages, .venv, requirements, translations, and `flask db upgrade` when migrations exist.
bash scripts/setup.sh

# The demo programme, unit, today's session and one user per role (idempotent); prints the logins.
.venv/bin/flask --app app demo load
# Past shows of two units with their follow-up cases in every state, so the desks, callbacks
# and scores have something to show (idempotent: nothing is added once cases exist).
.venv/bin/flask --app app demo followup

# === Line server ==================================================================================
# The SIP line server (telephony/, `python -m telephony`) runs next to the console and is supervised
# here: restarted 2 s after it dies, and stopped with SIGTERM (callers get a polite BYE) once the
# console stops. `exec` below turns this shell into the console, so the console keeps this pid.
console_pid=$$
(
  set +e
  line_pid=""
  trap '[[ -n $line_pid ]] && kill -TERM "$line_pid" 2>/dev/null; wait; exit 0' TERM INT
  while kill -0 "$console_pid" 2>/dev/null; do
    .venv/bin/python -m telephony &
    line_pid=$!
    while kill -0 "$line_pid" 2>/dev/null && kill -0 "$console_pid" 2>/dev/null; do sleep 1; done
    if kill -0 "$line_pid" 2>/dev/null; then # the console stopped
      kill -TERM "$line_pid"
      wait "$line_pid"
      exit 0
    fi
    wait "$line_pid"
    echo "run: the line server exited with status $?; restarting it in 2 s" >&2
    sleep 2
  done
) &
echo "run: line server on sip:${HOTLINE_SIP_BIND:-127.0.0.1}:${HOTLINE_SIP_PORT:-5070} (UDP and TCP)"
# ==================================================================================================

echo "run: console on http://${HOTLINE_HTTP_HOST:-127.0.0.1}:${HOTLINE_HTTP_PORT:-5000}/login"
exec .venv/bin/python app.py
