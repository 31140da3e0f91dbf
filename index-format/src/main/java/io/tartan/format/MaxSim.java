package io.tartan.format;

import io.tartan.format.kernel.Kernels;
import io.tartan.format.kernel.VectorKernels;

/**
 * Exact late-interaction score: {@code score(q, d) = Σ_i max_j ⟨q_i, d_j⟩} over token vectors (raw, or decompressed
 * from an index). This is the ground truth PLAID search is measured against.
 */
public final class MaxSim {
    private MaxSim() {
    }

    /** Scores one query against one document. Inputs are checked: same dim, finite, non-empty. */
    public static float score(float[] query, float[] doc, int dim) {
        int nq = EmbeddingChecks.requireNonEmpty("query", query, dim);
        int nd = EmbeddingChecks.requireNonEmpty("document", doc, dim);
        return score(Kernels.get(), query, nq, doc, 0, nd, dim, new float[nd]);
    }

    /**
     * Unchecked hot-path variant.
     *
     * @param scratch at least {@code nd} floats
     */
    public static float score(VectorKernels k, float[] query, int nq, float[] docs, int dOff, int nd, int dim, float[] scratch) {
        float total = 0;
        for (int i = 0; i < nq; i++) {
            k.dots(query, i * dim, docs, dOff, nd, dim, scratch, 0);
            float best = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < nd; j++) {
                if (scratch[j] > best) {
                    best = scratch[j];
                }
            }
            total += best;
        }
        return total;
    }
}
