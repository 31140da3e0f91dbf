#!/usr/bin/env bash
# Regenerates docs/bench/query-runtime.md's figures: synthetic data (gen_synth.py defaults), the benchmark-only
# index (SynthIndexBuilder, nbits 2, k = 16384), then load time, B/token and the recall/latency curve on 1 thread.
#   query-runtime/bench/run.sh [work dir, default target/bench]   (git-ignored; ~600 MB data + 50 MB index)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$ROOT/target/bench}"
cd "$ROOT"
OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' pom.xml)
mvn -q -pl query-runtime -am install -DskipTests
mvn -q -pl query-runtime test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
CP="query-runtime/target/test-classes:query-runtime/target/classes:index-format/target/classes:$(cat query-runtime/target/test-classpath.txt)"
mkdir -p "$WORK"
[ -f "$WORK/synth/exact_top10.tsv" ] || python3 ../shared/bench/gen_synth.py --out-dir "$WORK/synth"
[ -d "$WORK/index/metadata" ] || java -Xmx8g $OPENS -cp "$CP" io.tartan.query.bench.SynthIndexBuilder "$WORK/synth" "$WORK/index" 2 1199523 4
java -Xmx4g $OPENS -Dlog4j2.configurationFile=conf/log4j2.properties -cp "$CP" \
  io.tartan.query.bench.SynthBenchmark "$WORK/index" "$WORK/synth" "${MODE:-curve}"
