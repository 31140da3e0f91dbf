#!/usr/bin/env bash
# Regenerates docs/bench/query-runtime.md's figures: synthetic data (gen_synth.py defaults), the benchmark-only
# index (SynthIndexBuilder, nbits 2, k = 16384), then load time, B/token and the recall/latency curve on 1 thread.
#   query-runtime/bench/run.sh [work dir, default target/bench] [data dir, default <work dir>/synth]
# The work dir (git-ignored) receives the 50 MB index and a k-means cache (kmeans-*.bin, ~90 MB) that later builds
# with the same data reuse; the data dir (~600 MB) is generated only if it has no exact_top10.tsv, so an existing
# data set such as /work/synth is read, never rewritten. MODE=headline skips the curve.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="$(mkdir -p "${1:-$ROOT/target/bench}" && cd "${1:-$ROOT/target/bench}" && pwd)"
DATA="${2:-$WORK/synth}"
cd "$ROOT"
OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' pom.xml)
mvn -q -o -pl query-runtime/app -am test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
CP="query-runtime/app/target/test-classes:query-runtime/app/target/classes:query-runtime/target/classes:index-format/target/classes:$(cat query-runtime/app/target/test-classpath.txt)"
[ -f "$DATA/exact_top10.tsv" ] || python3 ../shared/bench/gen_synth.py --out-dir "$DATA"
[ -d "$WORK/index/metadata" ] || java -Xmx8g $OPENS -cp "$CP" io.tartan.query.bench.SynthIndexBuilder "$DATA" "$WORK/index" 2 1199523 4
java -Xmx4g $OPENS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$CP" \
  io.tartan.query.bench.SynthBenchmark "$WORK/index" "$DATA" "${MODE:-curve}"
