package io.tartan.jobs.stage;

import io.tartan.format.kmeans.BruteForceAssigner;
import io.tartan.format.kmeans.KMeans;
import io.tartan.format.kmeans.SampleKeys;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * k-means for many centroids in two levels, as faiss' {@code two_level_clustering} trains large IVF indexes: the
 * points are first split into {@code g} (about √(2k)) coarse groups by a small k-means on a sample of
 * {@code 256·g} of them (on the driver), each group gets a share of the {@code k} centroids in proportion to its
 * size, and each group's centroids are fitted to its own points by a k-means in one task, in memory. A point is
 * then compared with about {@code k/g} centroids per iteration instead of the {@code ≈ g + 8k/g} of the two-level
 * assignment a flat Lloyd step over all points needs (~130 against ~1,150 dot products at k = 16,384), the points
 * are read from disk and deserialised once (by the shuffle that groups them) instead of once per iteration, and
 * only centroids come back to the driver.
 *
 * <p>A point is fitted only by its group's centroids; at indexing time it is assigned to its nearest centroid of
 * all, which can only score higher. {@code kmeans_refine_niters} adds flat Lloyd steps over all points after the
 * grouped fit, for the points near group borders.
 *
 * <p>The result depends only on the seed and the points: every group's points are sorted by point id before its
 * fit, whatever order the shuffle delivered them in.
 */
public final class GroupedKMeans {
    private static final Logger LOG = LoggerFactory.getLogger(GroupedKMeans.class);
    /** Coarse training points per group (faiss' max_points_per_centroid). */
    static final int COARSE_POINTS_PER_GROUP = 256;
    /** Lloyd iterations of the coarse fit: it only has to split the space into regions of similar size. */
    static final int COARSE_NITERS = 10;
    private static final long COARSE_SALT = 0x434F41525345L;
    private static final long GROUP_SALT = 0x47524F5550L;

    private GroupedKMeans() {
    }

    /**
     * The fitted centroids of one group.
     *
     * @param scores the group's mean point–centroid cosine before each update
     */
    record GroupFit(int group, float[] centroids, long points, double[] scores) implements Serializable {
    }

    /** The result, and what a log or summary reports about the grouping. */
    public record Result(float[] centroids, List<Double> scores, int groups, int largestGroup) {
    }

    /** Points the coarse fit of {@code groups} groups is trained on. */
    public static int coarseSampleSize(long points, int groups) {
        return (int) Math.min(points, (long) groups * COARSE_POINTS_PER_GROUP);
    }

    /** Key seed of the coarse sample: its points are the ones with the smallest {@code KMeansInit} keys under it. */
    public static long coarseSampleSeed(long seed) {
        return SampleKeys.key(seed, COARSE_SALT, 0);
    }

    /**
     * @param points the number of points in {@code blocks}
     * @param groups the number of coarse groups ({@code 2 ≤ groups < k})
     * @param niters Lloyd iterations of each group's fit
     * @param coarseSample the {@link #coarseSampleSize} points with the smallest keys under {@link #coarseSampleSeed}
     *                     when already drawn ({@link PointDraw}), else null: drawn here
     */
    public static Result fit(JavaSparkContext sc, JavaRDD<PointBlock> blocks, long points, int dim, int k, int groups,
            int niters, long seed, float[] coarseSample) {
        long t0 = System.nanoTime();
        sc.setJobDescription("pass 1: k-means coarse sample");
        float[] sample = coarseSample != null ? coarseSample : DistributedKMeans.smallestKeys(blocks, points, dim,
                coarseSampleSize(points, groups), coarseSampleSeed(seed));
        int g = Math.min(groups, sample.length / dim);
        float[] coarse = KMeans.fit(sample, dim, new KMeans.Params(g, COARSE_NITERS, seed, false)).centroids();
        long[] sampleCounts = new long[g];
        for (int c : new BruteForceAssigner(coarse, dim).assign(sample)) {
            sampleCounts[c]++;
        }
        int[] share = allocate(k, sampleCounts);
        LOG.info("k-means coarse: {} groups fitted to {} points in {} s; centroids per group {}–{}", g,
                sample.length / dim, String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9),
                Arrays.stream(share).min().orElse(0), Arrays.stream(share).max().orElse(0));

        Broadcast<BruteForceAssigner> coarseB = sc.broadcast(new BruteForceAssigner(coarse, dim));
        Broadcast<int[]> shareB = sc.broadcast(share);
        sc.setJobDescription("pass 1: k-means by group");
        // a task per group: a task holds one group's points, not the ~g/partitions groups of a partition of the
        // sample; groups with the most centroids (the most points, the longest fits) are started first
        long[] weight = new long[g];
        for (int c = 0; c < g; c++) {
            weight[c] = sampleCounts[c] * (long) share[c];
        }
        List<GroupFit> fits = blocks
                .flatMapToPair(b -> split(b, coarseB.value(), shareB.value(), dim).iterator())
                .groupByKey(new LargestFirstPartitioner(weight))
                .map(t -> fitGroup(t._1(), t._2(), shareB.value()[t._1()], dim, niters, seed))
                .collect();
        coarseB.destroy();
        shareB.destroy();

        GroupFit[] byGroup = new GroupFit[g];
        for (GroupFit f : fits) {
            byGroup[f.group()] = f;
        }
        float[] centroids = new float[k * dim];
        int at = 0;
        int largest = 0;
        double[] weighted = new double[niters];
        long fitted = 0;
        for (int c = 0; c < g; c++) {
            if (share[c] == 0) {
                continue;
            }
            // a group the sample saw but no point fell into keeps its coarse centroid, spread over its share
            float[] mine = byGroup[c] != null ? byGroup[c].centroids()
                    : spread(Arrays.copyOfRange(coarse, c * dim, (c + 1) * dim), 1, share[c], dim, seed ^ c);
            System.arraycopy(mine, 0, centroids, at * dim, mine.length);
            at += share[c];
            if (byGroup[c] != null) {
                largest = (int) Math.max(largest, byGroup[c].points());
                fitted += byGroup[c].points();
                for (int it = 0; it < byGroup[c].scores().length; it++) {
                    weighted[it] += byGroup[c].scores()[it] * byGroup[c].points();
                }
            }
        }
        List<Double> scores = new ArrayList<>();
        for (int it = 0; it < niters; it++) {
            scores.add(fitted == 0 ? 0 : weighted[it] / fitted);
            LOG.info("k-means iteration {}/{} (by group): mean cosine to centroid {}", it + 1, niters,
                    String.format(Locale.ROOT, "%.4f", scores.get(it)));
        }
        LOG.info("k-means by group: {} points in {} groups (largest {}), {} centroids in {} s", fitted, g, largest, k,
                String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9));
        return new Result(centroids, scores, g, largest);
    }

    /**
     * Splits {@code k} centroids over groups in proportion to {@code counts} (largest remainder, ties to the lower
     * group), so they sum to exactly {@code k}; a group with no points gets none.
     */
    static int[] allocate(int k, long[] counts) {
        long total = Arrays.stream(counts).sum();
        int[] out = new int[counts.length];
        if (total == 0) {
            return out;
        }
        double[] rest = new double[counts.length];
        int given = 0;
        for (int c = 0; c < counts.length; c++) {
            double exact = (double) k * counts[c] / total;
            out[c] = (int) Math.floor(exact);
            rest[c] = exact - out[c];
            given += out[c];
        }
        Integer[] order = new Integer[counts.length];
        for (int c = 0; c < order.length; c++) {
            order[c] = c;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -rest[c]).thenComparingInt(c -> c));
        for (int i = 0; given < k; i = (i + 1) % order.length) {
            if (counts[order[i]] > 0) {
                out[order[i]]++;
                given++;
            }
        }
        return out;
    }

    /** The points of a block, one sub-block per coarse group that has centroids to fit. */
    private static List<Tuple2<Integer, PointBlock>> split(PointBlock b, BruteForceAssigner coarse, int[] share,
            int dim) {
        int n = b.size();
        int[] group = new int[n];
        coarse.assign(b.points(), 0, n, group, null);
        int[] count = new int[share.length];
        for (int g : group) {
            count[g]++;
        }
        long[][] ids = new long[share.length][];
        float[][] pts = new float[share.length][];
        int[] fill = new int[share.length];
        for (int g = 0; g < share.length; g++) {
            if (count[g] > 0 && share[g] > 0) {
                ids[g] = new long[count[g]];
                pts[g] = new float[count[g] * dim];
            }
        }
        for (int i = 0; i < n; i++) {
            int g = group[i];
            if (ids[g] != null) {
                ids[g][fill[g]] = b.ids()[i];
                System.arraycopy(b.points(), i * dim, pts[g], fill[g] * dim, dim);
                fill[g]++;
            }
        }
        List<Tuple2<Integer, PointBlock>> out = new ArrayList<>();
        for (int g = 0; g < share.length; g++) {
            if (ids[g] != null) {
                out.add(new Tuple2<>(g, new PointBlock(ids[g], pts[g])));
            }
        }
        return out;
    }

    /**
     * Fits {@code k} centroids to one group's points, in point-id order. A group with fewer points than its share
     * (the share comes from a sample) returns its points, spread to {@code k} rows.
     */
    static GroupFit fitGroup(int group, Iterable<PointBlock> parts, int k, int dim, int niters, long seed) {
        List<PointBlock> blocks = new ArrayList<>();
        parts.forEach(blocks::add);
        // sub-blocks hold ids in ascending order and no id twice, so sorting by the first id orders all points
        blocks.sort(Comparator.comparingLong(b -> b.ids()[0]));
        int n = blocks.stream().mapToInt(PointBlock::size).sum();
        float[] points = new float[Math.multiplyExact(n, dim)];
        int at = 0;
        for (PointBlock b : blocks) {
            System.arraycopy(b.points(), 0, points, at, b.points().length);
            at += b.points().length;
        }
        long groupSeed = SampleKeys.key(seed, GROUP_SALT, group);
        if (n < k || niters == 0) {
            float[] init = n < k ? points : io.tartan.format.kmeans.KMeansInit.pick(points, dim, k, groupSeed);
            return new GroupFit(group, spread(init, Math.min(n, k), k, dim, groupSeed), n, new double[niters]);
        }
        KMeans.Result r = KMeans.fit(points, dim, new KMeans.Params(k, niters, groupSeed, true));
        return new GroupFit(group, r.centroids(), n,
                r.meanScores().stream().mapToDouble(Double::doubleValue).toArray());
    }

    /**
     * {@code k} normalised rows from the first {@code rows} of {@code from}: those rows, then copies of them in turn,
     * each nudged by a small seeded perturbation so no two centroids are equal.
     */
    static float[] spread(float[] from, int rows, int k, int dim, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] out = new float[k * dim];
        for (int c = 0; c < k; c++) {
            int src = c % rows;
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                float v = from[src * dim + d] + (c < rows ? 0f : (float) ((rnd.nextDouble() - 0.5) * 1e-3));
                out[c * dim + d] = v;
                norm += (double) v * v;
            }
            float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            for (int d = 0; d < dim; d++) {
                out[c * dim + d] *= inv;
            }
        }
        return out;
    }
}
