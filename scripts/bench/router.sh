#!/usr/bin/env bash
# The router figures of docs/BENCHMARKS.md ("Partitions and the router"): starts on 127.0.0.1 a single-node
# `tartan serve` over INDEX, PARTITIONS partition servers (--partition i/PARTITIONS) and a router (--route) over
# them, each its own JVM, then runs io.tartan.query.bench.RouterBench: whether every query's exact top-K through the
# router equals the single node's (ids and scores), and p50 of the router against p50 of the slowest partition
# (default mode, one client). Stops all servers at the end.
#   scripts/bench/router.sh INDEX [QUERIES_NPY]
# Environment: PARTITIONS (3), PORT (first port, 18490; the next PARTITIONS+1 are used too), THREADS (search threads
# per server, 1), TIMEOUT_MS (the router's --partition-timeout-ms, 60000: the bench measures, a cold exact scan on a
# loaded machine can take seconds, and a partial answer would stop it), K (10), WARMUP (unrecorded rounds over the queries, 2),
# SERVER_HEAP (each server's -Xmx, 1g), SERVE_FLAGS (extra flags for every index server, e.g. "--ncells 4"),
# VECTORS (how the bench sends query vectors: json, the default, as arrays of numbers; base64, little-endian float32;
# both: every figure for each, timed query by query in alternating order on the same servers, plus the single node's
# p50 both ways), OUT (target/bench: router.json and the server logs).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
INDEX="${1:?usage: router.sh INDEX [QUERIES_NPY]}"
QUERIES="${2:-}"
OUT="${OUT:-$ROOT/target/bench}"
PORT="${PORT:-18490}"
N="${PARTITIONS:-3}"
mkdir -p "$OUT"
cd "$ROOT"
build_app_tests

PIDS=()
trap 'for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done' EXIT

# starts one server (name, port, flags…) and waits for its /health; one at a time, so the first builds the segment
# cache and the others find it warm
serve() {
  local name="$1" port="$2"
  shift 2
  BENCH_HEAP="${SERVER_HEAP:-1g}" bench_java io.tartan.query.cli.ServeCommand --port "$port" --threads "${THREADS:-1}" --poll-seconds 0 "$@" \
    > "$OUT/router.$name.log" 2>&1 &
  PIDS+=($!)
  wait_healthy "$port" "${PIDS[-1]}" "$OUT/router.$name.log"
}

# shellcheck disable=SC2086
serve single "$PORT" --index "$INDEX" --no-text ${SERVE_FLAGS:-}
URLS=()
for i in $(seq 0 $((N - 1))); do
  # shellcheck disable=SC2086
  serve "partition-$i" $((PORT + 1 + i)) --index "$INDEX" --no-text --partition "$i/$N" ${SERVE_FLAGS:-}
  URLS+=("http://127.0.0.1:$((PORT + 1 + i))")
done
ROUTE=$(IFS=,; echo "${URLS[*]}")
serve router $((PORT + N + 1)) --route "$ROUTE" --partition-timeout-ms "${TIMEOUT_MS:-60000}"

ARGS=(--single "http://127.0.0.1:$PORT" --router "http://127.0.0.1:$((PORT + N + 1))" --partitions "$ROUTE"
  --k "${K:-10}" --warmup-rounds "${WARMUP:-2}" --vectors "${VECTORS:-json}" --json "$OUT/router.json")
[ -n "$QUERIES" ] && ARGS+=(--queries-npy "$QUERIES")
BENCH_HEAP=1g bench_java io.tartan.query.bench.RouterBench "${ARGS[@]}"
machine_line
