package io.tartan.query.bench;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.NpyArray;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The query-runtime headline benchmark on the synthetic set: load time, bytes per token, and for each parameter
 * setting p50/p95 latency and recall@10 against {@code exact_top10.tsv}, 200 queries one at a time on the calling
 * thread. Prints Markdown table rows.
 *
 * <p>Usage: {@code SynthBenchmark <index dir> <synth dir> [curve|headline|recall]}
 */
public final class SynthBenchmark {
    public static void main(String[] args) throws IOException {
        String index = args[0];
        Path synth = Path.of(args[1]);
        boolean curve = args.length < 3 || "curve".equals(args[2]);
        // recall: the two defaults only, one warm-up pass, no exhaustive run (recall is deterministic; for quick
        // comparisons of index layouts on a busy machine)
        boolean recallOnly = args.length >= 3 && "recall".equals(args[2]);
        NpyArray qnpy = NpyArray.read(synth.resolve("queries.npy"));
        long[] shape = qnpy.shape();
        int nq = (int) shape[0];
        int per = (int) (shape[1] * shape[2]);
        float[][] queries = new float[nq][];
        for (int i = 0; i < nq; i++) {
            queries[i] = Arrays.copyOfRange(qnpy.floats(), i * per, (i + 1) * per);
        }
        List<Set<String>> exact = new ArrayList<>();
        for (int i = 0; i < nq; i++) {
            exact.add(new HashSet<>());
        }
        for (String line : Files.readAllLines(synth.resolve("exact_top10.tsv"))) {
            String[] f = line.split("\t");
            exact.get(Integer.parseInt(f[0])).add(f[1]);
        }

        long t0 = System.nanoTime();
        TartanIndex idx = TartanIndex.open(index, OpenOptions.defaults());
        double loadMs = (System.nanoTime() - t0) / 1e6;
        var snap = idx.snapshot();
        long disk = snap.manifest().allFiles().stream().mapToLong(f -> f.sizeBytes()).sum();
        System.out.printf("kernels %s; load %.0f ms (first open, includes JIT warm-up); %d docs, %d tokens; "
                        + "disk %.1f MB = %.1f B/token; memory %s%n", InteractionKernels.get().name(), loadMs,
                snap.numDocs(), snap.numTokens(), disk / 1e6, (double) disk / snap.numTokens(), snap.memory());
        long t1 = System.nanoTime();
        TartanIndex.open(index, OpenOptions.defaults()).close();
        System.out.printf("second open (warm JVM): %.0f ms%n", (System.nanoTime() - t1) / 1e6);

        System.out.println("| mode | ncells | threshold | ndocs | exact-scored | p50 ms | p95 ms | recall@10 | candidates (mean) |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        // warm-up: JIT-compile every path before timing
        for (int rep = 0; rep < (recallOnly ? 1 : 3); rep++) {
            run(queries, exact, q -> idx.search(q, 10, SearchParams.defaults()));
            run(queries, exact, q -> idx.search(q, 10, SearchParams.plaid()));
        }
        List<SearchParams> settings = new ArrayList<>();
        settings.add(SearchParams.plaid());
        settings.add(SearchParams.defaults());
        if (curve) {
            for (int[] p : new int[][] {{1, 256}, {2, 1024}, {4, 1024}, {4, 4096}}) {
                for (float t : new float[] {0.5f, 0.45f, 0.4f}) {
                    settings.add(SearchParams.plaid().withNcells(p[0]).withNdocs(p[1]).withCentroidScoreThreshold(t));
                }
            }
            for (int ncells : new int[] {1, 2, 4, 8, 16}) {
                for (int ndocs : new int[] {128, 256, 512, 1024, 2048}) {
                    settings.add(SearchParams.defaults().withNcells(ncells).withNdocs(ndocs));
                }
            }
        }
        for (SearchParams p : settings) {
            SearchParams.Resolved r = p.resolve(10, snap.numCentroids());
            double[] m = run(queries, exact, q -> idx.search(q, 10, p));
            System.out.printf("| %s | %d | %s | %d | %d | %.2f | %.2f | %.3f | %.0f |%n", p.mode(), r.ncells(),
                    r.pruning() ? Float.toString(r.threshold()) : "-", r.ndocs(), r.nexact(), m[0], m[1], m[2], m[3]);
        }
        if (recallOnly) {
            idx.close();
            return;
        }
        double[] m = run(queries, exact, q -> idx.searchExact(q, 10));
        System.out.printf("| exhaustive (decompressed index) | - | - | all | all | %.2f | %.2f | %.3f | - |%n", m[0], m[1], m[2]);
        idx.close();
    }

    /** Returns {p50 ms, p95 ms, recall@10, mean candidates}. */
    private static double[] run(float[][] queries, List<Set<String>> exact, Function<float[], SearchResult> search) {
        double[] lat = new double[queries.length];
        double hits = 0;
        double cands = 0;
        for (int i = 0; i < queries.length; i++) {
            long t = System.nanoTime();
            SearchResult r = search.apply(queries[i]);
            lat[i] = (System.nanoTime() - t) / 1e6;
            for (SearchHit h : r.hits()) {
                if (exact.get(i).contains(h.docId())) {
                    hits++;
                }
            }
            cands += r.candidates();
        }
        Arrays.sort(lat);
        return new double[] {lat[lat.length / 2], lat[(int) Math.ceil(lat.length * 0.95) - 1],
                hits / (10.0 * queries.length), cands / queries.length};
    }

}
