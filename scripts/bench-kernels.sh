#!/usr/bin/env bash
# JMH micro-benchmarks of the index-format kernels in document tokens/s: decompression per nbits, and MaxSim with the
# Vector API against the scalar reference.
# Usage: scripts/bench-kernels.sh [extra JMH args, e.g. -rf json -rff kernels.json]
# Environment (defaults give a 99.9% error of a few percent on an idle machine; run it when nothing else does):
#   JMH_FORKS (3), JMH_WARMUP (3 warm-up iterations), JMH_ITERATIONS (5 measured iterations), JMH_TIME (1s each).
# A smoke run: JMH_FORKS=1 JMH_WARMUP=0 JMH_ITERATIONS=1 JMH_TIME=100ms scripts/bench-kernels.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -pl index-format test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
CP="index-format/target/test-classes:index-format/target/classes:$(cat index-format/target/test-classpath.txt)"
exec java --add-modules=jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main 'io.tartan.format.bench.KernelBenchmark' \
  -f "${JMH_FORKS:-3}" -wi "${JMH_WARMUP:-3}" -i "${JMH_ITERATIONS:-5}" -w "${JMH_TIME:-1s}" -r "${JMH_TIME:-1s}" "$@"
