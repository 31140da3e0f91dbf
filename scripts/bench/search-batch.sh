#!/usr/bin/env bash
# SearchJob (tartan search-batch) against tartan search on one index and an npy query set:
#   scripts/bench/search-batch.sh INDEX QUERIES.npy [OUT]
# 1. `tartan search --query-vectors QUERIES --run OUT/cli.trec`: the CLI, one JVM, the queries one at a time
#    (timed whole: JVM start, index open, searches);
# 2. `tartan bench search-batch --expect OUT/cli.trec`: the query runtime in one JVM, then SearchJob with 1 and 2
#    index partitions (PARTITIONS, default 1,2; MODE, default fast), each compared with the CLI's run query by query
#    (doc ids and scores at every rank).
# Prints a Markdown table with the command, CPU, date and load average at start and end. OUT defaults to
# target/bench/search-batch. TARTAN_MASTER picks SearchJob's master (default local[*]).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
[ $# -ge 2 ] || { sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }
INDEX="$1"; QUERIES="$2"; OUT="${3:-$ROOT/target/bench/search-batch}"
MODE="${MODE:-fast}"; PARTITIONS="${PARTITIONS:-1,2}"
mkdir -p "$OUT"
started=$(utc_now); load_start=$(load)
t0=$(date +%s.%N)
"$ROOT/scripts/tartan" search --index "$INDEX" --query-vectors "$QUERIES" --mode "$MODE" --run "$OUT/cli.trec"
cli_s=$(echo "$(date +%s.%N) - $t0" | bc)
nq=$(cut -d' ' -f1 "$OUT/cli.trec" | sort -u | wc -l)
"$ROOT/scripts/tartan" bench search-batch --index "$INDEX" --queries "$QUERIES" --expect "$OUT/cli.trec" \
  --mode "$MODE" --partitions "$PARTITIONS" --work "$OUT" > /dev/null
cpu=$(cpu_name)
{
  echo "Command: \`scripts/bench/search-batch.sh $INDEX $QUERIES\` (MODE=$MODE, PARTITIONS=$PARTITIONS). Machine: ${cpu:-unknown}, $(nproc) cores. Run $started → $(utc_now); load average (1/5/15 min) at start $load_start, at end $(load)."
  echo
  printf 'tartan search (one process: JVM start, index open, %s queries one at a time): %.1f s, %.1f queries/s.\n\n' \
    "$nq" "$cli_s" "$(echo "$nq / $cli_s" | bc -l)"
  cat "$OUT/search-batch.md"
} | tee "$OUT/search-batch-report.md"
