package io.tartan.jobs.stage;

import io.tartan.jobs.maintenance.LocalSpark;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Samples drawn in the pass that stores the k-means points against the separate passes they replace (Spark
 * local[2]): the same points in the same order, so the codec and the coarse groups are trained exactly as before.
 */
class PointDrawTest {
    private static final int DIM = 8;
    private static JavaSparkContext sc;
    private static JavaRDD<EncodedDoc> docs;
    private static long tokens;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("point-draw-test");
        SplittableRandom r = new SplittableRandom(5);
        List<EncodedDoc> list = new ArrayList<>();
        for (long pid = 0; pid < 600; pid++) {
            // one document longer than a block (131,072 points at dim 8): a block fills in the middle of it
            int n = pid == 300 ? 140_000 : 5 + r.nextInt(60);
            float[] v = new float[n * DIM];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            list.add(new EncodedDoc(pid, v, n));
            tokens += n;
        }
        docs = sc.parallelize(list, 3);
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void oneStoredPassHoldsTheTrainingPointsAndTheHeldOutTokensOfTheSeparatePasses() {
        for (double keep : new double[] {1.0, 0.4}) {
            List<PointBlock> both = KMeansSample.pointsAndHeldout(docs, DIM, keep, 9).collect();
            List<PointBlock> training = KMeansSample.points(docs, DIM, keep, 9, false).collect();
            List<PointBlock> heldout = KMeansSample.points(docs, DIM, keep, 9, true).collect();
            assertBlocksEqual(training, both.stream().filter(b -> !b.heldout()).toList());
            assertEquals(flatIds(heldout), flatIds(both.stream().filter(PointBlock::heldout).toList()));
        }
    }

    @Test
    void drawsAreTheSmallestKeySamplesOfSeparatePasses() {
        JavaRDD<PointBlock> stored = KMeansSample.pointsAndHeldout(docs, DIM, 1.0, 9).cache();
        JavaRDD<PointBlock> training = stored.filter(b -> !b.heldout());
        JavaRDD<PointBlock> heldout = stored.filter(PointBlock::heldout);
        long nTraining = training.map(b -> (long) b.size()).fold(0L, Long::sum);
        long nHeldout = heldout.map(b -> (long) b.size()).fold(0L, Long::sum);
        PointDraw.Result r = PointDraw.run(stored, DIM, List.of(
                new PointDraw.Want(true, 77, 2000, tokens * KMeansSample.HELDOUT_SHARE),
                new PointDraw.Want(false, 78, 3000, tokens * (1 - KMeansSample.HELDOUT_SHARE)),
                // more wanted than there are: all of them, as smallestKeys gives
                new PointDraw.Want(true, 79, 1_000_000, tokens * KMeansSample.HELDOUT_SHARE)));
        assertEquals(nTraining, r.trainingPoints());
        assertEquals(nHeldout, r.heldoutPoints());
        assertArrayEquals(DistributedKMeans.smallestKeys(heldout, nHeldout, DIM, 2000, 77), r.samples().get(0));
        assertArrayEquals(DistributedKMeans.smallestKeys(training, nTraining, DIM, 3000, 78), r.samples().get(1));
        assertArrayEquals(DistributedKMeans.smallestKeys(heldout, nHeldout, DIM, 1_000_000, 79), r.samples().get(2));
        assertEquals(nHeldout * DIM, r.samples().get(2).length);
        stored.unpersist();
    }

    @Test
    void aDrawWhoseFilterKeptTooFewIsReportedMissing() {
        JavaRDD<PointBlock> stored = KMeansSample.pointsAndHeldout(docs, DIM, 1.0, 9);
        // told there are 100x the points: the filter keeps ~1% of what is needed
        PointDraw.Result r = PointDraw.run(stored, DIM, List.of(new PointDraw.Want(false, 78, 3000,
                100.0 * tokens)));
        assertNull(r.samples().get(0));
    }

    private static void assertBlocksEqual(List<PointBlock> a, List<PointBlock> b) {
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).ids(), b.get(i).ids());
            assertArrayEquals(a.get(i).points(), b.get(i).points());
        }
    }

    private static List<Long> flatIds(List<PointBlock> blocks) {
        List<Long> out = new ArrayList<>();
        blocks.forEach(b -> {
            for (long id : b.ids()) {
                out.add(id);
            }
        });
        out.sort(Long::compare);
        return out;
    }
}
