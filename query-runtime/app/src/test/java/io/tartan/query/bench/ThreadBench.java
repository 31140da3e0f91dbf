package io.tartan.query.bench;

import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Library throughput with threads: the synthetic queries ({@code PASSES} passes over {@code queries.npy}) shared by
 * T threads that search one {@link TartanIndex} concurrently (FAST defaults, k 10); per thread count, QPS over the
 * wall time, p50/p95 per-query latency, recall@10 against {@code exact_top10.tsv}, and how many results differ
 * from the 1-thread results (0 where searches share no mutable state).
 *
 * <p>Usage: {@code ThreadBench INDEX SYNTH [threads,threads,… (1,2)] [passes (3)]}
 */
public final class ThreadBench {
    public static void main(String[] args) throws Exception {
        Path synth = Path.of(args[1]);
        int[] threads = Arrays.stream((args.length > 2 ? args[2] : "1,2").split(",")).mapToInt(Integer::parseInt).toArray();
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 3;
        SynthQueries synthQueries = SynthQueries.read(synth);
        float[][] queries = synthQueries.all();
        int nq = queries.length;
        try (TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults())) {
            SearchParams params = SearchParams.defaults();
            List<List<SearchHit>> reference = new ArrayList<>();
            for (float[] q : queries) { // warm-up, and the 1-thread results every run is compared with
                reference.add(idx.search(q, 10, params).hits());
            }
            System.out.printf("# %s, %d queries × %d passes, FAST defaults, k 10, %d cores, load %s%n", args[0], nq,
                    passes, Runtime.getRuntime().availableProcessors(), loadAverage());
            System.out.println("| threads | QPS | p50 ms | p95 ms | recall@10 | results differing from 1 thread |");
            System.out.println("|---|---|---|---|---|---|");
            for (int t : threads) {
                int total = nq * passes;
                double[] lat = new double[total];
                List<SearchResult> results = new ArrayList<>(java.util.Collections.nCopies(total, null));
                AtomicInteger next = new AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(t);
                long start = System.nanoTime();
                List<Future<?>> running = new ArrayList<>();
                for (int w = 0; w < t; w++) {
                    running.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                            long t0 = System.nanoTime();
                            SearchResult r = idx.search(queries[i % nq], 10, params);
                            lat[i] = (System.nanoTime() - t0) / 1e6;
                            results.set(i, r);
                        }
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
                double wall = (System.nanoTime() - start) / 1e9;
                pool.shutdown();
                double hits = 0;
                int differing = 0;
                for (int i = 0; i < total; i++) {
                    List<SearchHit> got = results.get(i).hits();
                    hits += synthQueries.hits(i % nq, results.get(i));
                    if (!got.equals(reference.get(i % nq))) {
                        differing++;
                    }
                }
                Arrays.sort(lat);
                System.out.printf("| %d | %.1f | %.2f | %.2f | %.3f | %d |%n", t, total / wall, lat[total / 2],
                        lat[(int) Math.ceil(total * 0.95) - 1], hits / (10.0 * total), differing);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }
}
