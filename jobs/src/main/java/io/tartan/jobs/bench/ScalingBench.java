package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
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
 * {@code tartan bench scaling}: what a build costs as the corpus grows. Each {@code --data} is a gen_synth.py data
 * set of another size (the 1×, 4×, 10×: {@code --ndocs 20000, 80000, 200000}), indexed from scratch with
 * IndexJob's defaults in this JVM (its heap is the driver's: {@code TARTAN_HEAP}, 4 GB by default) and searched with
 * its own queries, one at a time on one thread. Per size: build seconds per stage and in total (and as a multiple of
 * the smallest), peak driver heap and the largest task's execution memory from the build summary, and recall@10 of
 * the default (FAST) search against the data set's brute-force {@code exact_top10.tsv}, with its p50/p95 latency.
 */
@Command(name = "scaling", mixinStandardHelpOptions = true,
        description = "Build time, memory and recall at growing corpus sizes.")
final class ScalingBench implements Callable<Integer> {
    static final int K = 10;

    @Option(names = "--data", required = true, split = ",", description = "gen_synth.py outputs, smallest first "
            + "(docs.npy, doclens.npy, queries.npy, exact_top10.tsv); repeatable or comma-separated")
    List<Path> data;

    @Option(names = "--nbits", defaultValue = "2", description = "residual bits (default 2)")
    int nbits;

    @Option(names = "--png", paramLabel = "OUT", description = "write the build-time and latency chart")
    Path png;

    @Mixin
    BenchOptions options;

    @Override
    public Integer call() {
        MachineInfo machine = MachineInfo.current();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.set("machine", machine.toJson());
        out.put("nbits", nbits);
        ArrayNode runs = out.putArray("runs");
        try (BenchSpark spark = new BenchSpark("tartan bench scaling")) {
            for (Path d : data) {
                SynthData synth = SynthData.load(d);
                Map<String, String> s = new LinkedHashMap<>(options.settings);
                s.put("input", d.toAbsolutePath().toString());
                s.put("format", "npy");
                s.put("nbits", Integer.toString(nbits));
                String name = d.toAbsolutePath().normalize().getFileName().toString();
                IndexBuild build = IndexBuild.of(spark, s, options.work.resolve("scaling-" + name), options.reuse);
                // searched before the next build, so only one index is open at a time
                runs.add(measure(build, d, synth));
            }
        }
        double baseDocs = runs.get(0).get("documents").asDouble();
        double baseSeconds = runs.get(0).get("build_seconds").asDouble();
        for (JsonNode r : runs) {
            ((ObjectNode) r).put("size", r.get("documents").asDouble() / baseDocs);
            ((ObjectNode) r).put("build_seconds_vs_smallest", r.get("build_seconds").asDouble() / baseSeconds);
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
            BenchCharts.scaling(png, "Scaling: synthetic corpora, nbits " + nbits, tokens, build, p50);
        }
        return 0;
    }

    private ObjectNode measure(IndexBuild build, Path data, SynthData synth) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("data", data.toAbsolutePath().toString());
        build.putFigures(o);
        JsonNode memory = build.summary().path("memory");
        o.put("peak_driver_heap_mb", memory.path("peak_driver_heap_bytes").asLong() / 1048576.0);
        o.put("driver_heap_max_mb", memory.path("driver_heap_max_bytes").asLong() / 1048576.0);
        o.put("largest_task_peak_execution_memory_mb",
                memory.path("largest_task_peak_execution_memory_bytes").asLong() / 1048576.0);
        try (TartanIndex idx = TartanIndex.open(build.uri(), OpenOptions.defaults())) {
            for (int i = 0; i < SynthBench.WARMUP_PASSES; i++) {
                TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
            }
            TimedQueries fast = TimedQueries.run(synth.queries(), q -> idx.search(q, K, SearchParams.defaults()));
            o.put("latency_p50_ms", fast.p50());
            o.put("latency_p95_ms", fast.p95());
            o.put("recall@10", fast.recallAt10(synth.exactTop10()));
            o.set("search_params", ParamsJson.of(SearchParams.defaults(), K));
        }
        return o;
    }

    static String markdown(ArrayNode runs, MachineInfo machine) {
        StringBuilder b = new StringBuilder();
        b.append("Machine: ").append(machine.describe()).append("\n\n");
        List<String> stages = new ArrayList<>();
        runs.get(0).get("build_stage_seconds").fieldNames().forEachRemaining(stages::add);
        List<String> head = new ArrayList<>(List.of("size", "documents", "tokens", "centroids", "build s",
                "× smallest"));
        stages.forEach(st -> head.add(st + " s"));
        head.addAll(List.of("peak driver heap MB", "largest task MB", "B/token", "recall@10 vs exact", "p50 ms",
                "p95 ms"));
        MarkdownTable t = new MarkdownTable(head.toArray(String[]::new));
        for (JsonNode r : runs) {
            List<Object> row = new ArrayList<>(List.of(String.format("%.0f×", r.get("size").asDouble()),
                    r.get("documents").asLong(), r.get("tokens").asLong(), r.get("ncentroids").asInt(),
                    r.get("build_seconds").asDouble(), r.get("build_seconds_vs_smallest").asDouble()));
            stages.forEach(st -> row.add(r.get("build_stage_seconds").path(st).asDouble()));
            row.addAll(List.of(r.get("peak_driver_heap_mb").asDouble(),
                    r.get("largest_task_peak_execution_memory_mb").asDouble(), r.get("bytes_per_token").asDouble(),
                    r.get("recall@10").asDouble(), r.get("latency_p50_ms").asDouble(),
                    r.get("latency_p95_ms").asDouble()));
            t.row(row.toArray());
        }
        b.append(t);
        return b.toString();
    }
}
