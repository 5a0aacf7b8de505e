#!/usr/bin/env bash
# Builds the engine library (libintdim.so) and the CLI, then runs the Python
# package's tests against them. Exits non-zero when a test fails or none ran.
# PYTHON chooses the interpreter (default: Debian's /usr/bin/python3 when it
# exists, where apt-get installs numpy, pytest and torch).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
if [ -z "${PYTHON:-}" ]; then
  if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3; else PYTHON=python3; fi
fi
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
cd "$repo"
echo "== go build -buildmode=c-shared ./cmd/libintdim"
go build -buildmode=c-shared -o "$build/libintdim.so" ./cmd/libintdim
go build -o "$build/intdim" ./cmd/intdim
echo "== $PYTHON -m pytest python/tests"
status=0
INTDIM_LIB="$build/libintdim.so" INTDIM_CLI="$build/intdim" \
  "$PYTHON" -m pytest -q -p no:cacheprovider "$here/tests" "$@" || status=$?
# pytest: 0 all passed, 1 tests failed, 2 interrupted, 3 internal error,
# 4 usage error, 5 no tests collected; all but 0 fail the run.
if [ "$status" -ne 0 ]; then
  echo "python tests failed (pytest exit status $status)" >&2
  exit 1
fi
echo "== pip install --no-build-isolation ./python (offline; builds the library with Go)"
(cd "$here" && "$PYTHON" -m pip install -q --root-user-action=ignore --no-build-isolation --no-deps --no-index --target "$build/site" .)
rm -rf "$here/build" "$here"/*.egg-info
(cd "$build" && PYTHONPATH="$build/site" "$PYTHON" -c '
import numpy as np, intdim
assert intdim._lib._path().startswith("'"$build/site"'"), intdim._lib._path()
r = intdim.estimate(np.random.default_rng(0).standard_normal((500, 3)))
assert 2.5 < r.id < 3.5, r
print("installed package:", r)
')
echo "python tests passed"
