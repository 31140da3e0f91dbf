package io.tartan.jobs.stage;

import io.tartan.format.kmeans.BruteForceAssigner;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.maintenance.LocalSpark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * k-means by coarse groups against flat distributed k-means on the same points (Spark local[2]): as tight a fit,
 * exactly k centroids, the same centroids however the points are partitioned.
 */
class GroupedKMeansTest {
    private static final int DIM = 16;
    private static final int CLUSTERS = 1024;
    private static final int PER = 24;
    private static JavaSparkContext sc;
    private static float[] points;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("grouped-kmeans-test");
        SplittableRandom r = new SplittableRandom(11);
        float[] centres = new float[CLUSTERS * DIM];
        for (int i = 0; i < centres.length; i++) {
            centres[i] = (float) r.nextGaussian();
        }
        normalize(centres);
        points = new float[CLUSTERS * PER * DIM];
        for (int i = 0; i < CLUSTERS * PER; i++) {
            // clusters of uneven popularity, as token types are
            int c = (int) Math.min(CLUSTERS - 1, Math.abs(r.nextGaussian()) * CLUSTERS / 2.5);
            for (int d = 0; d < DIM; d++) {
                points[i * DIM + d] = centres[c * DIM + d] + (float) (0.15 * r.nextGaussian());
            }
        }
        normalize(points);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void groupedFitIsNearlyAsTightAsFlatKMeansAndARefinementStepClosesTheGap() {
        int k = 1024;
        DistributedKMeans.Result flat = fit(config(1, 0, 4), k, 4);
        DistributedKMeans.Result grouped = fit(config(0, 0, 4), k, 4);
        DistributedKMeans.Result refined = fit(config(0, 1, 4), k, 4);
        assertEquals(k * DIM, grouped.centroids().length);
        double init = meanCosine(fit(config(1, 0, 0), k, 4).centroids());
        double flatScore = meanCosine(flat.centroids());
        double groupedScore = meanCosine(grouped.centroids());
        double refinedScore = meanCosine(refined.centroids());
        String all = "init " + init + ", flat " + flatScore + ", grouped " + groupedScore + ", refined " + refinedScore;
        // 16 dimensions and 32 groups put many clusters across group borders: the worst case for grouping (measured
        // 0.837 grouped against 0.859 flat); a broken grouping falls to the random init's level
        assertTrue(groupedScore >= flatScore - 0.03, all);
        assertTrue(groupedScore >= init + 0.5 * (flatScore - init), all);
        assertTrue(refinedScore > groupedScore, all);
        // the scores it reports are those of its fits: one per iteration, rising, then the refinement's
        assertEquals(4, grouped.scores().size());
        assertTrue(grouped.scores().get(3) > grouped.scores().get(0), grouped.scores().toString());
        assertEquals(5, refined.scores().size());
    }

    @Test
    void sameCentroidsHoweverThePointsArePartitioned() {
        IndexConfig cfg = config(0, 0, 3);
        float[] a = fit(cfg, 1024, 4).centroids();
        float[] b = fit(cfg, 1024, 7).centroids();
        assertArrayEquals(a, b);
    }

    @Test
    void aGroupFitTaskHoldsOneGroupNotAPartitionOfTheSample() {
        // two partitions of ~12k points each: before the task-per-group plan a reduce task gathered ~g/2 groups
        MemoryPeaks memory = new MemoryPeaks();
        sc.sc().addSparkListener(memory);
        DistributedKMeans.Result r;
        try {
            r = fit(config(32, 0, 2), 1024, 2);
            sc.sc().listenerBus().waitUntilEmpty(30_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(e);
        } finally {
            sc.sc().removeSparkListener(memory);
            memory.close();
        }
        assertEquals(1024 * DIM, r.centroids().length);
        MemoryPeaks.Summary m = memory.summary();
        long allPoints = (long) points.length * Float.BYTES;
        // one group is ~1/32 of the points (the largest a few times that); a partition's groups were half of them
        assertTrue(m.largestTaskPeakExecutionMemoryBytes() < allPoints / 8,
                m.largestTaskPeakExecutionMemoryBytes() + " B in the largest task (" + m.largestTaskStage()
                        + "), all points " + allPoints + " B");
    }

    @Test
    void theHeaviestGroupsGetTheFirstPartitions() {
        LargestFirstPartitioner p = new LargestFirstPartitioner(new long[] {5, 9, 1, 9});
        assertEquals(4, p.numPartitions());
        // equal weights: the lower group first
        assertEquals(List.of(2, 0, 3, 1), List.of(p.getPartition(0), p.getPartition(1), p.getPartition(2),
                p.getPartition(3)));
    }

    @Test
    void centroidsAreSharedOutInProportionAndSumToK() {
        int[] share = GroupedKMeans.allocate(10, new long[] {5, 0, 3, 2});
        assertArrayEquals(new int[] {5, 0, 3, 2}, share);
        share = GroupedKMeans.allocate(4, new long[] {1, 1, 1});
        // largest remainders are equal: the lower group gets the extra one
        assertArrayEquals(new int[] {2, 1, 1}, share);
        share = GroupedKMeans.allocate(1000, new long[] {7, 0, 130, 1, 62});
        assertEquals(1000, Arrays.stream(share).sum());
        assertEquals(0, share[1]);
        assertEquals(650, share[2]);
    }

    @Test
    void aGroupWithFewerPointsThanItsShareStillGivesItsShare() {
        float[] few = Arrays.copyOf(points, 3 * DIM);
        PointBlock b = new PointBlock(new long[] {1, 2, 3}, few);
        GroupedKMeans.GroupFit f = GroupedKMeans.fitGroup(0, List.of(b), 8, DIM, 4, 1);
        assertEquals(8 * DIM, f.centroids().length);
        // the points themselves first, then nudged copies: no two centroids equal
        assertArrayEquals(few, Arrays.copyOf(f.centroids(), 3 * DIM), 1e-6f);
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < i; j++) {
                assertTrue(!Arrays.equals(Arrays.copyOfRange(f.centroids(), i * DIM, (i + 1) * DIM),
                        Arrays.copyOfRange(f.centroids(), j * DIM, (j + 1) * DIM)), i + " equals " + j);
            }
        }
    }

    private static DistributedKMeans.Result fit(IndexConfig cfg, int k, int partitions) {
        int n = points.length / DIM;
        List<PointBlock> blocks = new ArrayList<>();
        for (int from = 0; from < n; from += 1000) {
            int to = Math.min(n, from + 1000);
            long[] ids = new long[to - from];
            for (int i = from; i < to; i++) {
                ids[i - from] = PointBlock.pointId(i / 32, i % 32);
            }
            blocks.add(new PointBlock(ids, Arrays.copyOfRange(points, from * DIM, to * DIM)));
        }
        JavaRDD<PointBlock> rdd = sc.parallelize(blocks, partitions);
        return DistributedKMeans.fit(sc, rdd, n, DIM, k, cfg);
    }

    private static IndexConfig config(int groups, int refine, int niters) {
        return IndexConfig.fromMap(Map.of("input", "unused", "output", "unused", "kmeans_groups",
                Integer.toString(groups), "kmeans_refine_niters", Integer.toString(refine), "kmeans_niters",
                Integer.toString(niters), "assign_groups", "1"));
    }

    /** Mean cosine of a point to its nearest centroid (exact assignment): the spherical k-means objective. */
    private static double meanCosine(float[] centroids) {
        int n = points.length / DIM;
        int[] codes = new int[n];
        float[] scores = new float[n];
        new BruteForceAssigner(centroids, DIM).assign(points, 0, n, codes, scores);
        double s = 0;
        for (float f : scores) {
            s += f;
        }
        return s / n;
    }

    private static void normalize(float[] m) {
        for (int r = 0; r < m.length / DIM; r++) {
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                norm += m[r * DIM + d] * m[r * DIM + d];
            }
            for (int d = 0; d < DIM; d++) {
                m[r * DIM + d] /= (float) Math.sqrt(norm);
            }
        }
    }
}
