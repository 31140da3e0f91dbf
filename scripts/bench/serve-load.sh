#!/usr/bin/env bash
# Load on `tartan serve` (the figures of docs/BENCHMARKS.md, "HTTP under load"): starts a server on 127.0.0.1
# over INDEX, runs io.tartan.query.bench.ServeLoad against it, prints p50/p99 latency, throughput and the 503 count,
# then stops the server.
#   scripts/bench/serve-load.sh INDEX [QUERIES_NPY]
# Environment: CLIENTS (8), DURATION (seconds, 20), SLOW (slow-loris connections, 4), THREADS (search threads, 2),
# WARMUP (unrecorded seconds first, 5), QUEUE (64), PORT (18480), OUT (target/bench: serve-load.json and the server log).
# A second run with CLIENTS above THREADS + QUEUE shows the bounded queue refusing the excess with 503.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
INDEX="${1:?usage: serve-load.sh INDEX [QUERIES_NPY]}"
QUERIES="${2:-}"
OUT="${OUT:-$ROOT/target/bench}"
PORT="${PORT:-18480}"
mkdir -p "$OUT"
cd "$ROOT"
build_app_tests

"$ROOT/scripts/tartan" serve --index "$INDEX" --port "$PORT" --threads "${THREADS:-2}" --queue "${QUEUE:-64}" \
  --poll-seconds 0 --no-text > "$OUT/serve-load.server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true' EXIT
wait_healthy "$PORT" "$SERVER" "$OUT/serve-load.server.log"

ARGS=(--url "http://127.0.0.1:$PORT" --clients "${CLIENTS:-8}" --seconds "${DURATION:-20}" --slow "${SLOW:-4}"
  --warmup-seconds "${WARMUP:-5}"
  --json "$OUT/serve-load.json")
[ -n "$QUERIES" ] && ARGS+=(--queries-npy "$QUERIES")
echo "| clients | slow-loris | seconds | answered | 503 | failed | p50 ms | p99 ms | queries/s |"
echo "|---|---|---|---|---|---|---|---|---|"
BENCH_HEAP=1g bench_java io.tartan.query.bench.ServeLoad "${ARGS[@]}" | tail -1
machine_line
