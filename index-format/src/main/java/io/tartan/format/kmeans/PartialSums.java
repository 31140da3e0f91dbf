package io.tartan.format.kmeans;

import java.io.Serializable;

/**
 * The Lloyd step's sufficient statistics over some block of points: per centroid the sum and count of the points
 * assigned to it, plus the summed inner product of every point with its centroid (the spherical k-means objective).
 * Blocks combine with {@link #merge} in any tree, as Spark's {@code treeAggregate} does.
 *
 * <p>Sums are kept in fixed point ({@link #SCALE} units per 1.0, in a long): integer addition is associative, so the
 * result is bit-for-bit the same whatever the order Spark merges partitions in, and the index built from the same
 * input and seed is the same index. Points must be L2-normalised (every component in [-1, 1]), which bounds a sum
 * of up to 2^31 points inside a long; 2^-32 resolution is finer than a float's near the typical component.
 */
public final class PartialSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int k;
    private final int dim;
    /** Fixed-point units per 1.0. */
    static final double SCALE = 0x1p32;

    private final long[] sums;
    private final long[] counts;
    private long scoreSum;
    private long points;

    public PartialSums(int k, int dim) {
        this.k = k;
        this.dim = dim;
        this.sums = new long[Math.multiplyExact(k, dim)];
        this.counts = new long[k];
    }

    /** Assigns {@code n} vectors at {@code vectors[off]} with {@code assigner} and adds them. */
    public PartialSums add(CentroidAssigner assigner, float[] vectors, int off, int n) {
        int[] codes = new int[n];
        float[] scores = new float[n];
        assigner.assign(vectors, off, n, codes, scores);
        return add(vectors, off, n, codes, scores);
    }

    /** Adds {@code n} vectors already assigned to {@code codes} with inner products {@code scores}. */
    public PartialSums add(float[] vectors, int off, int n, int[] codes, float[] scores) {
        for (int t = 0; t < n; t++) {
            int c = codes[t];
            int s = c * dim;
            int v = off + t * dim;
            for (int d = 0; d < dim; d++) {
                sums[s + d] += fixed(vectors[v + d]);
            }
            counts[c]++;
            scoreSum += fixed(scores[t]);
        }
        points += n;
        return this;
    }

    private static long fixed(float x) {
        return Math.round(x * SCALE);
    }

    /** Adds {@code other} into this and returns this. */
    public PartialSums merge(PartialSums other) {
        if (other.k != k || other.dim != dim) {
            throw new IllegalArgumentException("cannot merge sums of k=" + other.k + ", dim=" + other.dim
                    + " into k=" + k + ", dim=" + dim);
        }
        for (int i = 0; i < sums.length; i++) {
            sums[i] += other.sums[i];
        }
        for (int c = 0; c < k; c++) {
            counts[c] += other.counts[c];
        }
        scoreSum += other.scoreSum;
        points += other.points;
        return this;
    }

    public int k() {
        return k;
    }

    public int dim() {
        return dim;
    }

    public long count(int centroid) {
        return counts[centroid];
    }

    public double sum(int centroid, int d) {
        return sums[centroid * dim + d] / SCALE;
    }

    /** Points added so far. */
    public long points() {
        return points;
    }

    /** Mean inner product of a point with its centroid (higher is tighter clustering). */
    public double meanScore() {
        return points == 0 ? 0 : scoreSum / SCALE / points;
    }
}
