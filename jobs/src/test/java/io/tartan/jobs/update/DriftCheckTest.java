package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.TestVectors;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.Rollback;
import io.tartan.format.snapshot.SnapshotTransaction;
import io.tartan.format.testing.SampleIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DriftCheckTest {
    static final int DIM = 32;
    final Random rnd = new Random(3);
    final float[] centroids = TestVectors.unitRows(rnd, 16, DIM);
    final ResidualCodec codec = ResidualCodec.train(DIM, 2, centroids,
            TestVectors.clustered(rnd, centroids, DIM, 4000, 0.4f, null), null);

    ResidualDrift measure(float noise, int docs) {
        ResidualDrift d = new ResidualDrift(DIM);
        for (int i = 0; i < docs; i++) {
            d.add(codec, TestVectors.clustered(rnd, centroids, DIM, 20, noise, null), 2);
        }
        return d;
    }

    @Test
    void tokensLikeTheTrainingSampleShowNoDriftAndScatteredTokensDo() {
        ResidualDrift same = measure(0.4f, 100);
        double codecAvg = ResidualDrift.codecAvgAbsResidual(codec);
        assertEquals(2000, same.tokens());
        assertEquals(0, same.avgAbsResidual() / codecAvg - 1, 0.05, "same distribution, same mean residual");
        assertTrue(same.farShare() < 0.01, "far share " + same.farShare());

        ResidualDrift moved = new ResidualDrift(DIM);
        for (int i = 0; i < 100; i++) {
            moved.add(codec, TestVectors.unitRows(rnd, 20, DIM), 2);
        }
        assertTrue(moved.avgAbsResidual() > 1.5 * same.avgAbsResidual(), moved.avgAbsResidual() + " vs "
                + same.avgAbsResidual());
        assertTrue(moved.farShare() > 10 * Math.max(same.farShare(), 0.001), "far share " + moved.farShare());

        DriftReport t = DriftReport.of(moved, codecAvg, new ChangeHistory(1, 1000),
                new DriftReport.Thresholds(0.05, 0.05, 0.25));
        assertTrue(t.rebuildRecommended());
        assertEquals(2, t.reasons().size(), t.reasons().toString());
        assertFalse(DriftReport.of(same, codecAvg, new ChangeHistory(1, 1000),
                new DriftReport.Thresholds(0.05, 0.05, 0.25)).rebuildRecommended());
    }

    @Test
    void partialResultsMergeToTheWholeResult() {
        Random a = new Random(9);
        float[][] docs = new float[30][];
        for (int i = 0; i < docs.length; i++) {
            docs[i] = TestVectors.clustered(a, centroids, DIM, 5 + i, 0.8f, null);
        }
        ResidualDrift whole = new ResidualDrift(DIM);
        ResidualDrift left = new ResidualDrift(DIM);
        ResidualDrift right = new ResidualDrift(DIM);
        for (int i = 0; i < docs.length; i++) {
            whole.add(codec, docs[i], 1.2);
            (i % 2 == 0 ? left : right).add(codec, docs[i], 1.2);
        }
        ResidualDrift merged = left.merge(right);
        assertEquals(whole.tokens(), merged.tokens());
        assertEquals(whole.farShare(), merged.farShare(), 1e-12);
        assertEquals(whole.avgAbsResidual(), merged.avgAbsResidual(), 1e-9);
    }

    @Test
    void changeHistoryRunsFromTheLastBuildAndFollowsRollbacks(@TempDir Path dir) {
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        ManifestStore store = new ManifestStore(conf, layout);
        Manifest v1 = SampleIndex.write(conf, layout, 1, 40, 10);
        assertEquals(new ChangeHistory(0, 40), ChangeHistory.of(store, v1));

        Manifest v2 = SnapshotTransaction.on(conf, store, v1, Manifest.OP_DELETE).deletePids(new int[] {1, 2})
                .property(ChangeHistory.CHANGED, "2").property(ChangeHistory.AT_BUILD, "40").commit();
        assertEquals(0.05, ChangeHistory.of(store, v2).changedFraction(), 1e-12);
        // a commit by another tool, without the properties: the last recorded count holds
        Manifest v3 = SnapshotTransaction.on(conf, store, v2, Manifest.OP_DELETE).deletePids(new int[] {3}).commit();
        assertEquals(new ChangeHistory(2, 40), ChangeHistory.of(store, v3));
        assertEquals(new ChangeHistory(5, 40), ChangeHistory.of(store, v3).plus(3));

        Manifest back = Rollback.to(store, 1);
        assertEquals(new ChangeHistory(0, 40), ChangeHistory.of(store, back), "back at the build, nothing changed");
        Manifest fwd = Rollback.to(store, 2);
        assertEquals(new ChangeHistory(2, 40), ChangeHistory.of(store, fwd));
        assertEquals(1.0, new ChangeHistory(1, 0).changedFraction());
        assertEquals(0.0, new ChangeHistory(0, 0).changedFraction());
    }

    @Test
    void aBatchIsFoundInTheHistoryOfTheCurrentSnapshotOnly(@TempDir Path dir) {
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        ManifestStore store = new ManifestStore(conf, layout);
        Manifest v1 = SampleIndex.write(conf, layout, 1, 20, 10);
        Manifest v2 = SnapshotTransaction.on(conf, store, v1, Manifest.OP_DELETE).deletePids(new int[] {1})
                .property(AppliedBatch.PROPERTY, "batch-a").commit();
        Manifest v3 = SnapshotTransaction.on(conf, store, v2, Manifest.OP_DELETE).deletePids(new int[] {2}).commit();
        assertEquals(2, AppliedBatch.find(store, v3, "batch-a").getAsLong());
        assertTrue(AppliedBatch.find(store, v3, "batch-b").isEmpty());
        Manifest back = Rollback.to(store, 1);
        assertTrue(AppliedBatch.find(store, back, "batch-a").isEmpty(), "rolled back past it: it may be applied again");
        Manifest fwd = Rollback.to(store, 3);
        assertEquals(2, AppliedBatch.find(store, fwd, "batch-a").getAsLong());
    }

    @Test
    void deleteListsSkipCommentsAndBlanks(@TempDir Path dir) throws Exception {
        Path f = java.nio.file.Files.writeString(dir.resolve("ids.txt"), "# header\n a \n\nb\na\n#c\n");
        assertEquals(java.util.List.of("a", "b"), java.util.List.copyOf(DeleteList.read(new Configuration(), f.toString())));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> DeleteList.read(new Configuration(), dir.resolve("missing.txt").toString()));
        assertTrue(e.getMessage().contains("--delete file not found"), e.getMessage());
    }
}
