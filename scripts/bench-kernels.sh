#!/usr/bin/env bash
# JMH micro-benchmarks of the index-format kernels (decompression, MaxSim) in tokens/s, scalar vs Vector API.
# Usage: scripts/bench-kernels.sh [extra JMH args, e.g. -p nbits=2]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mvn -q -pl index-format test-compile dependency:build-classpath -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test
CP="index-format/target/test-classes:index-format/target/classes:$(cat index-format/target/test-classpath.txt)"
exec java --add-modules=jdk.incubator.vector -cp "$CP" org.openjdk.jmh.Main 'io.tartan.format.bench.KernelBenchmark' "$@"
