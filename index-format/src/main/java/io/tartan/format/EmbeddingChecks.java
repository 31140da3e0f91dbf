package io.tartan.format;

/**
 * Input checks for token matrices, shared by writers, the codec and MaxSim so every entry point rejects bad vectors
 * with the same clear message instead of writing garbage.
 */
public final class EmbeddingChecks {
    private EmbeddingChecks() {
    }

    /**
     * Checks that {@code m} is a non-null {@code [n × dim]} matrix of finite values.
     *
     * @param what names the matrix in the error ("document 'doc-17'", "query", …)
     * @return the number of rows
     */
    public static int requireMatrix(String what, float[] m, int dim) {
        if (m == null) {
            throw new IllegalArgumentException(what + ": vectors are missing");
        }
        if (dim <= 0) {
            throw new IllegalArgumentException(what + ": dim must be positive, got " + dim);
        }
        if (m.length % dim != 0) {
            throw new IllegalArgumentException(what + ": " + m.length + " values is not a whole number of "
                    + dim + "-dim vectors (wrong dim?)");
        }
        for (int i = 0; i < m.length; i++) {
            if (!Float.isFinite(m[i])) {
                throw new IllegalArgumentException(what + ": non-finite value " + m[i] + " at token " + (i / dim)
                        + ", dim " + (i % dim));
            }
        }
        return m.length / dim;
    }

    /** As {@link #requireMatrix} and also rejects an empty matrix. */
    public static int requireNonEmpty(String what, float[] m, int dim) {
        int n = requireMatrix(what, m, dim);
        if (n == 0) {
            throw new IllegalArgumentException(what + ": has no token vectors (empty document or query)");
        }
        return n;
    }
}
