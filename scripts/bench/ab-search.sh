#!/usr/bin/env bash
# Old and new query runtime side by side on one index, in one run: SynthBenchmark (load time, p50/p95, recall@10 vs
# exact_top10.tsv, 200 queries one at a time on 1 thread) from two checkouts, alternated ROUNDS times (old, new, old,
# new, …) so drift in machine load hits both alike.
#   scripts/bench/ab-search.sh OLD_CHECKOUT NEW_CHECKOUT INDEX SYNTH_DIR [ROUNDS, default 2]
# MODE=headline (default: the FAST and PLAID defaults, 3 passes, then the exhaustive search, which takes minutes at
# 4x) or MODE=recall (the two defaults after one warm-up pass, no exhaustive search) or MODE=stages (StageProfile: FAST
# defaults, the time of each stage, p50 and mean; STAGES_ARGS adds its optional arguments, e.g. "plaid" or "fast 8";
# OLD_STAGES_ARGS / NEW_STAGES_ARGS, where set, replace it for that side, e.g. to set ngroups on one side only).
# A checkout is a clone or `git worktree add DIR <rev>`; each is compiled offline (test classes, no install).
# Both must read INDEX (build it with the older of the two when the format changed).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OLD="$(cd "$1" && pwd)"; NEW="$(cd "$2" && pwd)"; INDEX="$3"; SYNTH="$4"; ROUNDS="${5:-2}"
build_app_tests "$OLD"; build_app_tests "$NEW"
echo "# ab-search $(utc_now) on $(cpu_name), $(nproc) cores"
echo "# old: $(git -C "$OLD" rev-parse --short HEAD)  new: $(git -C "$NEW" rev-parse --short HEAD)  index: $INDEX"
for r in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    tree=$OLD; [ "$side" = new ] && tree=$NEW
    echo "## round $r, $side ($(git -C "$tree" rev-parse --short HEAD)), load $(load)"
    if [ "${MODE:-headline}" = stages ]; then
      main=io.tartan.query.search.StageProfile; args=(${STAGES_ARGS:-})
      if [ "$side" = old ] && [ -n "${OLD_STAGES_ARGS:-}" ]; then args=($OLD_STAGES_ARGS); fi
      if [ "$side" = new ] && [ -n "${NEW_STAGES_ARGS:-}" ]; then args=($NEW_STAGES_ARGS); fi
    else
      main=io.tartan.query.bench.SynthBenchmark; args=("${MODE:-headline}")
    fi
    TREE="$tree" bench_java "$main" "$INDEX" "$SYNTH" "${args[@]}"
  done
done
