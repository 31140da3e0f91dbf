package io.tartan.query.search;

import io.tartan.format.kernel.LateInteractionKernels;
import io.tartan.query.IndexSnapshot;

/**
 * PLAID stage 3: approximate MaxSim from centroid scores of every token ({@code Σ_i max_t S[code_t][i]}); keeps the
 * best {@code n} candidates for exact scoring.
 */
final class CentroidRanker {
    private CentroidRanker() {
    }

    /** Ranks {@code s.candidates[0..count)} in place; returns the new count. */
    static int rank(LateInteractionKernels kernels, IndexSnapshot snap, float[] scores, int nqPad, int n, int count,
            SearchScratch s) {
        if (count <= n) {
            return count;
        }
        int[] offsets = snap.cellOffsets();
        int[] codes = snap.cells();
        TopK top = s.topK.reset(n);
        if (nqPad == 32) {
            // bfloat16 table: half the bytes, so the rows candidates hit at random mostly stay in L2
            kernels.packScores32(scores, snap.numCentroids(), s.packedScores);
            for (int j = 0; j < count; j++) {
                int row = s.candidates[j];
                top.offer(row, kernels.packedCentroidMaxSim32(s.packedScores, codes, offsets[row], offsets[row + 1], null, s.max));
            }
        } else {
            for (int j = 0; j < count; j++) {
                int row = s.candidates[j];
                top.offer(row, kernels.centroidMaxSim(scores, nqPad, codes, offsets[row], offsets[row + 1], null, s.max));
            }
        }
        return top.copyRows(s.candidates);
    }
}
