package io.tartan.query;

import io.tartan.format.testing.S3MockServer;
import io.tartan.query.hadoop.HadoopStorageProvider;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Loading an index from s3a:// (s3mock in a child JVM), through the local file cache. */
@Tag("slow")
class S3LoadTest {
    @TempDir
    Path dir;

    @Test
    void s3aIndexLoadsThroughTheCacheAndSearchesLikeTheLocalCopy() throws IOException {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        float[] q = fx.query(12, 32);
        List<SearchHit> local;
        try (TartanIndex index = TartanIndex.open(fx.uri())) {
            local = index.search(q, 10).hits();
        }
        try (S3MockServer s3 = S3MockServer.start(); Stream<Path> files = Files.walk(fx.root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                s3.put("b1", "idx/" + fx.root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
            Path cache = dir.resolve("cache");
            OpenOptions opts = OpenOptions.defaults().withStorage(new HadoopStorageProvider(s3.hadoopConf())).withCacheDir(cache, false);
            try (TartanIndex remote = TartanIndex.open("s3a://b1/idx", opts)) {
                assertEquals(local, remote.search(q, 10).hits());
                assertEquals(TestIndex.DOCS, remote.snapshot().numDocs());
            }
            long cachedShards;
            try (Stream<Path> s = Files.walk(cache)) {
                cachedShards = s.filter(p -> p.toString().endsWith(".parquet")).count();
            }
            assertTrue(cachedShards > 1, "shards cached locally");
            assertEquals(cachedShards, ServingLayoutTest.segmentFiles(cache).size(), "one serving segment a shard");
            // the segments are the serving data: a second open maps them and needs neither the shards nor their copies
            try (Stream<Path> s = Files.walk(cache)) {
                for (Path p : s.filter(p -> p.toString().endsWith(".parquet")).toList()) {
                    Files.delete(p);
                }
            }
            try (TartanIndex again = TartanIndex.open("s3a://b1/idx", opts.withMapChunkBytes(4096))) {
                assertEquals(local, again.search(q, 10).hits());
                assertEquals(0, again.segmentCache().built());
            }
            // a corrupt segment is rebuilt from the shard, fetched again (and verified) from s3a
            Path seg = ServingLayoutTest.segmentFiles(cache).get(0);
            Files.write(seg, new byte[] {1, 2, 3});
            try (TartanIndex again = TartanIndex.open("s3a://b1/idx", opts)) {
                assertEquals(local, again.search(q, 10).hits());
                assertEquals(1, again.segmentCache().built());
            }
            try (Stream<Path> s = Files.walk(cache)) {
                assertEquals(1, s.filter(p -> p.toString().endsWith(".parquet")).count(), "the one shard fetched again");
            }
        }
    }

    @Test
    void hybridBm25AndFiltersOverAnS3aSnapshotMatchTheLocalCopy() throws IOException {
        TestIndex fx = TestIndex.build(dir.resolve("text-idx"), 70, true);
        int target = 33;
        String text = TestIndex.text(fx.docCentres[target], target);
        float[] q = fx.query(target, 32);
        List<SearchParams> cases = List.of(
                SearchParams.defaults().withMode(SearchParams.Mode.HYBRID),
                SearchParams.defaults().withMode(SearchParams.Mode.HYBRID).withFusion(io.tartan.query.text.Fusion.RRF)
                        .withFilter("lang = 'fr'"),
                SearchParams.defaults().withMode(SearchParams.Mode.BM25).withFilter("year >= 2010"),
                SearchParams.defaults().withMode(SearchParams.Mode.RERANK));
        List<List<SearchHit>> local = new java.util.ArrayList<>();
        try (TartanIndex index = TartanIndex.open(fx.uri())) {
            for (SearchParams p : cases) {
                local.add(index.search(text, q, 10, p).hits());
            }
        }
        assertEquals(TestIndex.docId(target), local.get(0).get(0).docId());
        try (S3MockServer s3 = S3MockServer.start(); Stream<Path> files = Files.walk(fx.root)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                s3.put("b2", "idx/" + fx.root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
            }
            OpenOptions opts = OpenOptions.defaults().withStorage(new HadoopStorageProvider(s3.hadoopConf())).withCacheDir(dir.resolve("c2"), false);
            try (TartanIndex remote = TartanIndex.open("s3a://b2/idx", opts)) {
                for (int i = 0; i < cases.size(); i++) {
                    assertEquals(local.get(i), remote.search(text, q, 10, cases.get(i)).hits(), cases.get(i).toString());
                }
            }
        }
    }
}
