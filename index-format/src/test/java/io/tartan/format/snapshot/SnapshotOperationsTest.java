package io.tartan.format.snapshot;

import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.TestVectors;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.IvfBuilder;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotOperationsTest {
    static final int DIM = 16;
    @TempDir
    Path dir;
    Configuration conf = new Configuration();
    IndexLayout layout;
    ManifestStore store;
    ResidualCodec codec;
    IndexSettings settings;
    Random rnd = new Random(8);

    @BeforeEach
    void buildV1() {
        layout = new IndexLayout(dir.toUri().toString());
        store = new ManifestStore(conf, layout);
        float[] centroids = TestVectors.unitRows(rnd, 8, DIM);
        codec = ResidualCodec.train(DIM, 2, centroids, TestVectors.clustered(rnd, centroids, DIM, 500, 0.5f, null), null);
        settings = new IndexSettings(DIM, 2, 8, 220, 32, "test", null, IndexSettings.MAXSIM_COSINE);
        try (LocalIndexWriter w = new LocalIndexWriter(conf, layout, settings, codec, 10)) {
            for (int i = 0; i < 20; i++) {
                w.add("d" + i, TestVectors.clustered(rnd, codec.centroids(), DIM, 4, 0.5f, null), null);
            }
            w.commit(Map.of());
        }
    }

    /** Writes a shard of {@code n} new documents from {@code firstPid} and its IVF delta, as an append job would. */
    List<DataFile> appendFiles(long firstPid, int n) {
        IvfBuilder ivf = new IvfBuilder(8);
        DataFile shard;
        try (ShardWriter w = ShardWriter.create(conf, layout, IndexLayout.newShardPath("append"), ShardSpec.of(settings))) {
            for (int i = 0; i < n; i++) {
                ResidualCodec.Compressed c = codec.compress(TestVectors.clustered(rnd, codec.centroids(), DIM, 3, 0.5f, null));
                long pid = firstPid + i;
                w.write(ShardRow.of(pid, "new" + pid, c, 1, null));
                ivf.addDocument((int) pid, c.codes());
            }
            shard = w.finish();
        }
        byte[] bytes = IvfFile.write(ivf.build());
        String rel = IndexLayout.newIvfPath();
        IndexFiles.writeNew(conf, layout.resolve(rel), bytes);
        return List.of(shard, DataFile.of(rel, DataFile.IVF, bytes.length, 8, 0, Checksums.crc32c(bytes)));
    }

    @Test
    void appendDeleteRollbackExpire() throws Exception {
        Manifest v1 = store.readLatest();
        List<DataFile> f = appendFiles(v1.summary().nextPid(), 5);
        Manifest v2 = SnapshotTransaction.on(conf, store, v1, Manifest.OP_APPEND).addShards(List.of(f.get(0))).addIvf(f.get(1)).commit();
        assertEquals(2, v2.version());
        assertEquals(v1.snapshotId(), v2.parentSnapshotId());
        assertEquals(25, v2.summary().liveDocuments());
        assertEquals(25, v2.summary().nextPid());
        assertEquals(2, v2.ivf().size());

        Manifest v3 = SnapshotTransaction.on(conf, store, v2, Manifest.OP_DELETE).deletePids(new int[] {3, 21}).commit();
        assertEquals(23, v3.summary().liveDocuments());
        assertEquals(2, v3.summary().deletedDocuments());
        assertArrayEquals(new int[] {3, 21}, DeletedPids.of(conf, layout, v3));

        Manifest v4 = Rollback.to(store, 1);
        assertEquals(4, v4.version());
        assertEquals(Manifest.OP_ROLLBACK, v4.operation());
        assertEquals(v1.shards(), v4.shards());
        assertEquals(25, v4.summary().nextPid(), "pids handed out after v1 are never reused");
        assertEquals(1, Rollback.versionOfSnapshot(store, v1.snapshotId()));

        // an orphan a failed job left behind, and a fresh file of a job still running; everything else is "old"
        Path orphan = Files.writeString(dir.resolve("data/orphan.parquet"), "x");
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) {
                Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(0));
            }
        }
        Path inFlight = Files.writeString(dir.resolve("data/in-flight.parquet"), "y");
        SnapshotExpiry.Result r = SnapshotExpiry.run(conf, store, new SnapshotExpiry.Policy(1, Long.MAX_VALUE, 60_000));
        assertEquals(List.of(1L, 2L, 3L), r.expiredVersions());
        assertEquals(List.of(4L), store.versions());
        assertFalse(Files.exists(orphan));
        assertTrue(Files.exists(inFlight), "files younger than the grace period survive");
        for (DataFile live : store.readLatest().allFiles()) {
            assertTrue(Files.exists(dir.resolve(live.path())), live.path());
        }
        assertFalse(Files.exists(dir.resolve(f.get(0).path())), "the appended shard is garbage now");
        try (Stream<Path> s = Files.list(dir.resolve("deletes"))) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void concurrentAppendsCannotBothCommitButDeletesRetry() {
        Manifest v1 = store.readLatest();
        List<DataFile> a = appendFiles(v1.summary().nextPid(), 2);
        List<DataFile> b = appendFiles(v1.summary().nextPid(), 3);
        SnapshotTransaction.on(conf, store, v1, Manifest.OP_APPEND).addShards(List.of(a.get(0))).addIvf(a.get(1)).commit();
        CommitConflictException e = assertThrows(CommitConflictException.class,
                () -> SnapshotTransaction.on(conf, store, v1, Manifest.OP_APPEND).addShards(List.of(b.get(0))).addIvf(b.get(1)).commit());
        assertTrue(e.getMessage().contains("allocated pids"), e.getMessage());
        assertEquals(2, store.readLatest().version());

        // a delete prepared on v1 re-applies on top of v2
        Manifest v3 = SnapshotTransaction.on(conf, store, v1, Manifest.OP_DELETE).deletePids(new int[] {0}).commit();
        assertEquals(3, v3.version());
        assertEquals(2, v3.ivf().size(), "the concurrent append is kept");
        assertEquals(21, v3.summary().liveDocuments());
    }

    @Test
    void onAConflictAResolverGivesTheDeletesAgainstTheWinner() {
        Manifest v1 = store.readLatest();
        // the winner deletes pid 0 and appends pid 20, as a replacement of d0 would
        List<DataFile> a = appendFiles(v1.summary().nextPid(), 1);
        SnapshotTransaction.on(conf, store, v1, Manifest.OP_UPDATE).addShards(List.of(a.get(0))).addIvf(a.get(1))
                .deletePids(new int[] {0}).commit();
        List<Manifest> asked = new java.util.ArrayList<>();
        Manifest v3 = SnapshotTransaction.on(conf, store, v1, Manifest.OP_DELETE).deletePids(new int[] {0})
                .property("count", "1").property("kept", "yes")
                .reresolveDeletesOnConflict(latest -> {
                    asked.add(latest);
                    return new DeleteResolver.Resolved(new int[] {20, 20}, Manifest.OP_DELETE, Map.of("count", "2"));
                })
                .commit();
        assertEquals(List.of(2L), asked.stream().map(Manifest::version).toList(), "asked once, with the winner");
        assertArrayEquals(new int[] {0, 20}, DeletedPids.of(conf, layout, v3));
        assertEquals(1, v3.deletes().size() - store.read(2).deletes().size(), "one new deletion vector");
        assertEquals(20, v3.deletes().get(v3.deletes().size() - 1).minPid());
        assertEquals(19, v3.summary().liveDocuments());
        assertEquals("2", v3.properties().get("count"));
        assertEquals("yes", v3.properties().get("kept"));

        // a resolver that refuses: nothing is committed, its exception reaches the caller
        CommitConflictException e = assertThrows(CommitConflictException.class, () -> SnapshotTransaction
                .on(conf, store, v1, Manifest.OP_DELETE).deletePids(new int[] {1})
                .reresolveDeletesOnConflict(latest -> {
                    throw new CommitConflictException("refused on v" + latest.version(), null);
                }).commit());
        assertEquals("refused on v3", e.getMessage());
        assertEquals(3, store.readLatest().version());
    }

    @Test
    void rollbackToAMissingVersionIsAClearError() {
        var e = assertThrows(io.tartan.format.IndexFormatException.class, () -> Rollback.to(store, 9));
        assertTrue(e.getMessage().contains("no snapshot version 9"), e.getMessage());
    }
}
