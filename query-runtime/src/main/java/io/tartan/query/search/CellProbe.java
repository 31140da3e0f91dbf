package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;

/**
 * PLAID stage 1: for each query token the {@code ncells} centroids it scores highest against, and the live
 * documents the IVF lists under the union of those cells ({@link LateInteractionKernels#topCells} does the selection
 * in one pass over the centroid-score table). Each shard's segment has its own IVF over its rows; the lists are read
 * shard by shard, so candidates come out grouped by shard.
 */
final class CellProbe {
    private CellProbe() {
    }

    /** Writes candidate rows to {@code s.candidates}; returns how many. */
    static int candidates(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nq, int nqPad,
            int ncells, SearchScratch s, StageTimes times) {
        int k = snap.numCentroids();
        int n = Math.min(ncells, k);
        s.ensureProbe((long) nq * n);
        float[] best = s.probeScores;
        int[] cells = s.probeCells;
        kernels.topCells(scores, nqPad, nq, k, n, best, cells);
        times.lap(StageTimes.Stage.TOP_CELLS);
        int epoch = s.nextEpoch();
        int[] probed = new int[nq * n];
        int np = 0;
        for (int e = 0; e < nq * n; e++) {
            int c = cells[e];
            if (best[e] != Float.NEGATIVE_INFINITY && s.cellStamp[c] != epoch) {
                s.cellStamp[c] = epoch;
                probed[np++] = c;
            }
        }
        int[] block = DocBuffers.get(0, 0).ivf;
        int count = 0;
        for (int i = 0; i < snap.numSlices(); i++) {
            ShardSlice sl = snap.slice(i);
            ShardSegment seg = sl.segment();
            int from = sl.from();
            int to = sl.to();
            int shift = sl.base() - from;
            boolean partial = from > 0 || to < seg.rows();
            for (int p = 0; p < np; p++) {
                int c = probed[p];
                long at = seg.ivfStart(c);
                long end = seg.ivfStart(c + 1);
                while (at < end) {
                    int len = (int) Math.min(end - at, block.length);
                    seg.ivfRows(at, block, len);
                    at += len;
                    for (int j = 0; j < len; j++) {
                        int local = block[j];
                        if (partial && (local < from || local >= to)) {
                            continue;
                        }
                        int row = local + shift;
                        if (s.docStamp[row] != epoch && sl.isLive(local)) {
                            s.docStamp[row] = epoch;
                            s.candidates[count++] = row;
                        }
                    }
                }
            }
        }
        times.lap(StageTimes.Stage.IVF);
        return count;
    }
}
