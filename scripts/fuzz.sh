#!/usr/bin/env bash
# Runs every fuzz target of test/fuzz/ (built by `make fuzz-build`) for a
# bounded time from the seed corpus, and prints TAP: one line per target,
# "not ok" on a crash, a leak, a timeout or an invariant failure (the input
# that did it is kept in tmp/fuzz/artifacts/ and printed in hex).
#   bash scripts/fuzz.sh SECONDS [TARGET...]
# The corpus found so far is kept in tmp/fuzz/corpus/<target>/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
secs=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls test/fuzz/fuzz_*.c 2>/dev/null | sed 's|.*/||; s|\.c$||'))
rm -rf tmp/fuzz/seeds
mkdir -p tmp/fuzz/seeds tmp/fuzz/artifacts
./tmp/fuzz/gen_seeds tmp/fuzz/seeds || { echo "not ok 1 - seed corpus generation failed"; echo "1..1"; exit 1; }
n=0; failed=0
for t in "${targets[@]}"; do
	n=$((n+1))
	mkdir -p "tmp/fuzz/corpus/$t" "tmp/fuzz/seeds/$t"
	log=tmp/fuzz/$t.log
	rm -f "tmp/fuzz/artifacts/$t-"*
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"./tmp/fuzz/$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -max_len=4096 \
		-print_final_stats=1 -artifact_prefix="tmp/fuzz/artifacts/$t-" \
		"tmp/fuzz/corpus/$t" "tmp/fuzz/seeds/$t" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | awk '{print $2}')
	seeds=$(ls "tmp/fuzz/seeds/$t" | wc -l)
	if [ $rc -eq 0 ] && ! ls "tmp/fuzz/artifacts/$t-"* >/dev/null 2>&1; then
		echo "ok $n - $t: ${runs:-?} inputs in ${secs}s, no crash (coverage ${cov:-?} edges, $seeds seeds)"
	else
		failed=1
		echo "not ok $n - $t: libFuzzer exited $rc after ${runs:-?} inputs"
		grep -E 'ERROR|runtime error|fuzz invariant|SUMMARY|deadly signal|Test unit written' "$log" | head -10 | sed 's/^/#   /'
		for a in "tmp/fuzz/artifacts/$t-"*; do
			[ -f "$a" ] || continue
			echo "#   input $a: $(od -An -tx1 -v "$a" | tr -d ' \n' | cut -c1-400)"
			echo "#   reproduce: ./tmp/fuzz/$t $a"
		done
		sed -n '/^==[0-9]*==ERROR/,/^SUMMARY/p' "$log" | head -30 | sed 's/^/#   /'
	fi
done
echo "1..$n"
exit $failed
