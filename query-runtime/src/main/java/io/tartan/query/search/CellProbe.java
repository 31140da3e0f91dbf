package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;

/**
 * PLAID stage 1: for each query token the {@code ncells} centroids it scores highest against, and the live
 * documents the IVF lists under the union of those cells ({@link LateInteractionKernels#topCells} does the selection
 * in one pass over the centroid-score table). Each shard's segment has its own IVF over its rows; candidates come out
 * in ascending row order (so grouped by shard).
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
        return fromCells(snap, nq * n, s, times);
    }

    /**
     * The live documents under the cells {@code s.probeCells[0..total)} (entries whose {@code s.probeScores} is
     * −∞ are no cells: a token with fewer scored centroids than ncells), written to {@code s.candidates} in row
     * order; returns how many.
     */
    static int fromCells(IndexSnapshot snap, int total, SearchScratch s, StageTimes times) {
        float[] best = s.probeScores;
        int[] cells = s.probeCells;
        int epoch = s.nextEpoch();
        int[] probed = new int[total];
        int np = 0;
        for (int e = 0; e < total; e++) {
            int c = cells[e];
            if (best[e] != Float.NEGATIVE_INFINITY && s.cellStamp[c] != epoch) {
                s.cellStamp[c] = epoch;
                probed[np++] = c;
            }
        }
        int[] block = DocBuffers.get(0, 0).ivf;
        // Candidates are marked in a bitset and read out in row order: the later stages then read each shard's
        // cells and tokens front to back (prefetcher- and TLB-friendly) instead of in IVF order, and the marks
        // (one bit a row) stay in L1/L2 while the IVF lists are walked
        long[] bits = s.candidateBits;
        int count = 0;
        try {
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
                            long bit = 1L << row;
                            if ((bits[row >>> 6] & bit) == 0 && sl.isLive(local)) {
                                bits[row >>> 6] |= bit;
                                count++;
                            }
                        }
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            java.util.Arrays.fill(bits, 0); // the next query on this thread starts from clear marks
            throw e;
        }
        int out = 0;
        for (int w = 0; w < bits.length && out < count; w++) {
            long word = bits[w];
            if (word != 0) {
                bits[w] = 0;
                while (word != 0) {
                    s.candidates[out++] = (w << 6) + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                }
            }
        }
        times.lap(StageTimes.Stage.IVF);
        return count;
    }
}
