#!/usr/bin/env bash
# Library throughput with threads: io.tartan.query.bench.ThreadBench on INDEX with the synthetic queries of SYNTH_DIR,
# FAST defaults, k 10; prints QPS, p50, p95 and recall@10 per thread count, and how many results differ from the
# 1-thread ones (searches share no mutable state, so 0).
#   scripts/bench/threads.sh INDEX SYNTH_DIR [THREADS, default 1,2] [PASSES, default 3]
# HTTP throughput with concurrent clients is scripts/bench/serve-load.sh.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
INDEX="${1:?usage: threads.sh INDEX SYNTH_DIR [THREADS] [PASSES]}"; SYNTH="${2:?usage: threads.sh INDEX SYNTH_DIR [THREADS] [PASSES]}"
cd "$ROOT"
build_app_tests
echo "# threads.sh $(utc_now) on $(cpu_name), $(nproc) cores, $(git rev-parse --short HEAD)"
bench_java io.tartan.query.bench.ThreadBench "$INDEX" "$SYNTH" "${3:-1,2}" "${4:-3}"
