package io.tartan.query.search;

import io.tartan.format.kernel.InteractionKernels;
import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.NpyArray;

import java.nio.file.Path;
import java.util.Arrays;

/** Mean time per query of each search stage on the synthetic set. Usage: {@code StageProfile <index> <synth> [ncells] [ndocs]}. */
public final class StageProfile {
    public static void main(String[] args) {
        TartanIndex index = TartanIndex.open(args[0]);
        IndexSnapshot snap = index.snapshot();
        NpyArray qn = NpyArray.read(Path.of(args[1]).resolve("queries.npy"));
        int per = (int) (qn.shape()[1] * qn.shape()[2]);
        int nq = (int) qn.shape()[0];
        SearchParams.Resolved p = SearchParams.defaults()
                .withNcells(args.length > 2 ? Integer.parseInt(args[2]) : null)
                .withNdocs(args.length > 3 ? Integer.parseInt(args[3]) : null).resolve(10);
        LateInteractionKernels k = InteractionKernels.get();
        long[] t = new long[5];
        long cands = 0;
        for (int rep = 0; rep < 4; rep++) {
            Arrays.fill(t, 0);
            cands = 0;
            for (int i = 0; i < nq; i++) {
                float[] v = Arrays.copyOfRange(qn.floats(), i * per, (i + 1) * per);
                long a = System.nanoTime();
                QueryMatrix q = QueryMatrix.of(v, snap.dim());
                SearchScratch s = SearchScratch.get(snap.numRows(), snap.numCentroids(), q.nqPad(), ExactScorer.tableFloats(snap, q.nqPad()));
                k.centroidScores(q.transposed(), q.nqPad(), snap.centroids(), snap.numCentroids(), snap.dim(), s.centroidScores);
                long b = System.nanoTime();
                int count = CellProbe.candidates(k, snap, s.centroidScores, q.nq(), q.nqPad(), p.ncells(), s);
                cands += count;
                long c = System.nanoTime();
                count = CentroidRanker.rank(k, snap, s.centroidScores, q.nqPad(), p.nexact(), count, s);
                long d = System.nanoTime();
                ExactScorer ex = new ExactScorer(k, snap, q, s.centroidScores, s.residualTable, s.max);
                long e = System.nanoTime();
                ex.rank(s.candidates, count, s.topK.reset(10));
                long f = System.nanoTime();
                t[0] += b - a;
                t[1] += c - b;
                t[2] += d - c;
                t[3] += e - d;
                t[4] += f - e;
            }
        }
        System.out.printf("ncells %d nexact %d: Q·Cᵀ %.2f ms, probe %.2f ms (%d candidates), centroid MaxSim %.2f ms, "
                        + "residual table %.2f ms, exact %.2f ms%n", p.ncells(), p.nexact(), t[0] / 1e6 / nq,
                t[1] / 1e6 / nq, cands / nq, t[2] / 1e6 / nq, t[3] / 1e6 / nq, t[4] / 1e6 / nq);
    }
}
