package io.tartan.jobs.update;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.DeletedPids;
import io.tartan.jobs.UpdateJob;
import io.tartan.jobs.maintenance.MaintenanceCli;
import io.tartan.jobs.maintenance.RollbackCommand;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Update runs that lose the commit race to a concurrent commit touching the same document id, staged exactly between
 * the run's resolution of ids to pids and its commit ({@link UpdateJob#beforeCommit}). Shared by the local-file and
 * the S3 tests, so both stores are held to the same outcome.
 */
final class RaceCases {
    private RaceCases() {
    }

    /**
     * Two updates add new documents from the same {@code next-pid}: the one committing second cannot re-apply its
     * pids on top of the first, so it fails, commits nothing and is not recorded as applied.
     */
    static void appendLosesToAppend(JavaSparkContext sc, Configuration conf, String index, Path winner, Path loser,
            String loserId) {
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest base = store.readLatest();
        CommitConflictException lost = assertThrows(CommitConflictException.class, () ->
                UpdateJob.parse("--index", index, "--upsert", loser.toString())
                        .beforeCommit(() -> {
                            UpdateJob.parse("--index", index, "--upsert", winner.toString()).run(sc);
                            LiveDocIds.assertEachLiveAtMostOnce(conf, index);
                        })
                        .run(sc));
        String msg = lost.getMessage();
        assertTrue(msg.contains("lost to version " + (base.version() + 1)) && msg.contains("allocated pids")
                && msg.contains("nothing of batch") && msg.contains("run the update again"), msg);
        assertEquals(base.version() + 1, store.readLatest().version(), "exactly one of the two committed");
        assertFalse(LiveDocIds.assertEachLiveAtMostOnce(conf, index).containsKey(loserId),
                "the losing update committed nothing");
    }

    /** A delete-only run loses to an append of other documents: it allocates no pid, so it commits on top. */
    static UpdateSummary deleteLosesToAppend(JavaSparkContext sc, Configuration conf, String index, Path delete,
            Path upsert) {
        Manifest base = new ManifestStore(conf, new IndexLayout(index)).readLatest();
        UpdateSummary d = UpdateJob.parse("--index", index, "--delete", delete.toString())
                .beforeCommit(() -> {
                    UpdateJob.parse("--index", index, "--upsert", upsert.toString()).run(sc);
                    LiveDocIds.assertEachLiveAtMostOnce(conf, index);
                })
                .run(sc);
        assertEquals(base.version() + 2, d.version(), "the delete was re-applied on top of the concurrent append");
        assertEquals(1, d.deleted(), d.toJson());
        assertEquals(base.summary().liveDocuments(), LiveDocIds.assertEachLiveAtMostOnce(conf, index).size(),
                "one appended, one deleted");
        return d;
    }

    /**
     * A delete-only run of {@code id} loses to an upsert of {@code id}: committed after the upsert, the delete must
     * delete the upsert's new pid, not re-delete the old one.
     */
    static void deleteLosesToUpsertOfTheSameId(JavaSparkContext sc, Configuration conf, String index, Path dir,
            String id) throws IOException {
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest base = store.readLatest();
        long oldPid = LiveDocIds.assertEachLiveAtMostOnce(conf, index).get(id);
        Path up = Files.write(dir.resolve("race-upsert.jsonl"), List.of(TextIndexFixture.json(id,
                "Lighthouses guide ships along rocky coasts.")));
        Path del = Files.write(dir.resolve("race-delete.txt"), List.of(id));
        long[] upsertedPid = new long[1];

        UpdateSummary d = UpdateJob.parse("--index", index, "--delete", del.toString())
                .beforeCommit(() -> {
                    UpdateJob.parse("--index", index, "--upsert", up.toString()).run(sc);
                    upsertedPid[0] = LiveDocIds.assertEachLiveAtMostOnce(conf, index).get(id);
                })
                .run(sc);

        assertTrue(upsertedPid[0] != oldPid, "the upsert stored " + id + " under a new pid");
        assertEquals("committed", d.outcome(), d.toJson());
        assertEquals(base.version() + 2, d.version(), "committed on top of the concurrent upsert");
        Map<String, Long> live = LiveDocIds.assertEachLiveAtMostOnce(conf, index);
        assertFalse(live.containsKey(id), "the delete committed after the upsert, yet " + id + " is live at pid "
                + live.get(id));
        Manifest m = store.readLatest();
        assertTrue(IntStream.of(DeletedPids.of(conf, new IndexLayout(index), m)).anyMatch(p -> p == upsertedPid[0]),
                "the upsert's pid " + upsertedPid[0] + " is deleted");
        assertEquals(1, d.deleted(), d.toJson());
        assertEquals(0, d.unknownDeletes(), d.toJson());
        assertEquals("1", m.properties().get("update.deleted"));
        assertEquals(base.summary().liveDocuments() - 1, d.liveDocuments());
        assertEquals("already-applied", UpdateJob.parse("--index", index, "--delete", del.toString()).run(sc)
                .outcome(), "the batch is recorded as applied, and it was");
    }

    /**
     * An update of {@code id} (already replaced once since the build) loses to a rollback to the build: the rollback
     * restores the build's version of {@code id} under its old pid, which the update must then replace.
     */
    static void updateLosesToRollback(JavaSparkContext sc, Configuration conf, String index, Path dir, String id)
            throws IOException {
        ManifestStore store = new ManifestStore(conf, new IndexLayout(index));
        Manifest built = store.readLatest();
        long builtPid = LiveDocIds.assertEachLiveAtMostOnce(conf, index).get(id);
        Path first = Files.write(dir.resolve("race-first.jsonl"), List.of(TextIndexFixture.json(id,
                "Saturn's rings are made of ice and rock.")));
        Path second = Files.write(dir.resolve("race-second.jsonl"), List.of(TextIndexFixture.json(id,
                "Zebrafish regenerate heart muscle after an injury.")));
        assertEquals(1, UpdateJob.parse("--index", index, "--upsert", first.toString()).run(sc).replaced());
        LiveDocIds.assertEachLiveAtMostOnce(conf, index);
        Manifest replaced = store.readLatest();

        UpdateSummary s = UpdateJob.parse("--index", index, "--upsert", second.toString())
                .beforeCommit(() -> {
                    assertEquals(0, MaintenanceCli.execute(new RollbackCommand(conf), "--index", index, "--to",
                            "v" + built.version()));
                    assertEquals(builtPid, LiveDocIds.assertEachLiveAtMostOnce(conf, index).get(id),
                            "the rollback restored the build's " + id);
                })
                .run(sc);

        assertEquals("committed", s.outcome(), s.toJson());
        assertEquals(replaced.version() + 2, s.version(), "committed on top of the rollback");
        Map<String, Long> live = LiveDocIds.assertEachLiveAtMostOnce(conf, index);
        assertTrue(live.get(id) >= replaced.summary().nextPid(), "the update's own version of " + id
                + " is live, pid " + live.get(id));
        Manifest m = store.readLatest();
        assertTrue(IntStream.of(DeletedPids.of(conf, new IndexLayout(index), m)).anyMatch(p -> p == builtPid),
                "the restored pid " + builtPid + " is deleted");
        assertEquals(1, s.replaced(), s.toJson());
        assertEquals("1", m.properties().get("update.replaced"));
        assertEquals(Manifest.OP_UPDATE, m.operation());
        assertEquals(built.summary().liveDocuments(), s.liveDocuments());
    }
}
