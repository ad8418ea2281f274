#!/usr/bin/env bash
# One typedef style (issue 13): CamelCase, as PostgreSQL and the glue write
# them (TierSet, ClConfigCache, ClBand); the plain-C core still has
# snake_case typedefs (cl_fitrow, bgnbd_design, ...).  This renames them,
# whole words only, in src/, test/unit/ and test/fuzz/ (and the docs that name them).
#
# It is a script rather than a commit because it touches most lines of the
# model code that other branches of 0.2.0 change at the same time: run it once
# on main after every branch is merged, then `make test`:
#   bash scripts/typedef_style.sh          rename
#   bash scripts/typedef_style.sh --check  list snake_case typedefs left (exit 1 if any)
set -euo pipefail
cd "$(dirname "$0")/.."
map="
cl_fitrow ClFitRow
cl_fitstate ClFitState
cl_model_fit ClModelFit
cl_optim_options ClOptimOptions
cl_optim_result ClOptimResult
cl_objective ClObjective
cl_sbg_cell ClSbgCell
cl_pnbd_data ClPnbdData
cl_fit_row_check ClFitRowCheck
cl_fit_rows_fn ClFitRowsFn
cl_int128 ClInt128
rfm_fixed RfmFixed
rfm_daykey RfmDayKey
bgnbd_design BgnbdDesign
gg_ctx GgCtx
gk_fn GkFn
pmf_ctx PmfCtx
pnbd_group PnbdGroup
pnbd_int_ctx PnbdIntCtx
pnbd_obj_ctx PnbdObjCtx
pnbd_terms PnbdTerms
sbg_obj_ctx SbgObjCtx
vslot VSlot
params_cache ParamsCache
cdnow_row CdnowRow
bg_quad_ctx BgQuadCtx
bgbb_ctx BgbbCtx
cl_eval_point ClEvalPoint
cl_logit_result ClLogitResult
cl_logit_status ClLogitStatus
cl_memo_entry ClMemoEntry
fstat FStat
logit_rows LogitRows
logit_work LogitWork
rfm_rule_bounds RfmRuleBounds
cl_logit_row_fn ClLogitRowFn
bgbb_pred_fn BgbbPredFn
cl_gk_fn ClGkFn
cl_logit_interrupt_fn ClLogitInterruptFn
"
files() { find src test/unit test/fuzz -name '*.[ch]' | sort; }
snake_left() {
	files | xargs grep -hoE '^\} [a-z][a-z0-9_]*;|^typedef [^;{(]*\b[a-z][a-z0-9_]*;|^typedef [^;]*\(\*[a-z][a-z0-9_]*\)' 2>/dev/null \
		| grep -vE 'typedef (struct|union|enum) [A-Za-z_0-9]+ [A-Z]' | sort -u || true
}
if [ "${1:-}" = "--check" ]; then
	left=$(snake_left)
	[ -z "$left" ] && { echo "typedefs: one style (CamelCase)"; exit 0; }
	echo "snake_case typedefs left:"; printf '%s\n' "$left"; exit 1
fi
expr=""
while read -r from to; do
	[ -n "$from" ] || continue
	expr="$expr;s/\\b$from\\b/$to/g"
done <<<"$map"
files | xargs sed -i -E "${expr#;}"
sed -i -E "${expr#;}" docs/*.md
left=$(snake_left)
[ -z "$left" ] || { echo "snake_case typedefs not in the map (add them):"; printf '%s\n' "$left"; exit 1; }
echo "renamed; now run: make test"
