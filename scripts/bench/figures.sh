#!/usr/bin/env bash
# Regenerates the figures of docs/BENCHMARKS.md and docs/bench/*.md (JSON, Markdown tables, PNG charts):
#   scripts/bench/figures.sh [text|synth|scaling|filters|headline|all]
# headline: the whole headline table of docs/BENCHMARKS.md from one run on this machine (IndexJob build of the
#   synthetic set at nbits 2, size, FAST and PLAID-mode p50/p95/recall, then the JMH kernels), printed as Markdown
#   with the command, CPU (lscpu), date and load average, and written to $OUT/headline.md. Run it on an idle machine.
# Environment: SHARED (default: ../shared next to the repository), SYNTH (gen_synth.py output, default
# $SHARED/../synth), OUT (default target/bench: indexes, JSON, Markdown), DOCS (where the PNGs go, default docs/bench),
# SCALING (the scaling family's data sets, smallest first, comma-separated; default $SYNTH and the 4x and 10x sets
# made by `gen_synth.py --ndocs 80000 --out-dir $SHARED/../synth4` and `--ndocs 200000 --out-dir $SHARED/../synth10`).
# Pass REUSE=1 to measure indexes an earlier run left in $OUT instead of building them again.
# NDOCS=N (headline only) generates a smaller synthetic set with $SHARED/bench/gen_synth.py --ndocs N into
# $OUT/synth-N instead of reading $SYNTH: a smoke test of the script, not a headline figure. The JMH_* variables of
# scripts/bench-kernels.sh apply to the kernel run.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SYNTH="${SYNTH:-$SHARED/../synth}"
SCALING="${SCALING:-$SYNTH,$SHARED/../synth4,$SHARED/../synth10}"
OUT="${OUT:-$ROOT/target/bench}"
DOCS="${DOCS:-$ROOT/docs/bench}"
REUSE_FLAG=()
[ "${REUSE:-0}" = 1 ] && REUSE_FLAG=(--reuse)
mkdir -p "$OUT"
tartan() { "$ROOT/scripts/tartan" "$@"; }

family="${1:-all}"
case "$family" in text|synth|scaling|filters|headline|all) ;; *) echo "figures.sh: unknown family '$family' (text, synth, scaling, filters, headline, all)" >&2; exit 2 ;; esac
if [ "$family" = text ] || [ "$family" = all ]; then
  tartan bench text --data "$SHARED/data/scifact" --data "$SHARED/data/cranfield" --data "$SHARED/data/cisi" \
    --work "$OUT" --json "$OUT/text.json" --md "$OUT/text.md" "${REUSE_FLAG[@]}"
fi
if [ "$family" = synth ] || [ "$family" = all ]; then
  tartan bench synth --data "$SYNTH" --nbits 1,2,4 --work "$OUT" --json "$OUT/synth.json" --md "$OUT/synth.md" \
    --png "$DOCS/synth-recall-latency.png" "${REUSE_FLAG[@]}"
fi
if [ "$family" = scaling ] || [ "$family" = all ]; then
  tartan bench scaling --data "$SCALING" --work "$OUT" --json "$OUT/scaling.json" --md "$OUT/scaling.md" \
    --png "$DOCS/synth-scaling.png" "${REUSE_FLAG[@]}"
fi
if [ "$family" = filters ] || [ "$family" = all ]; then
  # filtered search at 1%, 10% and 50% selectivity against the unfiltered one (labels and index under $OUT/filters)
  tartan bench filters --data "$SYNTH" --work "$OUT/filters" --json "$OUT/filters.json" --md "$OUT/filters.md" \
    "${REUSE_FLAG[@]}"
fi
if [ "$family" = headline ] || [ "$family" = all ]; then
  data="$SYNTH"
  cmdline="scripts/bench/figures.sh headline"
  for v in NDOCS TARTAN_HEAP JMH_FORKS JMH_WARMUP JMH_ITERATIONS JMH_TIME REUSE; do
    [ -n "${!v:-}" ] && cmdline="$v=${!v} $cmdline"
  done
  if [ -n "${NDOCS:-}" ]; then
    data="$OUT/synth-$NDOCS"
    if [ ! -f "$data/exact_top10.tsv" ]; then
      python3 "$SHARED/bench/gen_synth.py" --out-dir "$data" --ndocs "$NDOCS"
    fi
  fi
  [ -f "$data/docs.npy" ] || { echo "figures.sh: no synthetic data in $data (gen_synth.py --out-dir $data)" >&2; exit 2; }
  started=$(utc_now)
  load_start=$(load)
  tartan bench synth --data "$data" --nbits 2 --no-curve --work "$OUT/headline" --json "$OUT/headline-synth.json" \
    --md "$OUT/headline-synth.md" "${REUSE_FLAG[@]}" > /dev/null
  "$ROOT/scripts/bench-kernels.sh" -rf json -rff "$OUT/headline-kernels.json" > "$OUT/headline-kernels.log"
  load_end=$(load)
  cpu=$(cpu_name)
  tartan bench headline --synth "$OUT/headline-synth.json" --kernels "$OUT/headline-kernels.json" \
    --command "$cmdline" --cpu "${cpu:-unknown}" --started "$started" --ended "$(utc_now)" \
    --load-start "$load_start" --load-end "$load_end" --md "$OUT/headline.md"
fi
