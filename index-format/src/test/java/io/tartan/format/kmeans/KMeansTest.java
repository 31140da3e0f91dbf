package io.tartan.format.kmeans;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KMeansTest {
    private static final int DIM = 32;

    @Test
    void recoversWellSeparatedClusters() {
        float[] truth = ClusteredPoints.unitRows(16, DIM, 1);
        float[] points = ClusteredPoints.around(truth, DIM, 50, 0.05, 2);
        KMeans.Result r = KMeans.fit(points, DIM, new KMeans.Params(32, 10, 123, false));
        int[] codes = new int[16];
        float[] scores = new float[16];
        new BruteForceAssigner(r.centroids(), DIM).assign(truth, 0, 16, codes, scores);
        for (float s : scores) {
            assertTrue(s > 0.99, "every true cluster has a centroid next to it: " + java.util.Arrays.toString(scores));
        }
        double last = r.meanScores().get(r.meanScores().size() - 1);
        assertTrue(last > 0.95, "mean cosine to centroid " + last);
        assertTrue(last >= r.meanScores().get(0), "objective does not get worse: " + r.meanScores());
    }

    @Test
    void sameSeedSameCentroidsAndOtherSeedDiffers() {
        float[] points = ClusteredPoints.unitRows(600, DIM, 3);
        float[] a = KMeans.fit(points, DIM, new KMeans.Params(32, 4, 7, false)).centroids();
        float[] b = KMeans.fit(points, DIM, new KMeans.Params(32, 4, 7, false)).centroids();
        float[] c = KMeans.fit(points, DIM, new KMeans.Params(32, 4, 8, false)).centroids();
        assertArrayEquals(a, b);
        assertTrue(!java.util.Arrays.equals(a, c));
    }

    @Test
    void emptyClustersAreReseededBySplittingPopulousOnes() {
        // 4 distinct points repeated: with k = 8, at least 4 clusters come out empty after the first assignment
        float[] base = ClusteredPoints.unitRows(4, DIM, 5);
        float[] points = new float[base.length * 10];
        for (int i = 0; i < 10; i++) {
            System.arraycopy(base, 0, points, i * base.length, base.length);
        }
        float[] init = KMeansInit.pick(points, DIM, 8, 1);
        PartialSums sums = new PartialSums(8, DIM).add(new BruteForceAssigner(init, DIM), points, 0, 40);
        CentroidUpdate.Result r = CentroidUpdate.apply(sums, init, 99);
        assertTrue(r.reseeded() >= 4, "re-seeded " + r.reseeded());
        for (int c = 0; c < 8; c++) {
            double norm = 0;
            for (int d = 0; d < DIM; d++) {
                norm += r.centroids()[c * DIM + d] * r.centroids()[c * DIM + d];
            }
            assertEquals(1.0, norm, 1e-4);
        }
    }

    @Test
    void partialSumsMergeLikeOneBlock() {
        float[] points = ClusteredPoints.unitRows(300, DIM, 9);
        float[] centroids = KMeansInit.pick(points, DIM, 10, 1);
        BruteForceAssigner a = new BruteForceAssigner(centroids, DIM);
        PartialSums whole = new PartialSums(10, DIM).add(a, points, 0, 300);
        PartialSums split = new PartialSums(10, DIM).add(a, points, 0, 120)
                .merge(new PartialSums(10, DIM).add(a, points, 120 * DIM, 180));
        assertEquals(whole.points(), split.points());
        for (int c = 0; c < 10; c++) {
            assertEquals(whole.count(c), split.count(c));
            for (int d = 0; d < DIM; d++) {
                assertEquals(whole.sum(c, d), split.sum(c, d), 1e-9);
            }
        }
        assertEquals(whole.meanScore(), split.meanScore(), 1e-9);
    }

    @Test
    void rejectsMoreCentroidsThanPoints() {
        float[] points = ClusteredPoints.unitRows(5, DIM, 1);
        assertThrows(IllegalArgumentException.class, () -> KMeans.fit(points, DIM, new KMeans.Params(6, 1, 1, false)));
    }

    @Test
    void colbertFormulas() {
        assertEquals(20_000, ColbertSizing.sampleDocs(20_000));
        assertEquals(1 + (long) (16 * Math.sqrt(120.0 * 1_000_000)), ColbertSizing.sampleDocs(1_000_000));
        assertEquals(16_384, ColbertSizing.numCentroids(1_199_523));
        assertEquals(256, ColbertSizing.numCentroids(600));
        assertEquals(16, ColbertSizing.numCentroids(1));
    }

    @Test
    void centroidsDoubleOnceWhenColbertsRuleLeavesMoreThan256TokensACentroid() {
        // the synthetic set at 4× and 10×: ColBERT's rule gives both 32,768; 12M tokens would be 366 a centroid
        assertEquals(32_768, ColbertSizing.numCentroids(4_801_650));
        assertEquals(65_536, ColbertSizing.numCentroids(11_997_933));
        // the bound itself: 256 tokens a centroid of ColBERT's 32,768
        assertEquals(32_768, ColbertSizing.numCentroids(256L * 32_768));
        assertEquals(65_536, ColbertSizing.numCentroids(256L * 32_768 + 1));
        // never more than one doubling: 600M tokens (MS MARCO-sized), ColBERT 262,144
        assertEquals(524_288, ColbertSizing.numCentroids(600_000_000L));
        assertEquals(1 << 30, ColbertSizing.numCentroids(Long.MAX_VALUE / 2));
    }
}
