package io.tartan.jobs.maintenance;

import io.tartan.format.manifest.Manifest;
import io.tartan.jobs.CompactJob;
import io.tartan.jobs.update.LiveDocIds;
import io.tartan.query.TartanIndex;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A reader that keeps querying and hot-reloading while deletes, compactions and expiry run against the index: no
 * query fails, and no result ever holds a document deleted in the snapshot that served it.
 */
@Tag("slow")
class ServingDuringMaintenanceTest {
    static JavaSparkContext jsc;

    @TempDir
    Path dir;

    @BeforeAll
    static void spark() {
        jsc = LocalSpark.start("ServingDuringMaintenanceTest");
    }

    @AfterAll
    static void stop() {
        jsc.stop();
    }

    @Test
    void aReaderSeesNoFailureAndNoDeletedDocumentThroughDeleteCompactExpire() throws Exception {
        IndexFixture f = IndexFixture.build(dir, 120, 10);
        Map<Long, Set<Integer>> deletedAt = new ConcurrentHashMap<>();
        Set<Integer> deleted = new HashSet<>();
        deletedAt.put(1L, Set.copyOf(deleted));
        ServingReader reader;
        try (TartanIndex index = TartanIndex.open(f.uri)) {
            reader = new ServingReader(index, f.queries);
            int[][] rounds = {IntStream.range(0, 12).toArray(), {20, 21, 55, 90, 119}, IntStream.range(60, 75).toArray()};
            for (int[] pids : rounds) {
                Manifest d = f.delete(pids);
                IntStream.of(pids).forEach(deleted::add);
                deletedAt.put(d.version(), Set.copyOf(deleted));
                Manifest c = CompactJob.parse("--index", f.uri, "--small-shard-fraction", "0.9").run(jsc).committed()
                        .orElseThrow();
                LiveDocIds.assertEachLiveAtMostOnce(f.conf, f.uri);
                deletedAt.put(c.version(), Set.copyOf(deleted));
                assertEquals(0, MaintenanceCli.execute(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "1",
                        "--orphan-grace", "0s"));
            }
            reader.finishAt(f.store.readLatest().version(), 200);
        }
        reader.assertNoFailureAndNoDeletedPid(deletedAt);
        Set<Long> versions = new TreeSet<>();
        reader.served.forEach(s -> versions.add(s.version()));
        assertTrue(versions.size() >= 2, "the reader served several snapshots: " + versions);
        System.out.printf("reader: %d queries over versions %s, %d reload(s) failed and were retried%n",
                reader.answered(), versions, reader.reloadFailures.size());
    }
}
