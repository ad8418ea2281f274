#!/usr/bin/env bash
# bench/lifetimes.sh: clientele side by side with the Python `lifetimes`
# library (issue 11), on the same data in the same run.  Run by `make bench`
# (scripts/bench.sh sets PGHOST, PGPORT, PGUSER and BENCH_DB with the
# extension installed) or by hand:
#   BENCH_DB=mydb bash bench/lifetimes.sh
#
# Data sets (each loaded into a plain table bench_lt_txn(customer_id, day,
# amount), "the bank's table"):
#   cdnow   ../shared/datasets/cdnow/CDNOW_sample.txt (2,357 customers, read in
#           place, never copied into the repository);
#   gen3    LT_CUSTOMERS (default 100,000 x BENCH_SCALE) customers, about 3
#           transactions each;
#   gen50   LT_CUSTOMERS_50 (default 25,000 x BENCH_SCALE) customers, about 50
#           transactions each.
# Steps, both sides, weeks as the time unit ('7 days' / freq='D',
# freq_multiplier=7), LT_REPS (default 3) repetitions:
#   load (lifetimes only: pd.read_sql of the transactions), summary
#   (rfm_summary GROUP BY / summary_data_from_transaction_data), fit (BG/NBD
#   and Gamma-Gamma), P(alive), E[X] (26 weeks), CLV (12 months, 1 %/month),
#   and the end-to-end pipeline from the transactions to P(alive), E[X] and
#   CLV of every customer (clientele: into a temporary table; lifetimes:
#   load + summary + fits + the three predictions, as numpy arrays).
# Prints per step the range of times over the repetitions, the range of the
# ratio lifetimes / clientele (paired by repetition; > 1: clientele faster),
# the predictions' ratio to a plain arithmetic expression over the same
# summary rows, how far the two sides' results differ, and the `uptime`
# load.  The predictions use the recommended form, the fit as a scalar
# sub-select (docs/models.md, "Performance"); the last section times the
# join form `FROM summary, fits f` and its trap.
#
# Needs python3 with numpy, scipy, pandas and psycopg2 (Debian's
# python3-numpy python3-scipy python3-pandas python3-psycopg2 python3-dill)
# and the vendored lifetimes and autograd sources (../shared/vendor, unpacked
# into a temporary folder); prints SKIP and exits 0 without them.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${BENCH_DB:?BENCH_DB must name a database with the clientele extension}"
VENDOR=${CLIENTELE_VENDOR:-$ROOT/../shared/vendor}
DATASETS=${CLIENTELE_DATASETS_DIR:-$ROOT/../shared/datasets}

PY=
for p in /usr/bin/python3 python3; do
	if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import numpy, scipy, pandas, psycopg2, dill' 2>/dev/null; then
		PY=$p
		break
	fi
done
if [ -z "$PY" ]; then
	echo "SKIP: no python3 with numpy, scipy, pandas, psycopg2 and dill (apt-get install python3-numpy python3-scipy python3-pandas python3-psycopg2 python3-dill)"
	exit 0
fi
LT_TAR=$(ls "$VENDOR"/lifetimes-*.tar.gz 2>/dev/null | head -1 || true)
AG_TAR=$(ls "$VENDOR"/autograd-*.tar.gz 2>/dev/null | head -1 || true)
if [ -z "$LT_TAR" ] || [ -z "$AG_TAR" ]; then
	echo "SKIP: lifetimes / autograd sources absent from $VENDOR"
	exit 0
fi
WORK=$(mktemp -d /tmp/clientele-bench-lifetimes.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
tar -xzf "$LT_TAR" -C "$WORK"
tar -xzf "$AG_TAR" -C "$WORK"
export PYTHONPATH="$WORK/autograd:$WORK/lifetimes${PYTHONPATH:+:$PYTHONPATH}"
export LT_DATASETS=$DATASETS BENCH_DB
exec "$PY" -P "$ROOT/bench/side_by_side.py"
