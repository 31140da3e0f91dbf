package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;

/**
 * PLAID stage 2: approximate MaxSim from centroid scores alone, ignoring the tokens whose centroid no query token
 * scores at least {@code centroid_score_threshold} against; keeps the best {@code ndocs}.
 */
final class CentroidPruningFilter {
    private CentroidPruningFilter() {
    }

    /** Filters {@code s.candidates[0..count)} in place; returns the new count. */
    static int filter(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nq, int nqPad,
            float threshold, int ndocs, int count, SearchScratch s) {
        int k = snap.numCentroids();
        boolean[] keep = new boolean[k];
        for (int c = 0; c < k; c++) {
            int o = c * nqPad;
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < nq; i++) {
                m = Math.max(m, scores[o + i]);
            }
            keep[c] = m >= threshold;
        }
        int[] cells = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken()).cells;
        RowLocator loc = new RowLocator(snap);
        TopK top = s.topK.reset(ndocs);
        for (int j = 0; j < count; j++) {
            int row = s.candidates[j];
            int n = loc.at(row).cells(loc.local(row), cells);
            top.offer(row, kernels.centroidMaxSim(scores, nqPad, cells, 0, n, keep, s.max));
        }
        return top.copyRows(s.candidates);
    }
}
