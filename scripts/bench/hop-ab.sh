#!/usr/bin/env bash
# Old and new side by side (docs/BENCHMARKS.md, "Where a hop's time goes"): for each of two trees, OLD (built with
# its own query application and test classes, e.g. a clone at another commit) and this one, starts on 127.0.0.1 a
# single-node `tartan serve` over INDEX, PARTITIONS partition servers and a router over them (each its own JVM, one
# search thread), then runs io.tartan.query.server.HopAB: every server's POST /search p50/p95 (base64 vectors, default
# mode) and each set's partitions all at once from the client, query by query in rotating order on blocking sockets,
# so load drifts hit both trees alike. Stops all servers at the end.
#   scripts/bench/hop-ab.sh OLD_TREE INDEX QUERIES_NPY
# Environment: PARTITIONS (3), PORT (first port, 19300; the next 2 × (PARTITIONS + 2) − 1 are used too), ROUNDS
# (timed rounds over the queries, 3), OUT (target/bench/hop-ab: the server logs).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OLD="$(cd "${1:?usage: hop-ab.sh OLD_TREE INDEX QUERIES_NPY}" && pwd)"
INDEX="${2:?usage: hop-ab.sh OLD_TREE INDEX QUERIES_NPY}"
QUERIES="${3:?usage: hop-ab.sh OLD_TREE INDEX QUERIES_NPY}"
N="${PARTITIONS:-3}"
OUT="${OUT:-$ROOT/target/bench/hop-ab}"
PORT="${PORT:-19300}"
mkdir -p "$OUT"
build_app_tests "$OLD"
build_app_tests

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done' EXIT

# starts one server of tree $1 (name, port, flags…) and waits for its /health
serve() {
  local tree="$1" name="$2" port="$3"
  shift 3
  TREE="$tree" BENCH_HEAP=1g bench_java io.tartan.query.cli.ServeCommand --port "$port" --threads 1 --poll-seconds 0 "$@" \
    > "$OUT/$name.log" 2>&1 &
  PIDS+=($!)
  wait_healthy "$port" "${PIDS[-1]}" "$OUT/$name.log"
}

TARGETS=()
FANOUT=()
p="$PORT"
for set in old new; do
  tree="$OLD"
  [ "$set" = new ] && tree="$ROOT"
  serve "$tree" "single-$set" "$p" --index "$INDEX" --no-text
  TARGETS+=("single-$set=http://127.0.0.1:$p")
  p=$((p + 1))
  URLS=()
  for i in $(seq 0 $((N - 1))); do
    serve "$tree" "p$i-$set" "$p" --index "$INDEX" --no-text --partition "$i/$N"
    URLS+=("http://127.0.0.1:$p")
    TARGETS+=("p$i-$set=http://127.0.0.1:$p")
    p=$((p + 1))
  done
  serve "$tree" "router-$set" "$p" --route "$(IFS=,; echo "${URLS[*]}")" --partition-timeout-ms 60000
  TARGETS+=("router-$set=http://127.0.0.1:$p")
  p=$((p + 1))
  FANOUT+=(--fanout "all-at-once-$set=$(IFS='|'; echo "${URLS[*]}")")
done
echo "old: $OLD ($(git -C "$OLD" rev-parse --short HEAD)), new: $ROOT ($(git -C "$ROOT" rev-parse --short HEAD))"
BENCH_HEAP=1g bench_java io.tartan.query.server.HopAB --targets "$(IFS=,; echo "${TARGETS[*]}")" "${FANOUT[@]}" \
  --queries-npy "$QUERIES" --rounds "${ROUNDS:-3}" --warmup-rounds 1
machine_line
