package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.eval.RetrievalMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench filters}: filtered search on a gen_synth.py data set. Labels every document with a seeded
 * uniform {@code bucket} in 0..99 (a labelled copy of the data set in {@code --work}), builds it with IndexJob, and
 * for each selectivity p runs the queries one at a time with the filter {@code bucket < p}: p50/p95 and recall@10
 * of the default search against two exact MaxSim top 10s over the allowed documents: exhaustive MaxSim over the
 * index (the same compressed vectors, the same filter: what the candidate generation loses) and brute force over the
 * raw float32 vectors of docs.npy (what the search and the compression lose together), next to the unfiltered
 * search.
 */
@Command(name = "filters", mixinStandardHelpOptions = true,
        description = "Filtered search on the synthetic set: recall vs exact MaxSim over the allowed documents, latency.")
final class FiltersBench implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(FiltersBench.class);
    static final int K = SynthBench.K;
    static final String SCORES = "float-maxsim.npy";

    @Option(names = "--data", required = true, description = "gen_synth.py output: docs.npy, doclens.npy, queries.npy, exact_top10.tsv (only read)")
    Path data;

    @Option(names = "--percent", split = ",", defaultValue = "1,10,50",
            description = "selectivities: each keeps the documents with bucket < p, about p%% of them (default 1,10,50)")
    List<Integer> percents;

    @Option(names = "--nbits", defaultValue = "2", description = "residual bits of the index (default 2)")
    int nbits;

    @Option(names = "--seed", defaultValue = "15", description = "seed of the bucket labels (default 15)")
    long seed;

    @Option(names = "--threads", description = "threads for the brute-force truth (default: all cores)")
    Integer threads;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        for (int p : percents) {
            if (p < 1 || p > BucketLabels.BUCKETS) {
                throw new IllegalArgumentException("--percent " + p + " is not in 1.." + BucketLabels.BUCKETS);
            }
        }
        SynthData synth = SynthData.load(data);
        MachineInfo machine = MachineInfo.current();
        BucketLabels labels = BucketLabels.write(data, options.work.resolve("synth-labelled"), seed);
        IndexBuild build;
        try (BenchSpark spark = new BenchSpark("tartan bench filters")) {
            Map<String, String> s = new LinkedHashMap<>(options.settings);
            s.put("input", labels.dir().toString());
            s.put("format", "npy");
            s.put("nbits", Integer.toString(nbits));
            build = IndexBuild.of(spark, s, options.work.resolve("filters-nbits" + nbits), options.reuse);
        }
        FloatMaxSim truth = truth(synth, labels.buckets().length);

        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("machine", machine.toJson());
        out.put("data", data.toAbsolutePath().toString());
        out.put("labels", labels.dir().toString());
        out.put("seed", seed);
        build.putFigures(out);
        out.set("search_params", ParamsJson.of(SearchParams.defaults(), K));
        out.put("truth", "brute-force MaxSim over the float32 vectors of docs.npy, allowed documents only");
        List<List<String>> unfilteredTruth = truths(truth, synth, d -> true);
        out.put("truth_agreement_with_exact_top10", agreement(unfilteredTruth, synth.exactTop10()));

        List<Integer> selectivities = new ArrayList<>(new TreeSet<>(percents));
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            LOG.info("measuring {} ({} queries, one at a time, unfiltered and at {}%)", build.uri(),
                    synth.queries().size(), selectivities);
            List<SearchParams> fast = new ArrayList<>();
            fast.add(SearchParams.defaults());
            selectivities.forEach(p -> fast.add(SearchParams.defaults().withFilter(BucketLabels.filter(p))));
            for (int i = 0; i < SynthBench.WARMUP_PASSES; i++) {
                for (SearchParams sp : fast) {
                    TimedQueries.run(synth.queries(), q -> idx.search(q, K, sp));
                }
            }
            ArrayNode runs = out.putArray("runs");
            double unfilteredP50 = Double.NaN;
            for (int i = 0; i < fast.size(); i++) {
                Integer p = i == 0 ? null : selectivities.get(i - 1);
                List<List<String>> t = p == null ? unfilteredTruth : truths(truth, synth, d -> labels.allowed(d, p));
                ObjectNode r = runs.addObject();
                r.put("filter", p == null ? null : BucketLabels.filter(p));
                r.put("percent", p == null ? 100 : p);
                r.put("allowed_documents", p == null ? labels.buckets().length : labels.allowedCount(p));
                SearchParams sp = fast.get(i);
                SearchParams ex = sp.withMode(SearchParams.Mode.EXACT);
                TimedQueries e = TimedQueries.run(synth.queries(), q -> idx.search(q, K, ex));
                putLatencyRecall(r.putObject("exact"), e, t);
                TimedQueries f = TimedQueries.run(synth.queries(), q -> idx.search(q, K, sp));
                putLatencyRecall(r, f, t);
                r.put("recall@10_vs_exhaustive", f.recallAt10(e.rankings()));
                r.put("candidates", f.candidates());
                if (p == null) {
                    unfilteredP50 = f.p50();
                }
                r.put("p50_vs_unfiltered", f.p50() / unfilteredP50);
            }
        }
        String md = markdown(out, machine);
        System.out.print(md);
        options.writeJson(out);
        options.writeMarkdown(md);
        return 0;
    }

    /** The float MaxSim matrix, read from --work when an earlier run left it (with --reuse), else computed. */
    private FloatMaxSim truth(SynthData synth, int documents) {
        Path file = options.work.resolve(SCORES);
        if (options.reuse) {
            var cached = FloatMaxSim.load(file, synth.queries().size(), documents);
            if (cached.isPresent()) {
                LOG.info("reusing the float MaxSim scores in {}", file);
                return cached.get();
            }
        }
        int n = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        LOG.info("brute-force MaxSim of {} queries over {} documents (float32, {} threads)", synth.queries().size(),
                documents, n);
        FloatMaxSim t = FloatMaxSim.compute(data, synth.queries(), n);
        t.save(file);
        return t;
    }

    private static List<List<String>> truths(FloatMaxSim truth, SynthData synth, java.util.function.IntPredicate allowed) {
        List<List<String>> out = new ArrayList<>();
        for (int q = 0; q < synth.queries().size(); q++) {
            out.add(truth.top(q, K, allowed));
        }
        return out;
    }

    /** Mean overlap@10 of two lists of top-10 lists (the computed truth against gen_synth.py's). */
    private static double agreement(List<List<String>> a, List<List<String>> b) {
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += RetrievalMetrics.overlap(a.get(i), b.get(i), K);
        }
        return s / Math.max(1, a.size());
    }

    private static void putLatencyRecall(ObjectNode o, TimedQueries t, List<List<String>> truth) {
        o.put("latency_p50_ms", t.p50());
        o.put("latency_p95_ms", t.p95());
        o.put("recall@10", t.recallAt10(truth));
    }

    static String markdown(ObjectNode r, MachineInfo machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine.describe()).append("\n\n");
        b.append("Index: nbits ").append(r.get("nbits").asInt()).append(", ").append(r.get("documents").asLong())
                .append(" documents, ").append(r.get("tokens").asLong()).append(" tokens; search: default (FAST ")
                .append(ParamsJson.describe(r.get("search_params"))).append("), k = ").append(K)
                .append(". Truth: ").append(r.get("truth").asText()).append(" (its unfiltered top 10 agrees with ")
                .append("exact_top10.tsv at ").append(String.format(java.util.Locale.ROOT, "%.4f",
                        r.get("truth_agreement_with_exact_top10").asDouble())).append(").\n\n");
        MarkdownTable t = new MarkdownTable("filter", "allowed docs", "p50 ms", "p95 ms", "p50 / unfiltered",
                "recall@10 vs exhaustive over the index", "recall@10 vs float MaxSim", "exhaustive p50 ms",
                "exhaustive recall@10 vs float");
        for (var run : r.withArray("runs")) {
            var e = run.get("exact");
            t.row(run.get("filter").isNull() ? "none" : "`" + run.get("filter").asText() + "` (" + run.get("percent").asInt() + "%)",
                    run.get("allowed_documents").asInt(), run.get("latency_p50_ms").asDouble(),
                    run.get("latency_p95_ms").asDouble(), run.get("p50_vs_unfiltered").asDouble(),
                    run.get("recall@10_vs_exhaustive").asDouble(), run.get("recall@10").asDouble(),
                    e.get("latency_p50_ms").asDouble(), e.get("recall@10").asDouble());
        }
        b.append(t).append('\n');
        return b.toString();
    }
}
