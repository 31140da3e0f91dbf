package io.tartan.query.search;

import io.tartan.format.EmbeddingChecks;
import io.tartan.format.kernel.LateInteractionKernels;

/**
 * A query's token vectors transposed to the layout the kernels want: {@code qt[d·nqPad + i]}, with the token count
 * padded to a multiple of {@link LateInteractionKernels#QUERY_PAD} by zero columns (which score 0 everywhere).
 */
public final class QueryMatrix {
    private final int nq;
    private final int nqPad;
    private final int dim;
    private final float[] qt;

    private QueryMatrix(int nq, int nqPad, int dim, float[] qt) {
        this.nq = nq;
        this.nqPad = nqPad;
        this.dim = dim;
        this.qt = qt;
    }

    /**
     * @param vectors {@code [nq × dim]} row-major query token vectors
     * @throws IllegalArgumentException if empty, not a whole number of {@code dim}-wide rows, or not finite
     */
    public static QueryMatrix of(float[] vectors, int dim) {
        int nq = EmbeddingChecks.requireNonEmpty("query", vectors, dim);
        int pad = LateInteractionKernels.QUERY_PAD;
        int nqPad = (nq + pad - 1) / pad * pad;
        float[] qt = new float[dim * nqPad];
        for (int i = 0; i < nq; i++) {
            for (int d = 0; d < dim; d++) {
                qt[d * nqPad + i] = vectors[i * dim + d];
            }
        }
        return new QueryMatrix(nq, nqPad, dim, qt);
    }

    public int nq() {
        return nq;
    }

    public int nqPad() {
        return nqPad;
    }

    public int dim() {
        return dim;
    }

    public float[] transposed() {
        return qt;
    }
}
