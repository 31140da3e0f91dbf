# Shared by the scripts in scripts/bench, which source it first:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# It sets ROOT (the repository) and SHARED (default: ../shared next to it), turns on `set -euo pipefail`, and gives the
# machine and load lines every report carries and the class path of the query application for benchmark mains.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SHARED="${SHARED:-$ROOT/../shared}"

cpu_name() { lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -1; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
utc_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
# "machine: …; load: …; date" — the closing line of a report
machine_line() { echo "machine: $(cpu_name), $(nproc) CPUs, $(uname -m); load average $(load); $(utc_now)"; }
# the --add-opens flags the JVM needs (Spark, Arrow), as the parent pom lists them; $1: a tree (default ROOT)
jvm_opens() { sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' "${1:-$ROOT}/pom.xml"; }

# the query application module of a tree: query-runtime/app, or query-runtime in trees from before the split
app_module() { if [ -d "${1:-$ROOT}/query-runtime/app" ]; then echo query-runtime/app; else echo query-runtime; fi; }

# builds the query application of tree $1 (default ROOT) with its test classes (the benchmark mains) and writes its
# test-scope dependency class path to target/test-classpath.txt
build_app_tests() {
  local tree="${1:-$ROOT}"
  (cd "$tree" && mvn -B -q -o -pl "$(app_module "$tree")" -am -DskipTests test-compile package \
    dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt) >&2
}

# the class path of tree $1's (default ROOT) query application with its test classes: the modules' classes, then the
# dependency jars build_app_tests listed (sibling module jars in it are shadowed by the classes before them)
app_classpath() {
  local tree="${1:-$ROOT}" app m cp
  app="$(app_module "$tree")"
  cp="$tree/$app/target/test-classes:$tree/$app/target/classes"
  for m in query-runtime query-runtime/hadoop query-runtime/text index-format encoders; do
    [ "$m" != "$app" ] && [ -d "$tree/$m/target/classes" ] && cp="$cp:$tree/$m/target/classes"
  done
  echo "$cp:$(cat "$tree/$app/target/test-classpath.txt")"
}

# runs a main of tree $TREE's (default ROOT) query application on the class path above, with the JVM flags and logging
# the scripts use; heap from BENCH_HEAP (default 4g). Started in the background (&) or a pipeline it replaces its
# subshell, so $! is the JVM's pid and killing it stops the JVM.
bench_java() {
  local cmd
  # shellcheck disable=SC2207
  cmd=(java -Xmx"${BENCH_HEAP:-4g}" $(jvm_opens "$ROOT") -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties"
    -cp "$(app_classpath "${TREE:-$ROOT}")")
  if [ "$BASHPID" != "$$" ]; then
    exec "${cmd[@]}" "$@"
  fi
  "${cmd[@]}" "$@"
}

# waits until the server on port $1 (process $2, logging to $3) answers /health; exits showing its log if it dies
wait_healthy() {
  local port="$1" pid="$2" log="$3"
  for _ in $(seq 1 3000); do
    curl -sf "http://127.0.0.1:$port/health" > /dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; exit 1; }
    sleep 0.2
  done
  echo "server on port $port not healthy after 600 s (log: $log)" >&2
  exit 1
}
