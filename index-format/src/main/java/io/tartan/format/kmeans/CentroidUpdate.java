package io.tartan.format.kmeans;

import java.util.SplittableRandom;

/**
 * The Lloyd step's update: each centroid becomes the normalised mean of its points. A centroid that received no
 * points is re-seeded as faiss does: it copies a populous centroid (chosen at random in proportion to cluster size,
 * seeded) and the two are nudged apart symmetrically, so the next assignment splits that cluster.
 */
public final class CentroidUpdate {
    /** Relative nudge between a re-seeded centroid and the one it copied (faiss uses 1/1024 too). */
    static final float SPLIT_EPS = 1f / 1024;

    private CentroidUpdate() {
    }

    /**
     * New centroids from the sums of one iteration.
     *
     * @param previous {@code [k × dim]} centroids the sums were assigned against (kept for a centroid whose points
     *                 sum to zero)
     * @param seed     seeds the choice of clusters to split; combine with the iteration so each differs
     * @return the new {@code [k × dim]} centroids, every row L2-normalised
     */
    public static Result apply(PartialSums sums, float[] previous, long seed) {
        int k = sums.k();
        int dim = sums.dim();
        float[] out = new float[k * dim];
        long[] counts = new long[k];
        for (int c = 0; c < k; c++) {
            counts[c] = sums.count(c);
            int o = c * dim;
            if (counts[c] == 0) {
                continue;
            }
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                double m = sums.sum(c, d) / counts[c];
                out[o + d] = (float) m;
                norm += m * m;
            }
            if (norm > 0) {
                normalize(out, o, dim);
            } else {
                System.arraycopy(previous, o, out, o, dim);
            }
        }
        int reseeded = reseedEmpty(out, counts, dim, new SplittableRandom(seed));
        return new Result(out, reseeded, sums.meanScore());
    }

    private static int reseedEmpty(float[] centroids, long[] counts, int dim, SplittableRandom rng) {
        int k = counts.length;
        int reseeded = 0;
        for (int ci = 0; ci < k; ci++) {
            if (counts[ci] != 0) {
                continue;
            }
            int cj = pickPopulous(counts, rng);
            if (cj < 0) {
                break; // fewer points than centroids: nothing left to split
            }
            int i = ci * dim;
            int j = cj * dim;
            for (int d = 0; d < dim; d++) {
                float v = centroids[j + d];
                float up = v * (1 + SPLIT_EPS);
                float down = v * (1 - SPLIT_EPS);
                centroids[i + d] = d % 2 == 0 ? up : down;
                centroids[j + d] = d % 2 == 0 ? down : up;
            }
            normalize(centroids, i, dim);
            normalize(centroids, j, dim);
            counts[ci] = counts[cj] / 2;
            counts[cj] -= counts[ci];
            reseeded++;
        }
        return reseeded;
    }

    /** A cluster with at least two points, chosen in proportion to (size − 1); −1 if none. */
    private static int pickPopulous(long[] counts, SplittableRandom rng) {
        long total = 0;
        for (long c : counts) {
            total += Math.max(0, c - 1);
        }
        if (total == 0) {
            return -1;
        }
        long r = rng.nextLong(total);
        for (int c = 0; c < counts.length; c++) {
            r -= Math.max(0, counts[c] - 1);
            if (r < 0) {
                return c;
            }
        }
        throw new AssertionError("unreachable");
    }

    static void normalize(float[] m, int off, int dim) {
        double norm = 0;
        for (int d = 0; d < dim; d++) {
            norm += (double) m[off + d] * m[off + d];
        }
        if (norm > 0) {
            float inv = (float) (1 / Math.sqrt(norm));
            for (int d = 0; d < dim; d++) {
                m[off + d] *= inv;
            }
        }
    }

    /**
     * @param centroids the new centroids
     * @param reseeded  how many empty clusters were re-seeded
     * @param meanScore mean inner product of a point with its centroid before this update
     */
    public record Result(float[] centroids, int reseeded, double meanScore) {
    }
}
