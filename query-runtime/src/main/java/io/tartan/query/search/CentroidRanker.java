package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;

/**
 * PLAID stage 3: approximate MaxSim from centroid scores of every token ({@code Σ_i max_t S[code_t][i]}); keeps the
 * best {@code n} candidates for exact scoring. Each document cell is a random read of the query's score table, so
 * the table is packed small: bfloat16 (PLAID mode, as measured against the reference) or int8 with one scale (FAST
 * mode: half the bytes again, one 32-byte load a cell, the same recall on the synthetic set at 1× and 4×).
 */
final class CentroidRanker {
    private CentroidRanker() {
    }

    /**
     * {@link #rank} over the int8 table already in {@code s.int8Scores} (32 query-token columns), as {@link
     * CoarseCentroidScores} builds it.
     */
    static int rankInt8(LateInteractionKernels kernels, IndexSnapshot snap, int n, int count, SearchScratch s,
            StageTimes times) {
        if (count <= n) {
            return count;
        }
        int[] cells = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken()).cells;
        RowLocator loc = new RowLocator(snap);
        TopK top = s.topK.reset(n);
        for (int j = 0; j < count; j++) {
            int row = s.candidates[j];
            int m = loc.at(row).cells(loc.local(row), cells);
            // in steps of the table: the common scale does not change the order
            top.offer(row, kernels.int8CentroidMaxSim32(s.int8Scores, cells, 0, m));
        }
        int kept = top.copyRows(s.candidates);
        times.lap(StageTimes.Stage.RANK);
        return kept;
    }

    /** Ranks {@code s.candidates[0..count)} in place; returns the new count. */
    static int rank(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nqPad, int n, int count,
            boolean int8, SearchScratch s, StageTimes times) {
        if (count <= n) {
            return count;
        }
        int[] cells = DocBuffers.get(snap.maxDoclen(), snap.residualBytesPerToken()).cells;
        RowLocator loc = new RowLocator(snap);
        TopK top = s.topK.reset(n);
        if (nqPad == 32 && int8) {
            kernels.packScoresInt8x32(scores, snap.numCentroids(), s.int8Scores);
            times.lap(StageTimes.Stage.RANK_TABLE);
            return rankInt8(kernels, snap, n, count, s, times);
        } else if (nqPad == 32) {
            // bfloat16 table: half the bytes, so the rows candidates hit at random mostly stay in L2
            kernels.packScores32(scores, snap.numCentroids(), s.packedScores);
            times.lap(StageTimes.Stage.RANK_TABLE);
            for (int j = 0; j < count; j++) {
                int row = s.candidates[j];
                int m = loc.at(row).cells(loc.local(row), cells);
                top.offer(row, kernels.packedCentroidMaxSim32(s.packedScores, cells, 0, m, null, s.max));
            }
        } else {
            for (int j = 0; j < count; j++) {
                int row = s.candidates[j];
                int m = loc.at(row).cells(loc.local(row), cells);
                top.offer(row, kernels.centroidMaxSim(scores, nqPad, cells, 0, m, null, s.max));
            }
        }
        int kept = top.copyRows(s.candidates);
        times.lap(StageTimes.Stage.RANK);
        return kept;
    }
}
