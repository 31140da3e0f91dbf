#!/usr/bin/env bash
# Old and new query runtime side by side on one index, in one run: SynthBenchmark (load time, p50/p95, recall@10 vs
# exact_top10.tsv, 200 queries one at a time on 1 thread) from two checkouts, alternated ROUNDS times (old, new, old,
# new, …) so drift in machine load hits both alike.
#   scripts/bench/ab-search.sh OLD_CHECKOUT NEW_CHECKOUT INDEX SYNTH_DIR [ROUNDS, default 2]
# MODE=headline (default: the FAST and PLAID defaults, 3 passes, then the exhaustive search, which takes minutes at
# 4x) or MODE=recall (the two defaults after one warm-up pass, no exhaustive search) or MODE=stages (StageProfile: FAST
# defaults, the time of each stage, p50 and mean; STAGES_ARGS adds its optional arguments, e.g. "plaid" or "fast 8").
# A checkout is a clone or `git worktree add DIR <rev>`; each is compiled offline (test classes, no install).
# Both must read INDEX (build it with the older of the two when the format changed).
set -euo pipefail
OLD="$(cd "$1" && pwd)"; NEW="$(cd "$2" && pwd)"; INDEX="$3"; SYNTH="$4"; ROUNDS="${5:-2}"
# the CLI, server and benchmark classes live in query-runtime/app since the runtime was split (older checkouts: in
# query-runtime itself)
app() { if [ -d "$1/query-runtime/app" ]; then echo query-runtime/app; else echo query-runtime; fi; }
prepare() {
  (cd "$1" && mvn -B -q -o -pl "$(app "$1")" -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/test-classpath.txt) >&2
}
classpath() {
  local a; a=$(app "$1")
  echo "$1/$a/target/test-classes:$1/$a/target/classes:$1/query-runtime/target/classes:$1/index-format/target/classes:$1/encoders/target/classes:$(cat "$1/$a/target/test-classpath.txt")"
}
prepare "$OLD"; prepare "$NEW"
OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' "$NEW/pom.xml")
echo "# ab-search $(date -u +%FT%TZ) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores"
echo "# old: $(git -C "$OLD" rev-parse --short HEAD)  new: $(git -C "$NEW" rev-parse --short HEAD)  index: $INDEX"
for r in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    tree=$OLD; [ "$side" = new ] && tree=$NEW
    echo "## round $r, $side ($(git -C "$tree" rev-parse --short HEAD)), load $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ "${MODE:-headline}" = stages ]; then
      main=io.tartan.query.search.StageProfile; args=(${STAGES_ARGS:-})
    else
      main=io.tartan.query.bench.SynthBenchmark; args=("${MODE:-headline}")
    fi
    # shellcheck disable=SC2086
    java -Xmx4g $OPENS -Dlog4j2.configurationFile="$NEW/conf/log4j2.properties" -cp "$(classpath "$tree")" \
      "$main" "$INDEX" "$SYNTH" "${args[@]}"
  done
done
