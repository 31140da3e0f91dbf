package io.tartan.jobs.maintenance;

import io.tartan.format.manifest.Manifest;
import io.tartan.jobs.CompactJob;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

    /** What the reader saw: the version that served a query, and the pids it returned. */
    record Served(long version, List<Long> pids) {
    }

    @Test
    void aReaderSeesNoFailureAndNoDeletedDocumentThroughDeleteCompactExpire() throws Exception {
        IndexFixture f = IndexFixture.build(dir, 120, 10);
        Map<Long, Set<Integer>> deletedAt = new ConcurrentHashMap<>();
        Set<Integer> deleted = new HashSet<>();
        deletedAt.put(1L, Set.copyOf(deleted));

        List<Served> served = new CopyOnWriteArrayList<>();
        List<Throwable> queryFailures = new CopyOnWriteArrayList<>();
        List<Throwable> reloadFailures = new CopyOnWriteArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong queries = new AtomicLong();
        try (TartanIndex reader = TartanIndex.open(f.uri)) {
            Thread t = new Thread(() -> {
                int i = 0;
                while (!stop.get()) {
                    try {
                        reader.refresh();
                    } catch (RuntimeException e) {
                        // a snapshot expired while it loaded: the reader keeps serving the one it has
                        reloadFailures.add(e);
                    }
                    try {
                        SearchResult r = reader.search(f.queries.get(i++ % f.queries.size()), 10, SearchParams.defaults());
                        served.add(new Served(r.version(), r.hits().stream().map(SearchHit::pid).toList()));
                        queries.incrementAndGet();
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        return;
                    } catch (Throwable e) {
                        queryFailures.add(e);
                    }
                }
            }, "reader");
            t.start();

            int[][] rounds = {IntStream.range(0, 12).toArray(), {20, 21, 55, 90, 119}, IntStream.range(60, 75).toArray()};
            for (int[] pids : rounds) {
                Manifest d = f.delete(pids);
                IntStream.of(pids).forEach(deleted::add);
                deletedAt.put(d.version(), Set.copyOf(deleted));
                Manifest c = CompactJob.parse("--index", f.uri, "--small-shard-fraction", "0.9").run(jsc).committed()
                        .orElseThrow();
                deletedAt.put(c.version(), Set.copyOf(deleted));
                assertEquals(0, MaintenanceCli.execute(new ExpireCommand(f.conf), "--index", f.uri, "--keep", "1",
                        "--orphan-grace", "0s"));
            }
            long latest = f.store.readLatest().version();
            while (reader.snapshot().version() < latest || queries.get() < 200) {
                Thread.sleep(10);
            }
            stop.set(true);
            t.join();
        }

        assertEquals(List.of(), queryFailures, "no query failed");
        assertTrue(queries.get() >= 200, queries.get() + " queries");
        Set<Long> versions = new HashSet<>();
        for (Served s : served) {
            versions.add(s.version());
            Set<Integer> gone = deletedAt.get(s.version());
            for (long pid : s.pids()) {
                assertFalse(gone.contains((int) pid), "v" + s.version() + " returned deleted pid " + pid);
            }
        }
        assertTrue(versions.size() >= 2, "the reader served several snapshots: " + versions);
        System.out.printf("reader: %d queries over versions %s, %d reload(s) failed and were retried%n",
                queries.get(), new ArrayList<>(versions), reloadFailures.size());
    }
}
