#!/usr/bin/env bash
# A Spark standalone cluster on this machine, from the Maven jars (no Spark download): a Master and N Workers on
# 127.0.0.1, the same recipe the cluster tests use (jobs/src/test/java/io/tartan/jobs/cluster/LocalSparkCluster).
#   scripts/local-cluster.sh start [--workers N] [--cores C] [--memory 2g] [--gpus G]
#   scripts/local-cluster.sh status
#   scripts/local-cluster.sh stop
# Then: scripts/submit.sh --master "$(scripts/local-cluster.sh url)" -- --input ... --output ...
# --gpus G gives each Worker G GPUs found by conf/getGpusResources.sh (nvidia-smi).
# Environment: JAVA (default java), TARTAN_CLUSTER_DIR (state, logs, work dirs; default target/local-cluster),
# MASTER_PORT (default 7077; 0 = any free port), MASTER_WEBUI_PORT (default 8080; 0 = any).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA:-java}"
STATE="${TARTAN_CLUSTER_DIR:-$ROOT/target/local-cluster}"
OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' "$ROOT/pom.xml")
WAIT_S=90

usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "local-cluster: $*" >&2; exit 1; }

shaded_jar() { ls "$ROOT"/jobs/target/tartan-jobs-*-shaded.jar 2>/dev/null | head -1; }

ensure_built() {
  if [ ! -f "$ROOT/jobs/target/classpath.txt" ] || [ -z "$(shaded_jar)" ]; then
    echo "local-cluster: building the jobs module (mvn -DskipTests package)..." >&2
    (cd "$ROOT" && mvn -q -DskipTests -pl jobs -am package) >&2
  fi
}

# $SPARK_HOME/jars as a Spark distribution has it: Spark and its dependencies, nothing of Tartan's and nothing the
# shaded jar bundles (so jobs run only if the shaded jar is complete, as on a real cluster).
make_spark_home() {
  local home="$STATE/spark-home" bundled jar
  rm -rf "$home" && mkdir -p "$home/jars"
  # repository paths .../group/as/dirs/artifact/ of the libraries the shaded jar carries
  bundled=$(list_jar "$(shaded_jar)" | grep '^META-INF/maven/.*/pom.properties$' \
    | awk -F/ '{ g = $3; gsub(/\./, "/", g); print "/" g "/" $4 "/" }' || true)
  tr ':' '\n' < "$ROOT/jobs/target/classpath.txt" | while read -r jar; do
    case "$jar" in *.jar) ;; *) continue ;; esac
    case "$(basename "$jar")" in tartan-*) continue ;; esac
    if [ -n "$bundled" ] && grep -qF -f <(echo "$bundled") <<< "$jar"; then continue; fi
    ln -sf "$jar" "$home/jars/$(basename "$jar")"
  done
  [ -n "$(ls "$home/jars" | grep '^spark-core_')" ] || die "spark-core not in jobs/target/classpath.txt"
}

list_jar() {
  if command -v unzip >/dev/null; then unzip -Z1 "$1"
  else "$(dirname "$(readlink -f "$(command -v "$JAVA")")")/jar" tf "$1"; fi
}

daemon_cp() { ls "$STATE"/spark-home/jars/*.jar | paste -sd:; }

launch() { # name main-class jvm-options... -- args...
  local name="$1" main="$2"; shift 2
  local jvm=() args=()
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do jvm+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  args=("$@")
  mkdir -p "$STATE/logs" "$STATE/tmp/$name"
  # shellcheck disable=SC2086
  SPARK_HOME="$STATE/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
    nohup "$JAVA" $OPENS -Xmx512m -Djava.io.tmpdir="$STATE/tmp/$name" -Dspark.local.dir="$STATE/tmp/$name" \
    "${jvm[@]}" -cp "$(daemon_cp)" "$main" "${args[@]}" > "$STATE/logs/$name.log" 2>&1 < /dev/null &
  echo "$! $name" >> "$STATE/pids"
}

await_log() { # file pattern what
  local i
  for ((i = 0; i < WAIT_S * 5; i++)); do
    grep -q "$2" "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  tail -30 "$1" >&2 || true
  die "no $3 within $WAIT_S s (log: $1)"
}

master_url() { sed -n 's/.*Starting Spark master at \(spark:[^ ]*\).*/\1/p' "$STATE/logs/master.log" 2>/dev/null | head -1; }

alive() { [ -f "$STATE/pids" ] && while read -r pid name; do kill -0 "$pid" 2>/dev/null && echo "$pid $name"; done < "$STATE/pids"; }

start() {
  local workers=2 cores=1 memory=2g gpus=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --workers) workers="$2"; shift 2 ;;
      --cores) cores="$2"; shift 2 ;;
      --memory) memory="$2"; shift 2 ;;
      --gpus) gpus="$2"; shift 2 ;;
      *) die "unknown option $1" ;;
    esac
  done
  [ -z "$(alive || true)" ] || die "already running (scripts/local-cluster.sh stop first): $(alive | paste -sd' ')"
  ensure_built
  rm -rf "$STATE/logs" "$STATE/pids" && mkdir -p "$STATE"
  make_spark_home
  launch master org.apache.spark.deploy.master.Master -- --host 127.0.0.1 --port "${MASTER_PORT:-7077}" \
    --webui-port "${MASTER_WEBUI_PORT:-8080}"
  await_log "$STATE/logs/master.log" "Starting Spark master at" "master"
  local url i gpu_opts=()
  url=$(master_url)
  if [ "$gpus" -gt 0 ]; then
    gpu_opts=(-Dspark.worker.resource.gpu.amount="$gpus"
      -Dspark.worker.resource.gpu.discoveryScript="$ROOT/conf/getGpusResources.sh")
  fi
  for ((i = 0; i < workers; i++)); do
    launch "worker-$i" org.apache.spark.deploy.worker.Worker "${gpu_opts[@]}" -- "$url" --host 127.0.0.1 \
      --webui-port 0 --cores "$cores" --memory "$memory" --work-dir "$STATE/worker-$i"
  done
  for ((i = 0; i < workers; i++)); do
    await_log "$STATE/logs/worker-$i.log" "Successfully registered with master" "registration of worker-$i"
  done
  echo "$url"
}

stop() {
  [ -f "$STATE/pids" ] || { echo "local-cluster: not running" >&2; return 0; }
  local pid name kids i
  # workers first (with the executors they launched), then the master
  tac "$STATE/pids" | while read -r pid name; do
    kill -0 "$pid" 2>/dev/null || continue
    kids=$(pgrep -P "$pid" || true)
    kill "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    for k in $kids; do kill -9 "$k" 2>/dev/null || true; done
    kill -9 "$pid" 2>/dev/null || true
  done
  rm -f "$STATE/pids"
  echo "local-cluster: stopped" >&2
}

cmd="${1:-}"; [ $# -gt 0 ] && shift
case "$cmd" in
  start) start "$@" ;;
  stop) stop ;;
  url) [ -n "$(alive || true)" ] || die "not running"; master_url ;;
  status) if [ -n "$(alive || true)" ]; then master_url; alive; else echo "not running"; exit 3; fi ;;
  ""|-h|--help|help) usage ;;
  *) usage >&2; exit 2 ;;
esac
