#!/usr/bin/env bash
# The stored reference values of the model predictions
# (test/reference/predictions.tsv, checked against the C core by
# test/unit/test_reference.c) are recomputed with mpmath for a random sample
# of lines, so the table cannot silently go stale or be edited by hand.
# Prints TAP (one line per recomputed value).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
if ! python3 -c 'import mpmath' 2>/dev/null; then
	echo "ok 1 # SKIP python3-mpmath is not installed (scripts/lib.sh ensure_deps installs it)"
	echo "1..1"
	exit 0
fi
exec python3 "$ROOT/test/reference/gen_reference.py" --check "${CLIENTELE_REFERENCE_CHECKS:-8}" "$ROOT/test/reference/predictions.tsv"
