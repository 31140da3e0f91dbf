package io.tartan.query.search;

import io.tartan.query.IndexSnapshot;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.bench.SynthQueries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Where a search's time goes: the synthetic queries one at a time on 1 thread through {@link Searcher} (the served
 * code path, timed at each stage boundary by {@link StageTimes}), one warm-up pass and {@code passes} timed ones;
 * prints each stage's p50 and mean, the p50/p95 of the whole query, mean candidates and recall@10 against
 * exact_top10.tsv. Usage: {@code StageProfile <index> <synth> [fast|plaid] [ncells] [ndocs] [passes] [ngroups]} (default: FAST
 * with its defaults for the index, 3 passes).
 */
public final class StageProfile {
    public static void main(String[] args) throws Exception {
        TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults());
        IndexSnapshot snap = idx.snapshot();
        SynthQueries queries = SynthQueries.read(Path.of(args[1]));
        SearchParams.Mode mode = args.length > 2 ? SearchParams.Mode.valueOf(args[2].toUpperCase()) : SearchParams.Mode.FAST;
        SearchParams sp = (mode == SearchParams.Mode.PLAID ? SearchParams.plaid() : SearchParams.defaults())
                .withNcells(args.length > 3 && !args[3].equals("-") ? Integer.parseInt(args[3]) : null)
                .withNdocs(args.length > 4 && !args[4].equals("-") ? Integer.parseInt(args[4]) : null)
                .withNgroups(args.length > 6 && !args[6].equals("-") ? Integer.parseInt(args[6]) : null);
        int passes = args.length > 5 ? Integer.parseInt(args[5]) : 3;
        SearchParams.Resolved p = sp.resolve(10, snap.numCentroids());
        if (p.ngroups() > 0) {
            long t0 = System.nanoTime();
            CentroidGroups g = snap.centroidGroups();
            System.out.printf("centroid groups: %d, %s in %.0f ms (first use; the open before it %d ms), %.1f MB heap%n",
                    g.groups(), idx.centroidGroupingCache().built() > 0 ? "built" : "read from the cache",
                    (System.nanoTime() - t0) / 1e6, snap.loadMillis(), g.heapBytes() / 1e6);
        }
        Searcher searcher = new Searcher();
        int nq = queries.size();
        StageTimes.Stage[] stages = StageTimes.Stage.values();
        double[][] t = new double[stages.length][nq * passes];
        double[] total = new double[nq * passes];
        StageTimes times = new StageTimes();
        long hits = 0;
        double cands = 0;
        double scored = 0;
        for (int rep = -1; rep < passes; rep++) {
            for (int qi = 0; qi < nq; qi++) {
                times.clear();
                SearchResult r = searcher.search(snap, queries.vectors(qi), 10, sp, null, times);
                if (rep < 0) {
                    for (SearchHit h : r.hits()) {
                        hits += queries.isExactTop10(qi, h.docId()) ? 1 : 0;
                    }
                    cands += r.candidates();
                    scored += p.ngroups() > 0 ? CoarseCentroidScores.get().scored() : snap.numCentroids();
                    continue;
                }
                int at = rep * nq + qi;
                for (StageTimes.Stage s : stages) {
                    t[s.ordinal()][at] = times.nanos(s) / 1e6;
                }
                total[at] = times.totalNanos() / 1e6;
            }
        }
        System.out.printf("%s, kernels %s, %d centroids, %d docs, ncells %d ndocs %d nexact %d ngroups %d, mean candidates %.0f, mean centroids scored a query token in stage 1 %.0f, "
                        + "%d queries x %d passes, load %s%n", mode, searcher.kernels().name(), snap.numCentroids(),
                snap.numDocs(), p.ncells(), p.ndocs(), p.nexact(), p.ngroups(), cands / nq, scored / nq, nq, passes,
                Files.readString(Path.of("/proc/loadavg")).trim());
        for (StageTimes.Stage s : stages) {
            double[] x = t[s.ordinal()];
            System.out.printf("  %-30s p50 %8.3f ms  mean %8.3f ms%n", s.label(), p50(x), Arrays.stream(x).average().orElse(0));
        }
        double[] x = total.clone();
        Arrays.sort(x);
        System.out.printf("  %-30s p50 %8.3f ms  p95 %8.3f ms%n", "total", x[x.length / 2], x[(int) (x.length * 0.95)]);
        System.out.printf("  recall@10 %.3f%n", hits / (10.0 * nq));
        idx.close();
    }

    private static double p50(double[] v) {
        double[] x = v.clone();
        Arrays.sort(x);
        return x[x.length / 2];
    }
}
