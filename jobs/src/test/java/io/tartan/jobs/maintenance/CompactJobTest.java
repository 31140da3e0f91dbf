package io.tartan.jobs.maintenance;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.jobs.CompactJob;
import io.tartan.jobs.update.LiveDocIds;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CompactJobTest {
    static JavaSparkContext jsc;

    @TempDir
    Path dir;

    @BeforeAll
    static void spark() {
        jsc = LocalSpark.start("CompactJobTest");
    }

    @AfterAll
    static void stop() {
        jsc.stop();
    }

    /** A target that fits about two and a half of the fixture's shards, so the plan merges neighbours. */
    static String targetMb(Manifest m) {
        long max = m.shards().stream().mapToLong(DataFile::sizeBytes).max().orElseThrow();
        return String.format(Locale.ROOT, "%.6f", 2.5 * max / (1024 * 1024));
    }

    static final int[] DELETED = IntStream.concat(IntStream.of(3, 4, 15, 77), IntStream.rangeClosed(40, 49)).toArray();

    @Test
    void dropsDeletedRowsMergesShardsAndSearchesExactlyAsBefore() {
        IndexFixture f = IndexFixture.build(dir, 80, 10);
        f.delete(3, 4, 15);
        Manifest before = f.delete(IntStream.concat(IntStream.of(77), IntStream.rangeClosed(40, 49)).toArray());
        try (TartanIndex reader = TartanIndex.open(f.uri)) {
            List<SearchResult> expected = f.results(reader);

            CompactJob.Result r = CompactJob.parse("--index", f.uri, "--shard-target-mb", targetMb(before),
                    "--small-shard-fraction", "1").run(jsc);

            Manifest after = r.committed().orElseThrow();
            LiveDocIds.assertEachLiveAtMostOnce(f.conf, f.uri);
            assertEquals(before.version() + 1, after.version());
            assertEquals(Manifest.OP_COMPACT, after.operation());
            assertTrue(after.deletes().isEmpty(), "deletion vectors are dropped once their rows are gone");
            assertEquals(1, after.ivf().size());
            assertEquals(80 - DELETED.length, after.summary().liveDocuments());
            assertEquals(after.summary().liveDocuments(), after.summary().storedDocuments());
            assertEquals(80, after.summary().nextPid(), "pids are never reused");
            assertTrue(after.shards().size() < before.shards().size(), after.shards().size() + " shards");
            assertEquals(DELETED.length, r.rowsDropped());

            // every live pid once, in ascending order across the shards in pid order, none of the deleted
            Set<Integer> deleted = new HashSet<>();
            IntStream.of(DELETED).forEach(deleted::add);
            List<Long> pids = new ArrayList<>();
            IndexLayout layout = new IndexLayout(f.uri);
            after.shards().stream().sorted((a, b) -> Long.compare(a.minPid(), b.minPid())).forEach(s ->
                    ShardReader.read(f.conf, layout, s, ShardSpec.of(after.settings()), row -> pids.add(row.pid())));
            List<Long> live = IntStream.range(0, 80).filter(p -> !deleted.contains(p)).mapToObj(p -> (long) p).toList();
            assertEquals(live, pids);

            assertTrue(reader.refresh());
            assertEquals(after.version(), reader.snapshot().version());
            List<SearchResult> got = f.results(reader);
            assertEquals(IndexFixture.hits(expected), IndexFixture.hits(got), "same hits, same scores, same order");
            for (SearchResult res : got) {
                for (SearchHit h : res.hits()) {
                    assertFalse(deleted.contains((int) h.pid()), h.docId());
                }
            }
        }
    }

    @Test
    void aShardWhoseRowsAreAllDeletedDisappears() {
        IndexFixture f = IndexFixture.build(dir, 30, 10);
        f.delete(IntStream.range(10, 20).toArray());
        Manifest m = CompactJob.parse("--index", f.uri, "--small-shard-fraction", "0").run(jsc).committed().orElseThrow();
        LiveDocIds.assertEachLiveAtMostOnce(f.conf, f.uri);
        assertEquals(2, m.shards().size(), "the two clean shards are kept, the empty one is gone");
        assertEquals(20, m.summary().liveDocuments());
        assertEquals(List.of(), CompactJob.parse("--index", f.uri, "--small-shard-fraction", "0").run(jsc)
                .plan().groups(), "nothing left to do");
    }

    @Test
    void nothingToDoCommitsNothingAndDryRunWritesNothing() {
        IndexFixture f = IndexFixture.build(dir, 30, 10);
        Set<String> files = f.dataFiles();
        CompactJob.Result none = CompactJob.parse("--index", f.uri, "--small-shard-fraction", "0").run(jsc);
        assertTrue(none.committed().isEmpty());
        f.delete(1);
        files = f.dataFiles();
        CompactJob.Result dry = CompactJob.parse("--index", f.uri, "--dry-run").run(jsc);
        assertTrue(dry.committed().isEmpty());
        assertEquals(1, dry.plan().groups().size());
        assertEquals(files, f.dataFiles());
        assertEquals(List.of(1L, 2L), f.store.versions());
    }

    @Test
    void aCompactionThatLosesTheCommitRaceFailsClearlyAndARerunCompactsTheNewSnapshot() {
        IndexFixture f = IndexFixture.build(dir, 40, 10);
        f.delete(1, 2);
        io.tartan.format.manifest.CommitConflictException e = assertThrows(
                io.tartan.format.manifest.CommitConflictException.class,
                () -> CompactJob.parse("--index", f.uri).beforeCommit(() -> f.delete(33)).run(jsc));
        assertTrue(e.getMessage().contains("must start from the latest snapshot"), e.getMessage());
        Manifest latest = f.store.readLatest();
        assertEquals(Manifest.OP_DELETE, latest.operation(), "the concurrent delete stands");
        Manifest m = CompactJob.parse("--index", f.uri).run(jsc).committed().orElseThrow();
        LiveDocIds.assertEachLiveAtMostOnce(f.conf, f.uri);
        assertEquals(37, m.summary().liveDocuments());
        assertTrue(m.deletes().isEmpty());
    }

    @Test
    void crashBeforeCommitKeepsThePreviousSnapshotServedAndExpireCollectsTheOrphans() throws Exception {
        IndexFixture f = IndexFixture.build(dir, 60, 10);
        Manifest v2 = f.delete(7, 8, 31);
        Set<String> live = f.referencedFiles();
        try (TartanIndex reader = TartanIndex.open(f.uri)) {
            List<SearchResult> expected = f.results(reader);

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> CompactJob.parse(
                    "--index", f.uri, "--fail-before-commit").run(jsc));
            assertTrue(e.getMessage().contains("no snapshot committed"), e.getMessage());

            assertEquals(v2, f.store.readLatest(), "the previous snapshot is still the latest");
            assertFalse(reader.refresh());
            assertEquals(IndexFixture.hits(expected), IndexFixture.hits(f.results(reader)));
            Set<String> orphans = new HashSet<>(f.dataFiles());
            orphans.removeAll(live);
            assertTrue(orphans.stream().anyMatch(p -> p.startsWith("data/compact-")), orphans.toString());
            assertTrue(orphans.stream().anyMatch(p -> p.startsWith("ivf/")), orphans.toString());

            // the default grace period protects files of runs that may still be in progress
            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "100"));
            assertTrue(f.dataFiles().containsAll(orphans));
            assertEquals(0, MaintenanceCli.execute(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "100",
                    "--orphan-grace", "0s"));
            assertEquals(live, f.dataFiles(), "exactly the orphans were removed");
            for (String p : live) {
                assertTrue(Files.exists(dir.resolve(p)), p);
            }
            try (TartanIndex fresh = TartanIndex.open(f.uri)) {
                assertEquals(IndexFixture.hits(expected), IndexFixture.hits(f.results(fresh)));
            }
        }
        assertTrue(CompactJob.parse("--index", f.uri).run(jsc).committed().isPresent(), "a re-run succeeds");
        LiveDocIds.assertEachLiveAtMostOnce(f.conf, f.uri);
    }
}
