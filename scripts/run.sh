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

# === Line server ==================================================================================
# The SIP line server (telephony/) is a separate process that this script will start and supervise
# next to the console once it exists. Until then only the console runs.
# ==================================================================================================

echo "run: console on http://${HOTLINE_HTTP_HOST:-127.0.0.1}:${HOTLINE_HTTP_PORT:-5000}/login"
exec .venv/bin/python app.py
