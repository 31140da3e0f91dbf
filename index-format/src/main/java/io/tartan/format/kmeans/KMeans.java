package io.tartan.format.kmeans;

import java.util.ArrayList;
import java.util.List;

/**
 * Spherical k-means in one process: {@link KMeansInit}, then {@code niters} Lloyd steps ({@link PartialSums} over
 * all points, {@link CentroidUpdate}). The reference of the distributed version in {@code jobs/}, and what tests,
 * tools and {@link TwoLevelAssigner}'s grouping use.
 */
public final class KMeans {
    /** Below this many centroids the two-level search saves nothing: assign by brute force. */
    public static final int TWO_LEVEL_MIN_CENTROIDS = 1024;

    private KMeans() {
    }

    /**
     * @param k        number of centroids
     * @param niters   Lloyd iterations (ColBERT's kmeans_niters)
     * @param seed     seeds initialisation and re-seeding
     * @param twoLevel assign with {@link TwoLevelAssigner} (default groups, nprobe 8) when k is large enough
     */
    public record Params(int k, int niters, long seed, boolean twoLevel) {
        public Params {
            if (k <= 0) {
                throw new IllegalArgumentException("k must be positive, got " + k);
            }
            if (niters < 0) {
                throw new IllegalArgumentException("niters must be >= 0, got " + niters);
            }
        }
    }

    /**
     * @param centroids   {@code [k × dim]}, normalised
     * @param meanScores  mean point-centroid inner product before each iteration's update
     */
    public record Result(float[] centroids, List<Double> meanScores) {
    }

    /** Fits {@code params.k()} centroids to {@code points} ({@code [n × dim]}, n ≥ k). */
    public static Result fit(float[] points, int dim, Params params) {
        int n = points.length / dim;
        float[] centroids = KMeansInit.pick(points, dim, params.k(), params.seed());
        List<Double> scores = new ArrayList<>();
        for (int it = 0; it < params.niters(); it++) {
            CentroidAssigner assigner = assigner(centroids, dim, params.twoLevel(), params.seed() + it);
            PartialSums sums = new PartialSums(params.k(), dim).add(assigner, points, 0, n);
            CentroidUpdate.Result r = CentroidUpdate.apply(sums, centroids, iterationSeed(params.seed(), it));
            centroids = r.centroids();
            scores.add(r.meanScore());
        }
        return new Result(centroids, scores);
    }

    /** The assigner a Lloyd step uses for these centroids. */
    public static CentroidAssigner assigner(float[] centroids, int dim, boolean twoLevel, long seed) {
        int k = centroids.length / dim;
        if (twoLevel && k >= TWO_LEVEL_MIN_CENTROIDS) {
            return TwoLevelAssigner.build(centroids, dim, 0, 8, seed);
        }
        return new BruteForceAssigner(centroids, dim);
    }

    /** The re-seeding seed of iteration {@code it}, shared with the distributed driver. */
    public static long iterationSeed(long seed, int it) {
        return SampleKeys.key(seed, 0x4C4C4F59L, it);
    }
}
