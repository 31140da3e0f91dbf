#!/usr/bin/env bash
# Library throughput with threads: io.tartan.query.bench.ThreadBench on INDEX with the synthetic queries of SYNTH_DIR,
# FAST defaults, k 10; prints QPS, p50, p95 and recall@10 per thread count, and how many results differ from the
# 1-thread ones (searches share no mutable state, so 0).
#   scripts/bench/threads.sh INDEX SYNTH_DIR [THREADS, default 1,2] [PASSES, default 3]
# HTTP throughput with concurrent clients is scripts/bench/serve-load.sh.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
INDEX="${1:?usage: threads.sh INDEX SYNTH_DIR [THREADS] [PASSES]}"; SYNTH="${2:?usage: threads.sh INDEX SYNTH_DIR [THREADS] [PASSES]}"
cd "$ROOT"
mvn -B -q -o -pl query-runtime/app -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >&2
OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' pom.xml)
CP="query-runtime/app/target/test-classes:query-runtime/app/target/classes:query-runtime/target/classes:index-format/target/classes"
echo "# threads.sh $(date -u +%FT%TZ) on $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores, $(git rev-parse --short HEAD)"
# shellcheck disable=SC2086
java -Xmx4g $OPENS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" \
  -cp "$CP:$(cat query-runtime/app/target/test-classpath.txt)" io.tartan.query.bench.ThreadBench "$INDEX" "$SYNTH" "${3:-1,2}" "${4:-3}"
