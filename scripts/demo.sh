#!/usr/bin/env bash
# Quick start: builds Tartan (first run only), indexes the bundled SciFact sample (samples/scifact-mini, 500
# abstracts) with the bundled e5-small-v2 encoder through the Spark job in local mode, then searches it and
# evaluates it against the sample's judgments.
#   scripts/demo.sh [index dir, default target/demo-index]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
INDEX="${1:-$ROOT/target/demo-index}"
SAMPLE="$ROOT/samples/scifact-mini"
TARTAN="$ROOT/scripts/tartan"

rm -rf "$INDEX"
echo "== tartan index: $SAMPLE/corpus.jsonl -> $INDEX"
"$TARTAN" index --input "$SAMPLE/corpus.jsonl" --output "$INDEX" --conf "$ROOT/conf/index.properties"

echo "== tartan search"
"$TARTAN" search --index "$INDEX" --query "Vitamin D deficiency is associated with higher risk of infection" -k 5

echo "== tartan search --mode hybrid (MaxSim and the index's own BM25, fused)"
"$TARTAN" search --index "$INDEX" --query "Vitamin D deficiency is associated with higher risk of infection" -k 5 \
    --mode hybrid

echo "== tartan eval (fast, exact MaxSim, BM25, BM25 -> MaxSim rerank and hybrid on the sample's claims)"
"$TARTAN" eval --index "$INDEX" --queries "$SAMPLE/queries.jsonl" --qrels "$SAMPLE/qrels.tsv" --exact \
    --compare bm25,rerank,hybrid
