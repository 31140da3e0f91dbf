#!/usr/bin/env bash
# Submits a Tartan Spark job (IndexJob by default) with spark-submit semantics:
#   scripts/submit.sh [spark-submit options] [--gpu] -- [job arguments]
# e.g.
#   scripts/submit.sh --master spark://127.0.0.1:7077 -- --input s3a://corpus/docs/ --output s3a://indexes/v1
#   scripts/submit.sh --master yarn --deploy-mode cluster --gpu -- --input ... --output ... --encoder_device gpu
# Options before `--` go to spark-submit (--master, --deploy-mode, --conf k=v, --class, --num-executors, ...);
# --gpu adds conf/spark-defaults-gpu.conf as the properties file. Without `--`, every argument is the job's.
# The application is jobs/target/tartan-jobs-*-shaded.jar (override: TARTAN_JOBS_JAR), built on first use.
# Runs $SPARK_HOME/bin/spark-submit when SPARK_HOME is set (a Spark 4.2 distribution), otherwise Spark's
# SparkSubmit from the Maven jars of the jobs module. Environment: JAVA, TARTAN_MASTER (default local[*]),
# TARTAN_DRIVER_MEMORY (default 4g).
# Credentials for s3a:// come from the usual providers (environment, instance role, --conf
# spark.hadoop.fs.s3a.*); this script never prints them.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA:-java}"

usage() { sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

spark_opts=() job_args=() have_class=0 have_master=0 master="${TARTAN_MASTER:-local[*]}"
if [[ " $* " == *" -- "* ]]; then
  while [ $# -gt 0 ]; do
    case "$1" in
      --) shift; break ;;
      -h|--help) usage; exit 0 ;;
      --gpu) spark_opts+=(--properties-file "$ROOT/conf/spark-defaults-gpu.conf"); shift ;;
      --class) have_class=1; spark_opts+=("$1" "$2"); shift 2 ;;
      --master) have_master=1; master="$2"; spark_opts+=("$1" "$2"); shift 2 ;;
      --verbose|--supervise) spark_opts+=("$1"); shift ;;
      --*) [ $# -ge 2 ] || { echo "submit: $1 needs a value" >&2; exit 2; }; spark_opts+=("$1" "$2"); shift 2 ;;
      *) echo "submit: unexpected '$1' before --" >&2; exit 2 ;;
    esac
  done
fi
job_args=("$@")
[ "$have_class" = 1 ] || spark_opts=(--class io.tartan.jobs.IndexJob "${spark_opts[@]}")
[ "$have_master" = 1 ] || spark_opts=(--master "$master" "${spark_opts[@]}")

jar="${TARTAN_JOBS_JAR:-}"
if [ -z "$jar" ]; then
  jar=$(ls "$ROOT"/jobs/target/tartan-jobs-*-shaded.jar 2>/dev/null | head -1 || true)
  if [ -z "$jar" ]; then
    echo "submit: building the shaded jobs jar (mvn -DskipTests -pl jobs -am package)..." >&2
    (cd "$ROOT" && mvn -q -DskipTests -pl jobs -am package) >&2
    jar=$(ls "$ROOT"/jobs/target/tartan-jobs-*-shaded.jar | head -1)
  fi
fi

if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  exec "$SPARK_HOME/bin/spark-submit" "${spark_opts[@]}" "$jar" "${job_args[@]}"
fi

# No distribution: SparkSubmit from the jobs module's classpath, with Spark's JVM options, on loopback.
[ -f "$ROOT/jobs/target/classpath.txt" ] || (cd "$ROOT" && mvn -q -DskipTests -pl jobs -am package) >&2
OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' "$ROOT/pom.xml")
cp=$(tr ':' '\n' < "$ROOT/jobs/target/classpath.txt" | grep -v '/tartan-' | paste -sd:)
loopback=()
case "$master" in
  local*|spark://127.0.0.1:*|spark://localhost:*)
    # a driver on this machine only: keep every Spark socket on loopback
    export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
    loopback=(--conf spark.driver.host=127.0.0.1 --conf spark.driver.bindAddress=127.0.0.1) ;;
esac
# shellcheck disable=SC2086
exec "$JAVA" -Xmx"${TARTAN_DRIVER_MEMORY:-4g}" $OPENS -cp "$cp" org.apache.spark.deploy.SparkSubmit \
  "${loopback[@]}" "${spark_opts[@]}" "$jar" "${job_args[@]}"
