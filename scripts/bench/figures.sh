#!/usr/bin/env bash
# Regenerates the figures of docs/bench/eval.md and docs/bench/synth.md (JSON, Markdown tables, PNG charts):
#   scripts/bench/figures.sh [text|synth|scaling|all]
# Environment: SHARED (default: ../shared next to the repository), SYNTH (gen_synth.py output, default
# $SHARED/../synth), OUT (default target/bench: indexes, JSON, Markdown), DOCS (where the PNGs go, default docs/bench),
# SCALING (the scaling family's data sets, smallest first, comma-separated; default $SYNTH and the 4x and 10x sets
# made by `gen_synth.py --ndocs 80000 --out-dir $SHARED/../synth4` and `--ndocs 200000 --out-dir $SHARED/../synth10`).
# Pass REUSE=1 to measure indexes an earlier run left in $OUT instead of building them again.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"
SYNTH="${SYNTH:-$SHARED/../synth}"
SCALING="${SCALING:-$SYNTH,$SHARED/../synth4,$SHARED/../synth10}"
OUT="${OUT:-$ROOT/target/bench}"
DOCS="${DOCS:-$ROOT/docs/bench}"
REUSE_FLAG=()
[ "${REUSE:-0}" = 1 ] && REUSE_FLAG=(--reuse)
mkdir -p "$OUT"
tartan() { "$ROOT/scripts/tartan" "$@"; }

family="${1:-all}"
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
