package io.tartan.format.kmeans;

import java.io.Serializable;

/**
 * The Lloyd step's sufficient statistics over some block of points: per centroid the sum (in double, so the result
 * barely depends on how points were split into blocks) and count of the points assigned to it, plus the summed
 * inner product of every point with its centroid (the spherical k-means objective). Blocks combine with
 * {@link #merge} in any tree, as Spark's {@code treeAggregate} does.
 */
public final class PartialSums implements Serializable {
    private static final long serialVersionUID = 1L;

    private final int k;
    private final int dim;
    private final double[] sums;
    private final long[] counts;
    private double scoreSum;
    private long points;

    public PartialSums(int k, int dim) {
        this.k = k;
        this.dim = dim;
        this.sums = new double[Math.multiplyExact(k, dim)];
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
                sums[s + d] += vectors[v + d];
            }
            counts[c]++;
            scoreSum += scores[t];
        }
        points += n;
        return this;
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
        return sums[centroid * dim + d];
    }

    /** Points added so far. */
    public long points() {
        return points;
    }

    /** Mean inner product of a point with its centroid (higher is tighter clustering). */
    public double meanScore() {
        return points == 0 ? 0 : scoreSum / points;
    }
}
