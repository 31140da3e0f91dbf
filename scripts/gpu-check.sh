#!/usr/bin/env bash
# Proves the GPU path on a machine with an NVIDIA GPU, in one run (about 5-10 minutes with the build):
#   scripts/gpu-check.sh [--skip-build] [--fake-gpu] [--out DIR] [options below]
# 1. builds with -Pgpu (ONNX Runtime's CUDA build): mvn -DskipTests -Pgpu -pl jobs -am package
# 2. prints the GPUs, driver and CUDA version (nvidia-smi), the ONNX Runtime build and the CUDA libraries its CUDA
#    provider links (ldd); missing CUDA runtime libraries are installed from NVIDIA's pip wheels (--cuda-libs)
# 3. encodes the bundled sample (samples/scifact-mini) on cuda:0 and on the CPU with the same batches: tokens/s at
#    each batch size (fp32; the model config has no fp16 option, and the report says so), and CUDA vectors against
#    CPU vectors: max |diff| <= 1e-3 and cosine >= 0.9999 for every L2-normalised token vector; GPU tokens/s at the
#    best batch must be >= 10x the CPU's at --cpu-threads (default 2, the 2-core machine of docs/bench/encoders.md)
# 4. starts a standalone master + 1 worker with 1 GPU (scripts/local-cluster.sh start --workers 1 --gpus 1), runs
#    IndexJob --encoder_device gpu over the sample through scripts/submit.sh, and checks that every encode task
#    logged "encode task ...: gpu addresses [N], encoder requested cuda:N, runs on cuda:N"
# 5. searches the index (tartan search, tartan eval --exact over the sample's queries)
# Writes everything to DIR/gpu-check.json and DIR/gpu-check.md (default target/gpu-check; logs in DIR/logs) and
# exits 1 if any check failed (2 on bad options or a missing tool).
#
# Options:
#   --skip-build          use the jars already built (e.g. a second run on the same machine)
#   --fake-gpu            no GPU needed: jobs/src/test/resources/fake-gpu/nvidia-smi stands in for nvidia-smi and
#                         the encoder falls back to the CPU; the script's logic runs end to end, and every check
#                         about the real GPU is reported SKIPPED (never passed)
#   --docs N              documents the encoder benchmark encodes (default: all 500)
#   --batch-sizes LIST    encoder benchmark batch sizes (default 8,32,128)
#   --cpu-threads N       intra-op threads of the CPU runs (default 2)
#   --min-seconds S       time each GPU run for at least S seconds (default 2)
#   --index-docs N        index N documents of the sample, the judged ones first (default: all 500)
#   --index-batch-size N  IndexJob's encoder_batch_size (default 64)
#   --worker-cores N      cores of the worker (default min(8, cores/2))
#   --cuda-libs MODE      auto (default: the system's CUDA libraries, NVIDIA's pip wheels for missing ones), system
#                         (never pip), or a folder to put first on LD_LIBRARY_PATH
# Environment: JAVA (default java), MVN (default mvn), MVN_OPTS_EXTRA (extra Maven arguments, e.g. -o).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"

usage() { sed -n '2,32p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }
die() { echo "gpu-check: $*" >&2; exit 2; }

skip_build=0 fake=0 out="$ROOT/target/gpu-check" pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    -h|--help) usage; exit 0 ;;
    --skip-build) skip_build=1; shift ;;
    --fake-gpu) fake=1; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; out="$2"; shift 2 ;;
    --docs|--batch-sizes|--cpu-threads|--min-seconds|--index-docs|--index-batch-size|--worker-cores|--cuda-libs)
      [ $# -ge 2 ] || die "$1 needs a value"; pass+=("$1" "$2"); shift 2 ;;
    *) usage >&2; die "unknown option $1" ;;
  esac
done
mkdir -p "$out"
out="$(cd "$out" && pwd)"

if [ "$fake" = 1 ]; then
  # the same stand-in the cluster tests use: conf/getGpusResources.sh and this check see GPU 0 through it
  export PATH="$ROOT/jobs/src/test/resources/fake-gpu:$PATH"
  export FAKE_GPU_INDEXES="${FAKE_GPU_INDEXES-0}"
  pass+=(--fake-gpu)
  echo "gpu-check: FAKE GPU run (fake nvidia-smi, CPU fallback): GPU checks will be reported as skipped"
fi

command -v "$JAVA" >/dev/null || die "java not found (JAVA=$JAVA)"
command -v nvidia-smi >/dev/null || die "nvidia-smi not found on PATH: no NVIDIA driver here? (--fake-gpu runs without one)"
echo "gpu-check: $(nvidia-smi --query-gpu=index,name,driver_version,memory.total --format=csv,noheader 2>&1 | paste -sd';')"

if [ "$skip_build" = 0 ]; then
  command -v "$MVN" >/dev/null || die "mvn not found (MVN=$MVN)"
  echo "gpu-check: building with -Pgpu (mvn -DskipTests -Pgpu -pl jobs -am package)..."
  start=$(date +%s)
  # shellcheck disable=SC2086
  (cd "$ROOT" && "$MVN" -B -q ${MVN_OPTS_EXTRA:-} -Pgpu -DskipTests -pl jobs -am package) \
    > "$out/build.log" 2>&1 || { tail -40 "$out/build.log" >&2; die "build failed (log: $out/build.log)"; }
  echo "gpu-check: built in $(( $(date +%s) - start )) s"
fi
for f in encoders/target/classpath.txt jobs/target/classpath.txt encoders/target/test-classes \
  jobs/target/test-classes query-runtime/target/classes query-runtime/app/target/classes; do
  [ -e "$ROOT/$f" ] || die "$f is missing: run without --skip-build"
done
ls "$ROOT"/jobs/target/tartan-jobs-*-shaded.jar >/dev/null 2>&1 || die "the shaded jobs jar is missing: run without --skip-build"

OPENS=$(sed -n 's:.*<tartan.jvm.opens>\(.*\)</tartan.jvm.opens>.*:\1:p' "$ROOT/pom.xml")
cp="$ROOT/jobs/target/test-classes:$ROOT/jobs/target/classes"
for m in index-format encoders query-runtime query-runtime/hadoop query-runtime/text query-runtime/app; do
  cp="$cp:$ROOT/$m/target/classes"
done
cp="$cp:$(tr ':' '\n' < "$ROOT/jobs/target/classpath.txt" | grep -v '/tartan-' | paste -sd:)"
cd "$ROOT"
# shellcheck disable=SC2086
exec "$JAVA" -Xmx2g $OPENS -Dlog4j2.configurationFile="$ROOT/conf/log4j2.properties" -cp "$cp" \
  io.tartan.jobs.bench.GpuCheck --root "$ROOT" --out "$out" "${pass[@]}"
