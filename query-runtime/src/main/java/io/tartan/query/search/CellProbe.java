package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;

/**
 * PLAID stage 1: for each query token the {@code ncells} centroids it scores highest against, and the documents
 * the IVF lists under the union of those cells ({@link LateInteractionKernels#topCells} does the selection in one
 * pass over the centroid-score table).
 */
final class CellProbe {
    private CellProbe() {
    }

    /** Writes candidate rows to {@code s.candidates}; returns how many. */
    static int candidates(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nq, int nqPad,
            int ncells, SearchScratch s) {
        int k = snap.numCentroids();
        int n = Math.min(ncells, k);
        s.ensureProbe((long) nq * n);
        float[] best = s.probeScores;
        int[] cells = s.probeCells;
        kernels.topCells(scores, nqPad, nq, k, n, best, cells);
        int epoch = s.nextEpoch();
        int[] ivfOffsets = snap.ivfOffsets();
        int[] ivfRows = snap.ivfRows();
        int count = 0;
        for (int e = 0; e < nq * n; e++) {
            int c = cells[e];
            if (best[e] == Float.NEGATIVE_INFINITY || s.cellStamp[c] == epoch) {
                continue;
            }
            s.cellStamp[c] = epoch;
            for (int i = ivfOffsets[c]; i < ivfOffsets[c + 1]; i++) {
                int row = ivfRows[i];
                if (s.docStamp[row] != epoch) {
                    s.docStamp[row] = epoch;
                    s.candidates[count++] = row;
                }
            }
        }
        return count;
    }
}
