package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.eval.EvalQuery;
import io.tartan.query.eval.EvalReport;
import io.tartan.query.eval.Evaluator;
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
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench pooling}: token pooling's size and quality trade. For each data set (a text collection as in
 * ../shared/data, or a gen_synth.py folder) and each pool factor, builds an index with IndexJob and reports input and
 * stored tokens, bytes per stored and per input token, and quality: nDCG@10 of exhaustive MaxSim over the index and of
 * the default search for text (queries encoded by the same encoder), recall@10 against {@code exact_top10.tsv} for
 * the synthetic set; and the default search's p50/p95, one query at a time on one thread. The table is rewritten
 * after every index, so a long run that is stopped still leaves the rows it finished.
 *
 * <p>A text collection is encoded once ({@link EncodedCorpus}, under the work folder) and every pool factor's index is
 * built from those vectors: pooling happens after the encoder, so the indexes are those a build from the text would
 * give, for one encoding instead of one per factor. "encode s" is that shared encoding, "build s" the index build
 * from its vectors.
 */
@Command(name = "pooling", mixinStandardHelpOptions = true, description = "Token pooling: stored tokens, bytes, quality and latency per pool_factor.")
final class PoolingBench implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(PoolingBench.class);
    static final int K = 10;

    @Option(names = "--data", required = true, description = "a text collection folder (corpus.jsonl, queries.jsonl, qrels) or a gen_synth.py folder (docs.npy, queries.npy, exact_top10.tsv); repeatable, measured in the order given")
    List<Path> datasets;

    @Option(names = "--pool-factors", split = ",", defaultValue = "1,2,3", description = "pool factors, one index each (default 1,2,3)")
    List<Integer> poolFactors;

    @Option(names = "--model-config", description = "encoder model config for text (default: the bundled e5-small-v2)")
    String modelConfig;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        MachineInfo machine = MachineInfo.current();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("machine", machine.toJson());
        out.put("model", modelConfig == null ? "bundled e5-small-v2 (not ColBERT-trained)" : modelConfig);
        ArrayNode rows = out.putArray("runs");
        try (BenchSpark spark = new BenchSpark("tartan bench pooling")) {
            for (Path data : datasets) {
                boolean synthetic = Files.isRegularFile(data.resolve(SynthData.QUERIES));
                if (!synthetic && !Files.isRegularFile(data.resolve("corpus.jsonl"))) {
                    throw new IllegalArgumentException(data + " has neither corpus.jsonl nor " + SynthData.QUERIES);
                }
                String name = TextBench.name(data);
                Map<String, String> base = new LinkedHashMap<>(options.settings);
                EncodedCorpus encoded = null;
                if (synthetic) {
                    base.put("input", data.toAbsolutePath().toString());
                    base.put("format", "npy");
                } else {
                    if (modelConfig != null) {
                        base.put("model_config", modelConfig);
                    }
                    // one encoding serves every pool factor: pooling happens at index time, after the encoder
                    encoded = EncodedCorpus.of(spark.get(), data.resolve("corpus.jsonl"), base,
                            options.work.resolve("encoded-" + name), options.reuse);
                    base = encoded.indexSettings(base);
                }
                for (int f : new LinkedHashSet<>(poolFactors)) {
                    Map<String, String> s = new LinkedHashMap<>(base);
                    s.put("pool_factor", Integer.toString(f));
                    IndexBuild b = IndexBuild.of(spark, s, options.work.resolve("pool-" + name + "-f" + f),
                            options.reuse);
                    ObjectNode r = synthetic ? measureSynthetic(data, b) : measureText(data, b);
                    r.put("name", name);
                    r.put("pool_factor", f);
                    if (encoded != null) {
                        r.put("encode_seconds", encoded.seconds());
                    }
                    rows.add(r);
                    String md = markdown(rows, machine);
                    options.writeJson(out);
                    options.writeMarkdown(md);
                }
            }
        }
        System.out.print(markdown(rows, machine));
        return 0;
    }

    private ObjectNode measureText(Path c, IndexBuild build) {
        Path qrelsFile = Files.isRegularFile(c.resolve(TextBench.GAIN_QRELS)) ? c.resolve(TextBench.GAIN_QRELS)
                : c.resolve(TextBench.QRELS);
        Qrels qrels = Qrels.read(qrelsFile);
        ObjectNode o = figures(build);
        o.put("qrels", qrelsFile.getFileName().toString());
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            idx.withEncoder(ModelQueryEncoder.open(modelConfig));
            List<String> rejects = new ArrayList<>();
            List<EvalQuery> qs = EvalQuery.readJsonl(c.resolve("queries.jsonl"), idx.snapshot().dim(), rejects::add);
            rejects.forEach(r -> LOG.warn("skipped {}", r));
            EvalReport def = new Evaluator(idx, qrels, K, SearchParams.defaults(), true).run(qs, rejects.size());
            o.put("queries", def.search().queries());
            o.put("quality_metric", "ndcg@10");
            o.put("exhaustive", def.exact().ndcg10());
            o.put("default", def.search().ndcg10());
            o.put("latency_p50_ms", def.search().latencyP50Ms());
            o.put("latency_p95_ms", def.search().latencyP95Ms());
        }
        return o;
    }

    private static ObjectNode measureSynthetic(Path data, IndexBuild build) {
        SynthData synth = SynthData.load(data);
        ObjectNode o = figures(build);
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            for (int i = 0; i < SynthBench.WARMUP_PASSES; i++) {
                TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
            }
            TimedQueries fast = TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
            TimedQueries exact = TimedQueries.run(synth.queries(), q -> idx.searchExact(q, K));
            o.put("queries", synth.queries().size());
            o.put("quality_metric", "recall@10 vs exact_top10.tsv");
            o.put("exhaustive", exact.recallAt10(synth.exactTop10()));
            o.put("default", fast.recallAt10(synth.exactTop10()));
            o.put("latency_p50_ms", fast.p50());
            o.put("latency_p95_ms", fast.p95());
        }
        return o;
    }

    private static ObjectNode figures(IndexBuild build) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        build.putFigures(o);
        long input = build.summary().path("input_tokens").asLong(build.tokens());
        o.put("input_tokens", input);
        o.put("stored_tokens", build.tokens());
        o.put("bytes_per_input_token", build.summary().path("bytes_per_input_token").asDouble(build.bytesPerToken()));
        return o;
    }

    static String markdown(ArrayNode rows, MachineInfo machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine.describe()).append("\n\n");
        MarkdownTable t = new MarkdownTable("data set", "pool_factor", "input tokens", "stored tokens", "stored share",
                "B/stored token", "B/input token", "quality", "exhaustive", "Δ vs factor 1", "default search",
                "p50 ms", "p95 ms", "encode s", "build s");
        Map<String, Double> base = new LinkedHashMap<>();
        for (JsonNode r : rows) {
            if (r.get("pool_factor").asInt() == 1) {
                base.put(r.get("name").asText(), r.get("exhaustive").asDouble());
            }
        }
        for (JsonNode r : rows) {
            Double b1 = base.get(r.get("name").asText());
            double ex = r.get("exhaustive").asDouble();
            t.row(r.get("name").asText(), r.get("pool_factor").asInt(), r.get("input_tokens").asLong(),
                    r.get("stored_tokens").asLong(), r.get("stored_tokens").asDouble() / r.get("input_tokens").asLong(),
                    r.get("bytes_per_token").asDouble(), r.get("bytes_per_input_token").asDouble(),
                    r.get("quality_metric").asText(), ex, b1 == null ? null : String.format("%+.4f", ex - b1), r.get("default").asDouble(),
                    r.get("latency_p50_ms").asDouble(), r.get("latency_p95_ms").asDouble(),
                    r.has("encode_seconds") ? r.get("encode_seconds").asDouble() : null,
                    r.get("build_seconds").asDouble());
        }
        b.append(t);
        return b.toString();
    }
}
