package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench synth}: builds an index of a gen_synth.py data set with IndexJob for each nbits, then runs the
 * data set's queries one at a time on one thread: build time per stage, bytes per token, p50/p95 and recall@10
 * against the brute-force {@code exact_top10.tsv}, for the default (FAST) search, PLAID mode at ColBERT's defaults,
 * exhaustive exact MaxSim over the index, and a recall-vs-latency curve (table and PNG).
 */
@Command(name = "synth", mixinStandardHelpOptions = true, description = "Synthetic benchmark: build, size, latency, recall vs exact.")
final class SynthBench implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(SynthBench.class);
    static final int K = 10;
    /** Untimed passes over the queries per setting family, so the JIT has compiled every search path. */
    static final int WARMUP_PASSES = 3;

    @Option(names = "--data", required = true, description = "gen_synth.py output: docs.npy, doclens.npy, queries.npy, exact_top10.tsv")
    Path data;

    @Option(names = "--nbits", split = ",", defaultValue = "2", description = "residual bits: 1, 2 or 4; a list builds one index each (default 2)")
    List<Integer> nbits;

    @Option(names = "--png", paramLabel = "OUT", description = "write the recall-vs-latency chart")
    Path png;

    @Option(names = "--no-curve", description = "only the headline settings, no recall-vs-latency sweep")
    boolean noCurve;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        SynthData synth = SynthData.load(data);
        MachineInfo machine = MachineInfo.current();
        List<IndexBuild> builds = new ArrayList<>();
        try (BenchSpark spark = new BenchSpark("tartan bench synth")) {
            for (int b : new LinkedHashSet<>(nbits)) {
                Map<String, String> s = new LinkedHashMap<>(options.settings);
                s.put("input", data.toAbsolutePath().toString());
                s.put("format", "npy");
                s.put("nbits", Integer.toString(b));
                builds.add(IndexBuild.of(spark, s, options.work.resolve("synth-nbits" + b), options.reuse));
            }
        }
        List<ObjectNode> runs = new ArrayList<>();
        for (IndexBuild build : builds) {
            runs.add(measure(build, synth, machine));
        }
        // built in the order given (the most wanted first), reported by nbits
        runs.sort(java.util.Comparator.comparingInt(r -> r.get("nbits").asInt()));
        ObjectNode out = runs.size() == 1 ? runs.get(0) : JsonNodeFactory.instance.objectNode();
        if (runs.size() > 1) {
            out.set("machine", machine.toJson());
            ArrayNode a = out.putArray("runs");
            runs.forEach(a::add);
        }
        String md = markdown(runs, machine);
        System.out.print(md);
        options.writeJson(out);
        options.writeMarkdown(md);
        if (png != null) {
            Map<String, List<BenchCharts.Point>> series = new LinkedHashMap<>();
            for (ObjectNode r : runs) {
                for (var p : r.withArray("curve")) {
                    series.computeIfAbsent(p.get("mode").asText().toUpperCase(Locale.ROOT) + ", nbits " + r.get("nbits").asInt(),
                            x -> new ArrayList<>()).add(new BenchCharts.Point(p.get("latency_p50_ms").asDouble(), p.get("recall@10").asDouble()));
                }
            }
            Map<String, BenchCharts.Point> refs = new LinkedHashMap<>();
            for (ReferencePlaid r : ReferencePlaid.forCpu(machine.cpu())) {
                refs.put("reference PLAID (" + r.cpu() + ", " + r.date() + ")",
                        new BenchCharts.Point(r.p50Ms(), r.recallAt10()));
            }
            BenchCharts.recallLatency(png, "Synthetic set (1.2M tokens), k = 10", series, refs);
        }
        return 0;
    }

    private ObjectNode measure(IndexBuild build, SynthData synth, MachineInfo machine) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.set("machine", machine.toJson());
        o.put("data", data.toAbsolutePath().toString());
        build.putFigures(o);
        long t0 = System.nanoTime();
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            o.put("load_ms", (System.nanoTime() - t0) / 1e6);
            LOG.info("measuring {} ({} queries, one at a time)", build.uri(), synth.queries().size());
            for (int i = 0; i < WARMUP_PASSES; i++) {
                TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
                TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.plaid()));
            }
            TimedQueries fast = TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
            putLatencyRecall(o, fast, synth);
            o.set("search_params", ParamsJson.of(SearchParams.defaults(), K));
            TimedQueries plaid = TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.plaid()));
            ObjectNode p = o.putObject("plaid");
            putLatencyRecall(p, plaid, synth);
            p.set("search_params", ParamsJson.of(SearchParams.plaid(), K));
            TimedQueries exact = TimedQueries.run(synth.queries(), q -> idx.searchExact(q, K));
            putLatencyRecall(o.putObject("exact"), exact, synth);
            ArrayNode curve = o.putArray("curve");
            for (SearchParams sp : noCurve ? List.of(SearchParams.plaid(), SearchParams.defaults()) : curveSettings()) {
                TimedQueries t = TimedQueries.run(synth.queries(), q -> idx.search(q, K, sp));
                ObjectNode c = ParamsJson.of(sp, K);
                putLatencyRecall(c, t, synth);
                c.put("candidates", t.candidates());
                curve.add(c);
            }
        }
        o.set("reference_plaid", ReferencePlaid.forCpu(machine.cpu()).get(0).toJson());
        return o;
    }

    /** ColBERT's PLAID grid and the FAST mode's ncells × ndocs grid (stage 4 scores ndocs/4 exactly). */
    static List<SearchParams> curveSettings() {
        List<SearchParams> out = new ArrayList<>();
        for (int[] p : new int[][] {{1, 256}, {2, 1024}, {4, 1024}, {4, 4096}}) {
            out.add(SearchParams.plaid().withNcells(p[0]).withNdocs(p[1]));
        }
        for (int ncells : new int[] {1, 2, 4, 8, 16}) {
            for (int ndocs : new int[] {128, 256, 1024}) {
                out.add(SearchParams.defaults().withNcells(ncells).withNdocs(ndocs));
            }
        }
        return out;
    }

    private static void putLatencyRecall(ObjectNode o, TimedQueries t, SynthData synth) {
        o.put("latency_p50_ms", t.p50());
        o.put("latency_p95_ms", t.p95());
        o.put("recall@10", t.recallAt10(synth.exactTop10()));
    }

    static String markdown(List<ObjectNode> runs, MachineInfo machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine.describe()).append("\n\n");
        MarkdownTable head = new MarkdownTable("index", "build s", "B/token", "load ms", "search p50 ms", "p95 ms",
                "recall@10 vs exact");
        for (ReferencePlaid r : ReferencePlaid.forCpu(machine.cpu())) {
            head.row("reference PLAID (" + r.cpu() + ", " + r.date() + "), nbits 2", r.buildSeconds(),
                    r.bytesPerToken(), null, r.p50Ms(), r.p95Ms(), r.recallAt10());
        }
        for (ObjectNode r : runs) {
            String n = "nbits " + r.get("nbits").asInt();
            head.row("Tartan " + n + ", default (FAST " + ParamsJson.describe(r.get("search_params")) + ")", r.get("build_seconds").asDouble(),
                    r.get("bytes_per_token").asDouble(), r.get("load_ms").asDouble(), r.get("latency_p50_ms").asDouble(),
                    r.get("latency_p95_ms").asDouble(), r.get("recall@10").asDouble());
            ObjectNode p = (ObjectNode) r.get("plaid");
            head.row("Tartan " + n + ", PLAID mode (" + ParamsJson.describe(p.get("search_params")) + ")", null, null, null,
                    p.get("latency_p50_ms").asDouble(), p.get("latency_p95_ms").asDouble(), p.get("recall@10").asDouble());
            ObjectNode e = (ObjectNode) r.get("exact");
            head.row("Tartan " + n + ", exhaustive exact MaxSim over the index", null, null, null,
                    e.get("latency_p50_ms").asDouble(), e.get("latency_p95_ms").asDouble(), e.get("recall@10").asDouble());
        }
        b.append(head).append('\n');

        List<String> stageNames = new ArrayList<>();
        runs.forEach(r -> r.get("build_stage_seconds").fieldNames().forEachRemaining(s -> {
            if (!stageNames.contains(s)) {
                stageNames.add(s);
            }
        }));
        String[] header = new String[runs.size() + 1];
        header[0] = "build stage (s)";
        for (int i = 0; i < runs.size(); i++) {
            header[i + 1] = "nbits " + runs.get(i).get("nbits").asInt();
        }
        MarkdownTable stages = new MarkdownTable(header);
        for (String s : stageNames) {
            Object[] row = new Object[header.length];
            row[0] = s;
            for (int i = 0; i < runs.size(); i++) {
                var v = runs.get(i).get("build_stage_seconds").get(s);
                row[i + 1] = v == null ? null : v.asDouble();
            }
            stages.row(row);
        }
        Object[] total = new Object[header.length];
        total[0] = "**total**";
        for (int i = 0; i < runs.size(); i++) {
            total[i + 1] = runs.get(i).get("build_seconds").asDouble();
        }
        stages.row(total);
        b.append(stages).append('\n');

        for (ObjectNode r : runs) {
            b.append("Recall vs latency, nbits ").append(r.get("nbits").asInt()).append(", k = 10:\n\n");
            MarkdownTable c = new MarkdownTable("mode", "ncells", "threshold", "ndocs", "p50 ms", "p95 ms", "recall@10", "candidates (mean)");
            for (var p : r.withArray("curve")) {
                c.row(p.get("mode").asText().toUpperCase(Locale.ROOT), p.get("ncells").asInt(),
                        p.has("centroid_score_threshold") ? p.get("centroid_score_threshold").asDouble() : null,
                        p.get("ndocs").asInt(), p.get("latency_p50_ms").asDouble(), p.get("latency_p95_ms").asDouble(),
                        p.get("recall@10").asDouble(), Math.round(p.get("candidates").asDouble()));
            }
            b.append(c).append('\n');
        }
        return b.toString();
    }
}
