package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.NpyArray;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench scaling}: build time and search latency as the corpus grows. The corpora are the first 1/4,
 * 1/2 and all documents of a gen_synth.py data set (so 1×, 2×, 4× of the smallest), each indexed with IndexJob and
 * searched with the data set's queries one at a time on one thread. Recall is measured against exact MaxSim over
 * the same index (exact_top10.tsv covers only the full corpus).
 */
@Command(name = "scaling", mixinStandardHelpOptions = true, description = "Build time and search latency at growing corpus sizes.")
final class ScalingBench implements Callable<Integer> {
    static final int K = 10;

    @Option(names = "--data", required = true, description = "gen_synth.py output: docs.npy, doclens.npy, queries.npy, exact_top10.tsv")
    Path data;

    @Option(names = "--fractions", split = ",", defaultValue = "0.25,0.5,1", description = "shares of the documents to index (default 0.25,0.5,1)")
    List<Double> fractions;

    @Option(names = "--nbits", defaultValue = "2", description = "residual bits (default 2)")
    int nbits;

    @Option(names = "--png", paramLabel = "OUT", description = "write the build-time and latency chart")
    Path png;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        SynthData synth = SynthData.load(data);
        int allDocs = NpyArray.read(data.resolve("doclens.npy")).longs().length;
        MachineInfo machine = MachineInfo.current();
        List<IndexBuild> builds = new ArrayList<>();
        List<Double> shares = new ArrayList<>();
        try (BenchSpark spark = new BenchSpark("tartan bench scaling")) {
            for (double f : fractions) {
                if (!(f > 0 && f <= 1)) {
                    throw new IllegalArgumentException("--fractions must be in (0, 1], got " + f);
                }
                int docs = (int) Math.round(f * allDocs);
                Path input = data;
                if (docs < allDocs) {
                    input = options.work.resolve("scaling-data-" + docs);
                    if (!options.reuse || IndexBuild.existingSummary(options.work.resolve("scaling-" + docs)).isEmpty()) {
                        SynthData.writePrefix(data, docs, input);
                    }
                }
                Map<String, String> s = new LinkedHashMap<>(options.settings);
                s.put("input", input.toAbsolutePath().toString());
                s.put("format", "npy");
                s.put("nbits", Integer.toString(nbits));
                builds.add(IndexBuild.of(spark, s, options.work.resolve("scaling-" + docs), options.reuse));
                shares.add(f);
            }
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("machine", machine.toJson());
        out.put("data", data.toAbsolutePath().toString());
        out.put("nbits", nbits);
        ArrayNode runs = out.putArray("runs");
        for (int i = 0; i < builds.size(); i++) {
            runs.add(measure(builds.get(i), shares.get(i), synth));
        }
        String md = markdown(runs, machine);
        System.out.print(md);
        options.writeJson(out);
        options.writeMarkdown(md);
        if (png != null) {
            int n = runs.size();
            double[] tokens = new double[n];
            double[] build = new double[n];
            double[] p50 = new double[n];
            for (int i = 0; i < n; i++) {
                tokens[i] = runs.get(i).get("tokens").asDouble();
                build[i] = runs.get(i).get("build_seconds").asDouble();
                p50[i] = runs.get(i).get("latency_p50_ms").asDouble();
            }
            BenchCharts.scaling(png, "Scaling: synthetic corpus prefixes, nbits " + nbits, tokens, build, p50);
        }
        return 0;
    }

    private ObjectNode measure(IndexBuild build, double share, SynthData synth) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("fraction", share);
        build.putFigures(o);
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            for (int i = 0; i < SynthBench.WARMUP_PASSES; i++) {
                TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
                TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.plaid()));
            }
            TimedQueries exact = TimedQueries.run(synth.queries(), q -> idx.searchExact(q, K));
            TimedQueries fast = TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
            TimedQueries plaid = TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.plaid()));
            o.put("latency_p50_ms", fast.p50());
            o.put("latency_p95_ms", fast.p95());
            o.put("recall@10_vs_index_exact", fast.recallAt10(exact.rankings()));
            o.set("search_params", ParamsJson.of(SearchParams.defaults(), K));
            ObjectNode p = o.putObject("plaid");
            p.put("latency_p50_ms", plaid.p50());
            p.put("latency_p95_ms", plaid.p95());
            p.put("recall@10_vs_index_exact", plaid.recallAt10(exact.rankings()));
            p.set("search_params", ParamsJson.of(SearchParams.plaid(), K));
            o.put("exact_latency_p50_ms", exact.p50());
        }
        return o;
    }

    static String markdown(ArrayNode runs, MachineInfo machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine.describe()).append("\n\n");
        MarkdownTable t = new MarkdownTable("share of corpus", "documents", "tokens", "centroids", "build s", "B/token",
                "default p50 ms", "p95 ms", "recall@10 vs exact", "PLAID p50 ms", "p95 ms", "recall@10 vs exact",
                "exact p50 ms");
        for (JsonNode r : runs) {
            JsonNode p = r.get("plaid");
            t.row(r.get("fraction").asDouble(), r.get("documents").asLong(), r.get("tokens").asLong(),
                    r.get("ncentroids").asInt(), r.get("build_seconds").asDouble(), r.get("bytes_per_token").asDouble(),
                    r.get("latency_p50_ms").asDouble(), r.get("latency_p95_ms").asDouble(),
                    r.get("recall@10_vs_index_exact").asDouble(), p.get("latency_p50_ms").asDouble(),
                    p.get("latency_p95_ms").asDouble(), p.get("recall@10_vs_index_exact").asDouble(),
                    r.get("exact_latency_p50_ms").asDouble());
        }
        b.append(t);
        return b.toString();
    }
}
