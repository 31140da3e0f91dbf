#!/usr/bin/env bash
# Spark GPU discovery script: prints this machine's NVIDIA GPUs in the format Spark expects from a
# spark.{worker,executor,driver}.resource.gpu.discoveryScript, e.g.
#   {"name": "gpu", "addresses": ["0", "1"]}
# The addresses are CUDA ordinals (nvidia-smi's index), which is what Tartan's encoder turns into cuda:N.
# On Kubernetes/YARN with the NVIDIA device plugin a container sees only its own GPUs, numbered from 0.
# Exits non-zero, with the reason on stderr, when nvidia-smi is missing or fails: Spark then refuses to start the
# worker/executor instead of running GPU stages without GPUs.
set -euo pipefail

if ! command -v nvidia-smi >/dev/null 2>&1; then
  echo "getGpusResources.sh: nvidia-smi not found on PATH; no NVIDIA driver on this machine?" >&2
  exit 1
fi
if ! indexes=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>&1); then
  echo "getGpusResources.sh: nvidia-smi failed: $indexes" >&2
  exit 1
fi

addresses=()
while read -r i; do
  i="${i//[[:space:]]/}"
  [[ -z "$i" ]] && continue
  if [[ ! "$i" =~ ^[0-9]+$ ]]; then
    echo "getGpusResources.sh: unexpected nvidia-smi output line '$i'" >&2
    exit 1
  fi
  addresses+=("\"$i\"")
done <<< "$indexes"

joined=$(IFS=,; echo "${addresses[*]:-}")
echo "{\"name\": \"gpu\", \"addresses\": [${joined//,/, }]}"
