package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.encoders.TokenEncoder;
import io.tartan.query.IndexQueryEncoders;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.eval.EvalQuery;
import io.tartan.query.eval.EvalReport;
import io.tartan.query.eval.Evaluator;
import io.tartan.query.eval.FloatCorpusRanker;
import io.tartan.query.eval.Qrels;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench text}: for each test collection (a folder with corpus.jsonl, queries.jsonl and qrels.tsv, as in
 * ../shared/data), builds an index with IndexJob and the encoder (or takes a prebuilt one, {@code --index}), then
 * evaluates it like {@code tartan eval
 * --exact}: nDCG@10 / MRR@10 / Recall@100 and latency of the default search, of PLAID mode at ColBERT's defaults and
 * of exact MaxSim over the same index, and the indexing throughput.
 */
@Command(name = "text", mixinStandardHelpOptions = true, description = "Text collections: retrieval quality and indexing throughput.")
final class TextBench implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(TextBench.class);
    /** A collection's graded judgements, used instead of qrels.tsv when present (Cranfield's inverted grades). */
    static final String GAIN_QRELS = "qrels_gain.tsv";
    static final String QRELS = "qrels.tsv";
    static final int K = 10;

    @Option(names = "--data", required = true, description = "collection folder (corpus.jsonl, queries.jsonl, qrels.tsv or qrels_gain.tsv); repeatable")
    List<Path> collections;

    @Option(names = "--model-config", description = "encoder model config (default: the bundled e5-small-v2)")
    String modelConfig;

    @Option(names = "--index", paramLabel = "DIR", description = "a prebuilt index of each --data, in the same order "
            + "(repeatable): measured as it is, not built; its manifest's encoder must be the model's (checksum checked)")
    List<Path> indexes = new ArrayList<>();

    @Option(names = "--exact-float", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "also rank by exact MaxSim over uncompressed vectors, which encodes each corpus again "
                    + "(--no-exact-float leaves that row out)")
    boolean exactFloat;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        MachineInfo machine = MachineInfo.current();
        Map<Path, IndexBuild> builds = new LinkedHashMap<>();
        if (!indexes.isEmpty()) {
            if (indexes.size() != collections.size()) {
                throw new IllegalArgumentException("--index given " + indexes.size() + " times for " + collections.size()
                        + " --data collections: give one prebuilt index per collection, in the same order");
            }
            for (int i = 0; i < collections.size(); i++) {
                builds.put(collections.get(i), IndexBuild.existing(indexes.get(i)));
            }
        }
        try (BenchSpark spark = new BenchSpark("tartan bench text")) { // started only if something is built
            for (Path c : builds.isEmpty() ? collections : List.<Path>of()) {
                Path corpus = c.resolve("corpus.jsonl");
                if (!Files.isRegularFile(corpus)) {
                    throw new IllegalArgumentException(c + " has no corpus.jsonl");
                }
                Map<String, String> s = new LinkedHashMap<>(options.settings);
                s.put("input", corpus.toAbsolutePath().toString());
                s.put("format", "jsonl");
                if (modelConfig != null) {
                    s.put("model_config", modelConfig);
                }
                builds.put(c, IndexBuild.of(spark, s, options.work.resolve("text-" + name(c)), options.reuse));
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("machine", machine.toJson());
        out.put("model", modelConfig == null ? "bundled e5-small-v2 (not ColBERT-trained)" : modelConfig);
        ArrayNode results = out.putArray("collections");
        builds.forEach((c, b) -> results.add(evaluate(c, b)));
        String md = markdown(results, machine);
        System.out.print(md);
        options.writeJson(out);
        options.writeMarkdown(md);
        return 0;
    }

    /** Modes evaluated next to the MaxSim ones, with BM25 from the same index's text indexes as the baseline. */
    static final List<SearchParams.Mode> TEXT_MODES = List.of(SearchParams.Mode.BM25, SearchParams.Mode.RERANK,
            SearchParams.Mode.HYBRID);
    static final Map<String, String> MODE_LABELS = Map.of(
            "bm25", "BM25 (Lucene, k1 0.9 b 0.4, text analysis %s)",
            "rerank", "BM25 top " + SearchParams.DEFAULT_DEPTH + " → exact MaxSim",
            "hybrid", "hybrid (" + SearchParams.DEFAULT_FUSION.label() + ", depth " + SearchParams.DEFAULT_DEPTH + ")");

    static String name(Path collection) {
        return collection.toAbsolutePath().normalize().getFileName().toString();
    }

    private ObjectNode evaluate(Path c, IndexBuild build) {
        Path qrelsFile = Files.isRegularFile(c.resolve(GAIN_QRELS)) ? c.resolve(GAIN_QRELS) : c.resolve(QRELS);
        Qrels qrels = Qrels.read(qrelsFile);
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("name", name(c));
        o.put("qrels", qrelsFile.getFileName().toString());
        build.putFigures(o);
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            // the BM25 baseline's figures depend on it (FORMAT.md section 11), so the report names it
            o.put("text_analysis", idx.snapshot().manifest().settings().textAnalysisOrDefault().id());
            // refused when the index was built with another model (or the same one with other settings)
            ModelQueryEncoder queries = IndexQueryEncoders.open(idx.snapshot().manifest().settings(), modelConfig);
            if (queries == null) {
                throw new IllegalArgumentException(build.uri() + ": " + IndexQueryEncoders.whyNone(
                        idx.snapshot().manifest().settings()));
            }
            idx.withEncoder(queries);
            List<String> rejects = new ArrayList<>();
            List<EvalQuery> qs = EvalQuery.readJsonl(c.resolve("queries.jsonl"), idx.snapshot().dim(), rejects::add);
            rejects.forEach(r -> LOG.warn("skipped {}", r));
            LOG.info("evaluating {}: {} queries, default search, exhaustive MaxSim over the index, {}bm25, rerank and "
                    + "hybrid", name(c), qs.size(), exactFloat ? "exact MaxSim over the corpus encoded again "
                    + "(uncompressed), " : "");
            EvalReport def;
            Evaluator evaluator = new Evaluator(idx, qrels, K, SearchParams.defaults(), true).compare(TEXT_MODES);
            if (exactFloat) {
                try (TokenEncoder docs = FloatCorpusRanker.documentEncoder(modelConfig,
                        idx.snapshot().manifest().settings())) {
                    def = evaluator.withExactFloat(new FloatCorpusRanker(docs, idx.snapshot()), c.resolve("corpus.jsonl"))
                            .run(qs, rejects.size());
                }
            } else {
                def = evaluator.run(qs, rejects.size());
            }
            LOG.info("evaluating {}: PLAID mode", name(c));
            EvalReport plaid = new Evaluator(idx, qrels, K, SearchParams.plaid(), false).run(qs, rejects.size());
            o.set("default", def.toJson());
            o.set("plaid", plaid.toJson());
            o.put("ndcg@10_gap_default_vs_exact", def.exact().ndcg10() - def.search().ndcg10());
            o.put("ndcg@10_gap_plaid_vs_exact", def.exact().ndcg10() - plaid.search().ndcg10());
            if (def.exactFloat() != null) {
                o.put("ndcg@10_compression_loss", def.exactFloat().ndcg10() - def.exact().ndcg10());
            }
        }
        return o;
    }

    static String markdown(ArrayNode results, MachineInfo machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine.describe()).append("\n\n");
        MarkdownTable q = new MarkdownTable("collection", "search", "nDCG@10", "MRR@10", "Recall@100", "p50 ms", "p95 ms",
                "recall@10 vs exact", "queries (skipped unjudged)");
        for (JsonNode r : results) {
            String name = r.get("name").asText() + " (" + r.get("qrels").asText() + ")";
            JsonNode def = r.get("default");
            JsonNode plaid = r.get("plaid");
            JsonNode exact = def.get("exact");
            String counts = def.get("queries").asInt() + " (" + def.get("skipped_unjudged").asInt() + ")";
            q.row(name, "default (FAST, " + ParamsJson.describe(def.get("search_params")) + ")", def.get("ndcg@10").asDouble(), def.get("mrr@10").asDouble(),
                    def.get("recall@100").asDouble(), def.get("latency_p50_ms").asDouble(), def.get("latency_p95_ms").asDouble(),
                    def.get("recall@10_vs_exact").asDouble(), counts);
            q.row(name, "PLAID mode (" + ParamsJson.describe(plaid.get("search_params")) + ")", plaid.get("ndcg@10").asDouble(), plaid.get("mrr@10").asDouble(),
                    plaid.get("recall@100").asDouble(), plaid.get("latency_p50_ms").asDouble(),
                    plaid.get("latency_p95_ms").asDouble(), null, counts);
            q.row(name, "exhaustive over the index (decompressed)", exact.get("ndcg@10").asDouble(),
                    exact.get("mrr@10").asDouble(), exact.get("recall@100").asDouble(),
                    exact.get("latency_p50_ms").asDouble(), exact.get("latency_p95_ms").asDouble(), 1.0, counts);
            JsonNode fl = def.get("exact_float");
            if (fl != null) {
                q.row(name, "exact MaxSim, uncompressed float vectors", fl.get("ndcg@10").asDouble(),
                        fl.get("mrr@10").asDouble(), fl.get("recall@100").asDouble(),
                        fl.get("latency_p50_ms").asDouble(), fl.get("latency_p95_ms").asDouble(), null, counts);
            }
            if (def.has("modes")) {
                String analysis = r.has("text_analysis") ? r.get("text_analysis").asText() : "english";
                def.get("modes").fields().forEachRemaining(e -> q.row(name, String.format(
                        MODE_LABELS.getOrDefault(e.getKey(), e.getKey()), analysis), e.getValue().get("ndcg@10").asDouble(), e.getValue().get("mrr@10").asDouble(),
                        e.getValue().get("recall@100").asDouble(), e.getValue().get("latency_p50_ms").asDouble(),
                        e.getValue().get("latency_p95_ms").asDouble(), null, counts));
            }
        }
        b.append(q).append('\n');
        MarkdownTable ix = new MarkdownTable("collection", "documents", "tokens", "build s", "docs/s", "tokens/s", "B/token",
                "stages (s)");
        for (JsonNode r : results) {
            StringBuilder st = new StringBuilder();
            r.get("build_stage_seconds").fields().forEachRemaining(e ->
                    st.append(st.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                            .append(MarkdownTable.format(e.getValue().asDouble())));
            ix.row(r.get("name").asText(), r.get("documents").asLong(), r.get("tokens").asLong(),
                    r.get("build_seconds").asDouble(), r.get("docs_per_second").asDouble(),
                    r.get("tokens_per_second").asDouble(), r.get("bytes_per_token").asDouble(), st.toString());
        }
        b.append(ix);
        return b.toString();
    }
}
