#!/usr/bin/env bash
# One typedef style (issue 13): every typedef of src/, test/unit/ and
# test/fuzz/ is CamelCase (scripts/typedef_style.sh --check).  Prints TAP.
set -uo pipefail
cd "$(dirname "$0")/../.."
echo "1..1"
if out=$(bash scripts/typedef_style.sh --check 2>&1); then
	echo "ok 1 - typedefs have one style (CamelCase)"
else
	echo "not ok 1 - typedefs have one style (CamelCase)"
	printf '%s\n' "$out" | sed 's/^/#   /'
fi
