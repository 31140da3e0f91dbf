#!/usr/bin/env bash
# Quick start: builds Tartan (first run only), indexes the bundled SciFact sample (samples/scifact-mini, 500
# abstracts) with the bundled all-MiniLM-L6-v2 encoder through the Spark job in local mode, then searches it and
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

echo "== tartan eval (PLAID and exact MaxSim on the sample's 60 claims)"
"$TARTAN" eval --index "$INDEX" --queries "$SAMPLE/queries.jsonl" --qrels "$SAMPLE/qrels.tsv" --exact
