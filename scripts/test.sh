#!/usr/bin/env bash
# Set up everything the tests need, then lint and run all tests.
#
#   bash scripts/test.sh                 # everything
#   bash scripts/test.sh -m "not e2e"    # arguments go to pytest
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

bash scripts/setup.sh --dev

status=0

echo "test: ruff check ."
if ! .venv/bin/ruff check .; then
  status=1
fi

echo "test: pytest $*"
set +e
.venv/bin/python -m pytest "$@"
pytest_status=$?
set -e
case $pytest_status in
  0) ;;
  5)
    echo "test: pytest collected no tests; that counts as a failure" >&2
    status=1
    ;;
  *) status=1 ;;
esac

if ((status)); then
  echo "test: FAILED" >&2
fi
exit "$status"
