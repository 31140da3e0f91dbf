#!/usr/bin/env bash
# Token pooling figures (issue 17): builds each data set with IndexJob at pool_factor 1, 2 and 3 and prints one table
# (input and stored tokens, bytes per stored and per input token, exhaustive and default-search quality, default
# search p50/p95 on one thread, build seconds), with the command, CPU, date and load average before and after:
#   scripts/bench/pooling.sh
# Text collections are measured by nDCG@10 (bundled encoder), the synthetic set by recall@10 against exact_top10.tsv.
# A text collection is encoded once (into $OUT/encoded-NAME, as precomputed-vector input) and every pool factor's
# index is built from those vectors, so three factors cost one encoding.
# The cheap data sets come first and the table is rewritten after every index, so a run stopped early keeps its rows.
# Environment: SHARED (default: ../shared next to the repository), SYNTH (gen_synth.py output, default
# $SHARED/../synth), DATA (comma-separated data set folders, measured in order; default Cranfield, CISI, $SYNTH,
# SciFact), FACTORS (default 1,2,3), MODEL_CONFIG (encoder model config for text, e.g. the e5-small-v2 config
# scripts/bench/encoders.sh writes; default the bundled encoder), NICE (nice level, default 10), OUT (default
# target/bench/pooling: encodings, indexes, pooling.json, pooling.md), REUSE=1 (take the encodings and indexes an
# earlier run left in $OUT). p50 is only meaningful on an idle machine; tokens, bytes and quality do not depend on
# load.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
SYNTH="${SYNTH:-$SHARED/../synth}"
DATA="${DATA:-$SHARED/data/cranfield,$SHARED/data/cisi,$SYNTH,$SHARED/data/scifact}"
FACTORS="${FACTORS:-1,2,3}"
OUT="${OUT:-$ROOT/target/bench/pooling}"
mkdir -p "$OUT"
args=()
IFS=',' read -ra sets <<< "$DATA"
for d in "${sets[@]}"; do
  [ -d "$d" ] || { echo "pooling.sh: no data set at $d" >&2; exit 2; }
  args+=(--data "$d")
done
[ "${REUSE:-0}" = 1 ] && args+=(--reuse)
[ -n "${MODEL_CONFIG:-}" ] && args+=(--model-config "$MODEL_CONFIG")
started=$(utc_now)
load_start=$(load)
nice -n "${NICE:-10}" "$ROOT/scripts/tartan" bench pooling "${args[@]}" --pool-factors "$FACTORS" --work "$OUT" \
  --json "$OUT/pooling.json" --md "$OUT/pooling.md" > /dev/null
load_end=$(load)
cpu=$(cpu_name)
{
  echo "Command: \`FACTORS=$FACTORS${MODEL_CONFIG:+ MODEL_CONFIG=$MODEL_CONFIG} scripts/bench/pooling.sh\` (data: $DATA)"
  echo "CPU: ${cpu:-unknown}; started $started, ended $(utc_now); load average $load_start → $load_end"
  echo
  cat "$OUT/pooling.md"
} | tee "$OUT/pooling-report.md"
