package io.tartan.jobs.bench;

import io.tartan.jobs.SearchJob;
import io.tartan.jobs.search.SearchMode;
import io.tartan.jobs.search.SearchOverrides;
import io.tartan.jobs.search.SearchSummary;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.NpyArray;
import io.tartan.query.eval.LatencyPercentiles;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tartan bench search-batch}: SearchJob against the query runtime on one index and one npy query set. The
 * reference is the runtime's own search, one query at a time on one thread in this JVM (what {@code tartan search
 * --query-vectors} runs, without its JVM start and index open), or the TREC run file {@code tartan search --run}
 * wrote ({@code --expect}). Then SearchJob runs with each {@code --partitions} count ({@code local[*]}, or
 * {@code TARTAN_MASTER}); per plan: queries per second over its search stage and over the whole job, p50 per query,
 * and for how many queries its results (doc ids and scores, every rank) equal the reference.
 */
@Command(name = "search-batch", mixinStandardHelpOptions = true,
        description = "SearchJob (tartan search-batch) against tartan search: same results, throughput.")
final class SearchBatchBench implements Callable<Integer> {
    @Option(names = "--index", required = true, description = "index folder")
    Path index;

    @Option(names = "--queries", required = true, description = "query vectors, .npy float32 [nq, query_maxlen, dim]")
    Path queries;

    @Option(names = "--expect", description = "TREC run of `tartan search --query-vectors QUERIES --run FILE` (same "
            + "mode and k); default: the runtime's search in this JVM")
    Path expect;

    @Option(names = "--partitions", split = ",", defaultValue = "1,2", description = "index partitions of each "
            + "SearchJob run (default 1,2)")
    List<Integer> partitions;

    @Option(names = "--mode", defaultValue = "fast", description = "fast (default), plaid or exact")
    String mode;

    @Option(names = "-k", defaultValue = "10", description = "results per query (default 10)")
    int k;

    @Option(names = "--work", defaultValue = "target/bench/search-batch", description = "folder for the results")
    Path work;

    @Override
    public Integer call() throws IOException {
        if (k < 1) {
            throw new IllegalArgumentException("-k must be at least 1, got " + k);
        }
        SearchMode m = SearchMode.parse(mode);
        MarkdownTable table = new MarkdownTable("plan", "queries", "search stage, queries/s", "whole run, queries/s",
                "p50 ms / query", "same results as tartan search");
        Map<String, List<String>> runtime = new LinkedHashMap<>();
        List<float[]> qs = readQueries();
        double[] ms = new double[qs.size()];
        long t0 = System.nanoTime();
        try (TartanIndex idx = TartanIndex.open(index.toAbsolutePath().toString())) {
            double open = (System.nanoTime() - t0) / 1e9;
            SearchParams params = m.params(SearchOverrides.NONE);
            long s0 = System.nanoTime();
            for (int i = 0; i < qs.size(); i++) {
                long q0 = System.nanoTime();
                runtime.put(Integer.toString(i), lines(m.search(idx, qs.get(i), k, params)));
                ms[i] = (System.nanoTime() - q0) / 1e6;
            }
            double search = (System.nanoTime() - s0) / 1e9;
            Map<String, List<String>> cli = expect == null ? null : readTrec(expect);
            table.row("query runtime in this JVM, one query at a time, one thread (open " + f1(open) + " s)",
                    qs.size(), qs.size() / search, qs.size() / ((System.nanoTime() - t0) / 1e9),
                    LatencyPercentiles.of(ms).p50(),
                    cli == null ? "(reference)" : same(cli, runtime) + " / " + cli.size());
        }
        Map<String, List<String>> reference = expect == null ? runtime : readTrec(expect);
        try (BenchSpark spark = new BenchSpark("tartan bench search-batch")) {
            for (int p : partitions) {
                Path out = work.resolve("p" + p);
                IndexBuild.deleteTree(out);
                long j0 = System.nanoTime();
                SearchSummary s = SearchJob.parse("--index", index.toAbsolutePath().toString(), "--queries",
                        queries.toAbsolutePath().toString(), "--output", out.toAbsolutePath().toString(), "-k",
                        Integer.toString(k), "--mode", mode, "--index-partitions", Integer.toString(p))
                        .run(spark.get());
                double wall = (System.nanoTime() - j0) / 1e9;
                Map<String, List<String>> got = readResults(spark, out);
                int same = same(reference, got);
                table.row("SearchJob, " + p + " index partition" + (p == 1 ? "" : "s") + ", " + spark.get().master(),
                        s.queries(), s.queriesPerSecond(), s.queries() / wall, s.p50QueryMillis(),
                        same + " / " + reference.size());
            }
        }
        String md = "Index: `" + index + "`; queries: `" + queries + "`; mode " + mode + ", k = " + k + ".\n\n"
                + table;
        System.out.print(md);
        Files.createDirectories(work);
        Files.writeString(work.resolve("search-batch.md"), md, StandardCharsets.UTF_8);
        return 0;
    }

    /** Queries of {@code expected} whose results in {@code got} are the same, rank by rank. */
    static int same(Map<String, List<String>> expected, Map<String, List<String>> got) {
        int n = 0;
        for (Map.Entry<String, List<String>> e : expected.entrySet()) {
            if (e.getValue().equals(got.get(e.getKey()))) {
                n++;
            }
        }
        return n;
    }

    private List<float[]> readQueries() {
        NpyArray q = NpyArray.read(queries);
        long[] shape = q.shape();
        if (shape.length != 3) {
            throw new IllegalArgumentException(queries + ": shape " + Arrays.toString(shape) + " is not [nq, qlen, dim]");
        }
        int per = (int) (shape[1] * shape[2]);
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < shape[0]; i++) {
            out.add(Arrays.copyOfRange(q.floats(), i * per, (i + 1) * per));
        }
        return out;
    }

    /** "doc_id score" per rank, per query id, from a TREC run (qid Q0 doc rank score tag). */
    static Map<String, List<String>> readTrec(Path file) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try {
            int no = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                no++;
                String[] f = line.trim().split("\\s+");
                if (f.length < 5) {
                    throw new IllegalArgumentException(file + ":" + no + ": not a TREC run line: " + line);
                }
                out.computeIfAbsent(f[0], q -> new ArrayList<>()).add(f[2] + " " + Float.parseFloat(f[4]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static Map<String, List<String>> readResults(BenchSpark spark, Path out) {
        SparkSession s = SparkSession.builder().sparkContext(spark.get().sc()).getOrCreate();
        List<Row> rows = s.read().parquet(out.toAbsolutePath().toString())
                .orderBy("query_id", "rank").collectAsList();
        Map<String, List<String>> got = new LinkedHashMap<>();
        for (Row r : rows) {
            got.computeIfAbsent(r.getString(r.fieldIndex("query_id")), q -> new ArrayList<>())
                    .add(r.getString(r.fieldIndex("doc_id")) + " " + r.getFloat(r.fieldIndex("score")));
        }
        return got;
    }

    private static List<String> lines(SearchResult r) {
        List<String> out = new ArrayList<>();
        for (SearchHit h : r.hits()) {
            out.add(h.docId() + " " + h.score());
        }
        return out;
    }

    private static String f1(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }
}
