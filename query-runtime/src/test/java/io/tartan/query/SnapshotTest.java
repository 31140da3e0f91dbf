package io.tartan.query;

import io.tartan.format.CorruptFileException;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.ManifestStore;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SnapshotTest {
    @TempDir
    Path dir;

    @Test
    void deletedPidsAreNeverReturned() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        float[] q = fx.query(42, 32);
        try (TartanIndex before = TartanIndex.open(fx.uri())) {
            SearchResult r = before.searchExact(q, 10);
            int[] victims = r.hits().stream().limit(5).mapToInt(h -> (int) h.pid()).toArray();
            fx.delete(victims);
            try (TartanIndex after = TartanIndex.open(fx.uri())) {
                assertEquals(2, after.snapshot().version());
                assertEquals(TestIndex.DOCS - 5, after.snapshot().numDocs());
                SearchParams everything = SearchParams.plaid().withNcells(64).withNdocs(10_000).withCentroidScoreThreshold(-1f);
                for (SearchResult res : List.of(after.search(q, 50), after.search(q, 50, SearchParams.plaid()),
                        after.search(q, 400, everything), after.searchExact(q, 400),
                        after.rerank(q, r.hits().stream().map(SearchHit::docId).toList()))) {
                    for (SearchHit h : res.hits()) {
                        for (int v : victims) {
                            assertTrue(h.pid() != v, "deleted pid " + v + " returned");
                        }
                    }
                }
                assertEquals(TestIndex.DOCS - 5, after.searchExact(q, 1000).hits().size());
                // the older version is still loadable and still has them
                try (TartanIndex v1 = TartanIndex.open(fx.uri(), OpenOptions.defaults().withVersion(1L))) {
                    assertEquals(TestIndex.DOCS, v1.snapshot().numDocs());
                }
            }
        }
    }

    @Test
    void reloadDuringQueriesDropsNothing() throws Exception {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        try (TartanIndex index = TartanIndex.open(fx.uri())) {
            index.startPolling(0.02);
            List<float[]> qs = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                qs.add(fx.query(i, 32));
            }
            AtomicBoolean stop = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            List<Future<long[]>> workers = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                workers.add(pool.submit(() -> {
                    long ok = 0;
                    long maxVersion = 0;
                    while (!stop.get()) {
                        for (float[] q : qs) {
                            SearchResult r = index.search(q, 10);
                            assertEquals(10, r.hits().size());
                            maxVersion = Math.max(maxVersion, r.version());
                            ok++;
                        }
                    }
                    return new long[] {ok, maxVersion};
                }));
            }
            Thread.sleep(200);
            fx.delete(0, 1, 2);
            long deadline = System.currentTimeMillis() + 20_000;
            while (index.snapshot().version() < 2 && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(200);
            stop.set(true);
            long total = 0;
            for (Future<long[]> f : workers) {
                long[] r = f.get(); // rethrows any failed query
                total += r[0];
            }
            pool.shutdownNow();
            assertEquals(2, index.snapshot().version());
            assertTrue(total > 0);
            assertFalse(index.refresh(), "nothing newer");
            for (SearchHit h : index.searchExact(qs.get(0), 1000).hits()) {
                assertTrue(h.pid() > 2);
            }
        }
    }

    @Test
    void corruptShardIsAClearErrorNamingTheFile() throws IOException {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        DataFile shard = new ManifestStore(new Configuration(), new IndexLayout(fx.uri())).readLatest().shards().get(1);
        Path file = fx.root.resolve(shard.path());
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(100);
            int b = raf.read();
            raf.seek(100);
            raf.write(b ^ 0x5a);
        }
        CorruptFileException e = assertThrows(CorruptFileException.class, () -> TartanIndex.open(fx.uri()));
        assertTrue(e.getMessage().contains(shard.path()), e.getMessage());
    }

    @Test
    void remoteFilesAreCachedByPathAndChecksumAndACorruptCopyIsFetchedAgain() throws IOException {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        Path cache = dir.resolve("cache");
        OpenOptions opts = OpenOptions.defaults().withCacheDir(cache, true);
        float[] q = fx.query(5, 32);
        SearchResult direct;
        try (TartanIndex index = TartanIndex.open(fx.uri())) {
            direct = index.search(q, 10);
        }
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(direct.hits(), index.search(q, 10).hits());
        }
        List<Path> cached;
        try (Stream<Path> s = Files.walk(cache)) {
            cached = s.filter(p -> p.toString().endsWith(".parquet")).toList();
        }
        assertEquals(new ManifestStore(new Configuration(), new IndexLayout(fx.uri())).readLatest().shards().size(), cached.size());
        Files.write(cached.get(0), new byte[] {1, 2, 3});
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(direct.hits(), index.search(q, 10).hits());
            assertEquals(0, index.segmentCache().built(), "serving segments exist: no shard is read");
        }
        assertEquals(3, Files.size(cached.get(0)));
        // without serving segments the shards are read again, and the corrupt copy is fetched again
        try (Stream<Path> s = Files.walk(cache.resolve("segments"))) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                Files.delete(p);
            }
        }
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(direct.hits(), index.search(q, 10).hits());
        }
        assertTrue(Files.size(cached.get(0)) > 3, "corrupt cache entry replaced");
    }
}
