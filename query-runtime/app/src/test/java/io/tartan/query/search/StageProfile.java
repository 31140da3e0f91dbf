package io.tartan.query.search;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.OpenOptions;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.bench.SynthQueries;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Time per FAST stage (p50 over the synthetic queries, 3 passes) with stage 3 on the bfloat16 and on the int8 score
 * table, alternated query by query in one JVM so load drift hits both alike; recall@10 of each against
 * exact_top10.tsv. Usage: {@code StageProfile <index> <synth> [ncells] [ndocs]} (default: FAST's for the index).
 */
public final class StageProfile {
    public static void main(String[] args) throws Exception {
        TartanIndex idx = TartanIndex.open(args[0], OpenOptions.defaults());
        IndexSnapshot snap = idx.snapshot();
        SynthQueries queries = SynthQueries.read(Path.of(args[1]));
        int nq = queries.size();
        SearchParams sp = SearchParams.defaults()
                .withNcells(args.length > 2 ? Integer.parseInt(args[2]) : null)
                .withNdocs(args.length > 3 ? Integer.parseInt(args[3]) : null);
        SearchParams.Resolved p = sp.resolve(10, snap.numCentroids());
        LateInteractionKernels kernels = InteractionKernels.get();
        int passes = 3;
        double[][] t = new double[6][nq * passes];
        double[] hits = new double[2];
        double cands = 0;
        for (int rep = 0; rep < passes; rep++) {
            for (int qi = 0; qi < nq; qi++) {
                float[] v = queries.vectors(qi);
                for (int variant = 0; variant < 2; variant++) {
                    boolean int8 = (qi + rep + variant) % 2 == 0;
                    int at = rep * nq + qi;
                    long a = System.nanoTime();
                    QueryMatrix q = QueryMatrix.of(v, snap.dim());
                    SearchScratch s = SearchScratch.get(snap.numRows(), snap.numCentroids(), q.nqPad(),
                            ExactScorer.tableFloats(snap, q.nqPad()));
                    kernels.centroidScores(q.transposed(), q.nqPad(), snap.centroids(), snap.numCentroids(),
                            snap.dim(), s.centroidScores);
                    long b = System.nanoTime();
                    int c = CellProbe.candidates(kernels, snap, s.centroidScores, q.nq(), q.nqPad(), p.ncells(), s);
                    long d = System.nanoTime();
                    int count = CentroidRanker.rank(kernels, snap, s.centroidScores, q.nqPad(), p.nexact(), c, int8, s);
                    long e = System.nanoTime();
                    ExactScorer ex = new ExactScorer(kernels, snap, q, s.centroidScores, s.residualTable, s.max);
                    TopK top = s.topK.reset(10);
                    ex.rank(s.candidates, count, top);
                    long f = System.nanoTime();
                    if (int8) {
                        t[0][at] = (b - a) / 1e6;
                        t[1][at] = (d - b) / 1e6;
                        t[2][at] = (e - d) / 1e6;
                        t[3][at] = (f - e) / 1e6;
                        t[4][at] = (f - a) / 1e6;
                        cands += c;
                    } else {
                        t[5][at] = (e - d) / 1e6;
                    }
                    if (rep == 0) {
                        for (int row : top.sortedRows(null)) {
                            if (queries.isExactTop10(qi, snap.docId(row))) {
                                hits[int8 ? 0 : 1]++;
                            }
                        }
                    }
                }
            }
        }
        String[] names = {"stage 1 centroid scores", "stage 1 probe + IVF", "stage 3 int8 table", "stage 4 exact",
                "total (int8)", "stage 3 bfloat16 table"};
        System.out.printf("kernels %s, %d centroids, %d docs, ncells %d ndocs %d, mean candidates %.0f, load %s%n",
                kernels.name(), snap.numCentroids(), snap.numDocs(), p.ncells(), p.ndocs(), cands / nq / passes,
                Files.readString(Path.of("/proc/loadavg")).trim());
        for (int i = 0; i < 6; i++) {
            double[] x = t[i].clone();
            Arrays.sort(x);
            System.out.printf("  %-24s p50 %8.3f ms%n", names[i], x[x.length / 2]);
        }
        System.out.printf("  recall@10: int8 %.3f, bfloat16 %.3f%n", hits[0] / (10.0 * nq), hits[1] / (10.0 * nq));
        idx.close();
    }
}
