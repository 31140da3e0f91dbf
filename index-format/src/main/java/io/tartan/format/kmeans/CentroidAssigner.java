package io.tartan.format.kmeans;

import java.io.Serializable;

/**
 * Finds the nearest centroid (largest inner product) of token vectors. Implementations are immutable, thread-safe
 * and serializable, so one instance can be broadcast to every task of a Spark job.
 */
public interface CentroidAssigner extends Serializable {
    /** Number of centroids. */
    int numCentroids();

    /** Vector width. */
    int dim();

    /** The centroid matrix {@code [k × dim]}; callers must not modify it. */
    float[] centroids();

    /**
     * Assigns {@code n} row-major vectors starting at {@code vectors[off]}.
     *
     * @param codes  receives the centroid id of each vector at {@code codes[0 .. n)}
     * @param scores receives each vector's inner product with its centroid, or {@code null} if not wanted
     */
    void assign(float[] vectors, int off, int n, int[] codes, float[] scores);

    /** Convenience: the codes of a whole {@code [n × dim]} matrix. */
    default int[] assign(float[] vectors) {
        int n = vectors.length / dim();
        int[] codes = new int[n];
        assign(vectors, 0, n, codes, null);
        return codes;
    }
}
