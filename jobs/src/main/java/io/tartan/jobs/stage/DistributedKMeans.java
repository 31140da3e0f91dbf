package io.tartan.jobs.stage;

import io.tartan.format.kmeans.BruteForceAssigner;
import io.tartan.format.kmeans.CentroidAssigner;
import io.tartan.format.kmeans.CentroidUpdate;
import io.tartan.format.kmeans.KMeans;
import io.tartan.format.kmeans.KMeansInit;
import io.tartan.format.kmeans.PartialSums;
import io.tartan.format.kmeans.SampleKeys;
import io.tartan.format.kmeans.TwoLevelAssigner;
import io.tartan.jobs.IndexConfig;
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

/**
 * Spherical k-means over an RDD of {@link PointBlock}s, run in the executors. Many centroids are fitted group by
 * group ({@link GroupedKMeans}); otherwise flat: seeded init (the {@code k} points with
 * the smallest {@link KMeansInit} keys: the keys by {@code takeOrdered}, then those points), then per iteration the
 * centroids' assigner is broadcast, each partition folds its points into {@link PartialSums} and {@code treeAggregate}
 * combines them; the driver applies {@link CentroidUpdate} (normalised means, empty clusters re-seeded). Only
 * centroids and partial sums (k·dim values) cross the network.
 */
public final class DistributedKMeans {
    private static final Logger LOG = LoggerFactory.getLogger(DistributedKMeans.class);
    /** Coarse groups from which the default {@code kmeans_refine_niters} (-1) adds one flat step. */
    public static final int REFINE_MIN_GROUPS = 256;

    private DistributedKMeans() {
    }

    /**
     * @param scores mean point–centroid cosine before each update (the objective; higher is tighter)
     */
    public record Result(float[] centroids, List<Double> scores, int reseeded) {
    }

    /**
     * Fits {@code k} centroids: by {@link GroupedKMeans} when {@code k} is large enough to group (then
     * {@link #refineNiters} flat Lloyd steps over all points), else by flat Lloyd steps from a seeded init.
     *
     * @param points the number of points in {@code blocks}
     */
    public static Result fit(JavaSparkContext sc, JavaRDD<PointBlock> blocks, long points, int dim, int k,
            IndexConfig cfg) {
        return fit(sc, blocks, points, dim, k, cfg, null);
    }

    /**
     * As {@link #fit(JavaSparkContext, JavaRDD, long, int, int, IndexConfig)}, with the coarse sample of the grouped
     * fit already drawn ({@link GroupedKMeans#coarseSampleSize}, null: drawn here).
     */
    public static Result fit(JavaSparkContext sc, JavaRDD<PointBlock> blocks, long points, int dim, int k,
            IndexConfig cfg, float[] coarseSample) {
        int groups = groups(k, cfg);
        if (groups > 1) {
            GroupedKMeans.Result g = GroupedKMeans.fit(sc, blocks, points, dim, k, groups, cfg.kmeansNiters(),
                    cfg.seed(), coarseSample);
            List<Double> scores = new ArrayList<>(g.scores());
            sc.setJobDescription("pass 1: k-means refinement");
            Result refined = lloyd(sc, blocks, g.centroids(), dim, cfg, cfg.kmeansNiters(), refineNiters(k, cfg));
            scores.addAll(refined.scores());
            return new Result(refined.centroids(), scores, refined.reseeded());
        }
        float[] init = normalizeRows(smallestKeys(blocks, points, dim, k, cfg.seed()), dim);
        return lloyd(sc, blocks, init, dim, cfg, 0, cfg.kmeansNiters());
    }

    /**
     * Coarse groups of {@link GroupedKMeans} for {@code k} centroids: {@code kmeans_groups}, or for 0 the two-level
     * assigner's default (≈√(2k)) once k reaches {@link KMeans#TWO_LEVEL_MIN_CENTROIDS}; 1 means flat k-means.
     */
    public static int groups(int k, IndexConfig cfg) {
        int g = cfg.kmeansGroups() > 0 ? cfg.kmeansGroups()
                : k >= KMeans.TWO_LEVEL_MIN_CENTROIDS ? TwoLevelAssigner.defaultGroups(k) : 1;
        return g >= k ? 1 : g;
    }

    /**
     * Flat Lloyd steps after the grouped fit of {@code k} centroids: none when the fit is flat ({@link #groups} 1),
     * else {@code kmeans_refine_niters}, or for -1 (the default) one step once the grouped fit has {@link
     * #REFINE_MIN_GROUPS} groups or more, else none.
     *
     * <p>A grouped fit places each centroid among its own group's points only; a point whose nearest centroid lies in
     * another group (near a border between coarse regions) pulls the wrong centroid, and the more coarse groups the
     * more such borders. faiss' two-level clustering accepts that loss; measured here (docs/BENCHMARKS.md, synthetic
     * set, recall@10 of FAST): with 128 groups (1×, k = 16,384) the grouped fit costs 0.001 against a flat k-means
     * (0.855 / 0.856), not worth a step that would add a quarter of the flat k-means to the build (its 45 s goal);
     * with 256 groups (4×, k = 32,768) it costs 0.005 (0.849 / 0.854) and one flat step over all points recovers it
     * (0.854). The flat step is ColBERT's own update (every point to its nearest centroid of all), run once.
     */
    public static int refineNiters(int k, IndexConfig cfg) {
        int groups = groups(k, cfg);
        if (groups <= 1) {
            return 0;
        }
        if (cfg.kmeansRefineNiters() >= 0) {
            return cfg.kmeansRefineNiters();
        }
        return groups >= REFINE_MIN_GROUPS ? 1 : 0;
    }

    /**
     * {@code niters} Lloyd steps over all points from {@code centroids}: the assigner broadcast, each partition's
     * points folded into {@link PartialSums}, combined by {@code treeReduce}, updated on the driver.
     *
     * @param first the number of the first step (its seed and log line)
     */
    private static Result lloyd(JavaSparkContext sc, JavaRDD<PointBlock> blocks, float[] centroids, int dim,
            IndexConfig cfg, int first, int niters) {
        int k = centroids.length / dim;
        List<Double> scores = new ArrayList<>();
        int reseeded = 0;
        for (int it = first; it < first + niters; it++) {
            long t0 = System.nanoTime();
            CentroidAssigner assigner = assigner(centroids, dim, cfg, cfg.seed() + it);
            Broadcast<CentroidAssigner> b = sc.broadcast(assigner);
            // one PartialSums per partition, made in the task: a zero value would ship k·dim longs in every task
            PartialSums sums = blocks.mapPartitions(part -> {
                PartialSums acc = new PartialSums(k, dim);
                part.forEachRemaining(block -> acc.add(b.value(), block.points(), 0, block.size()));
                return List.of(acc).iterator();
            }).treeReduce(PartialSums::merge, 2);
            b.destroy();
            CentroidUpdate.Result r = CentroidUpdate.apply(sums, centroids, KMeans.iterationSeed(cfg.seed(), it));
            centroids = r.centroids();
            scores.add(r.meanScore());
            reseeded += r.reseeded();
            LOG.info("k-means iteration {}/{}: {} points, mean cosine to centroid {}, {} empty clusters re-seeded, "
                    + "{} s", it + 1, first + niters, sums.points(), String.format("%.4f", r.meanScore()),
                    r.reseeded(), String.format("%.1f", (System.nanoTime() - t0) / 1e9));
        }
        return new Result(centroids, scores, reseeded);
    }

    /** The assigner the job uses for {@code centroids}: two-level unless k is small or assign_groups is 1. */
    public static CentroidAssigner assigner(float[] centroids, int dim, IndexConfig cfg, long seed) {
        int k = centroids.length / dim;
        if (cfg.assignGroups() == 1 || k < KMeans.TWO_LEVEL_MIN_CENTROIDS) {
            return new BruteForceAssigner(centroids, dim);
        }
        return TwoLevelAssigner.build(centroids, dim, cfg.assignGroups(), cfg.assignNprobe(), seed);
    }

    /**
     * The {@code n} points with the smallest {@link KMeansInit} keys under {@code seed}, in key order ({@code [n' × dim]}, {@code n' = min(n, points)}).
     * Two passes keep the driver at the size of the answer: the {@code n} smallest (key, id) pairs first, then only
     * the points at or below the largest of them. Keys are uniform, so a point whose key lies above the
     * {@code 4n/points} quantile is almost never among the {@code n} smallest: filtering on that keeps the first pass
     * near {@code 4n} pairs instead of one per point. If the filter ever left fewer than {@code n}, the exact answer
     * is computed without it.
     */
    static float[] smallestKeys(JavaRDD<PointBlock> blocks, long points, int dim, int n, long seed) {
        double share = Math.min(1.0, 4.0 * n / Math.max(1, points) + 1e-3);
        List<KeyedId> keys = blocks.flatMap(b -> keyed(b, seed, share).iterator()).takeOrdered(n, new ByKey());
        if (keys.size() < Math.min(n, points) && share < 1) {
            keys = blocks.flatMap(b -> keyed(b, seed, 1.0).iterator()).takeOrdered(n, new ByKey());
        }
        if (keys.isEmpty()) {
            return new float[0];
        }
        KeyedId last = keys.get(keys.size() - 1);
        List<Tuple2<KeyedId, float[]>> pts = new ArrayList<>(blocks.flatMap(b -> upTo(b, dim, seed, last).iterator())
                .collect());
        ByKey order = new ByKey();
        pts.sort((a, b) -> order.compare(a._1(), b._1()));
        float[] out = new float[pts.size() * dim];
        for (int i = 0; i < pts.size(); i++) {
            System.arraycopy(pts.get(i)._2(), 0, out, i * dim, dim);
        }
        return out;
    }

    private static float[] normalizeRows(float[] m, int dim) {
        for (int r = 0; r < m.length / dim; r++) {
            double norm = 0;
            for (int d = 0; d < dim; d++) {
                norm += (double) m[r * dim + d] * m[r * dim + d];
            }
            float inv = norm > 0 ? (float) (1 / Math.sqrt(norm)) : 0f;
            for (int d = 0; d < dim; d++) {
                m[r * dim + d] *= inv;
            }
        }
        return m;
    }

    private static List<KeyedId> keyed(PointBlock b, long seed, double share) {
        List<KeyedId> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            long key = KMeansInit.key(seed, b.ids()[i]);
            if (!PointDraw.below(key, share)) {
                continue;
            }
            out.add(new KeyedId(key, b.ids()[i]));
        }
        return out;
    }

    /** The points of {@code b} whose (key, id) is at most {@code last}'s, with a copy of their vector. */
    private static List<Tuple2<KeyedId, float[]>> upTo(PointBlock b, int dim, long seed, KeyedId last) {
        List<Tuple2<KeyedId, float[]>> out = new ArrayList<>();
        for (int i = 0; i < b.size(); i++) {
            long key = KMeansInit.key(seed, b.ids()[i]);
            if (KMeansInit.compare(key, b.ids()[i], last.key(), last.id()) <= 0) {
                out.add(new Tuple2<>(new KeyedId(key, b.ids()[i]),
                        Arrays.copyOfRange(b.points(), i * dim, (i + 1) * dim)));
            }
        }
        return out;
    }

    /**
     * The {@code n} points with the smallest keys under another salt: the codec's training sample.
     *
     * @return {@code [n' × dim]} with {@code n' ≤ n}
     */
    public static float[] sample(JavaRDD<PointBlock> blocks, long points, int dim, int n, long seed) {
        return smallestKeys(blocks, points, dim, n, codecSampleSeed(seed));
    }

    /** Key seed of the codec's training sample ({@link #sample}). */
    public static long codecSampleSeed(long seed) {
        return SampleKeys.key(seed, 0x434F444543L, 0);
    }

    record KeyedId(long key, long id) implements Serializable {
    }

    static final class ByKey implements Comparator<KeyedId>, Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public int compare(KeyedId a, KeyedId b) {
            return KMeansInit.compare(a.key(), a.id(), b.key(), b.id());
        }
    }
}
