package io.tartan.query;

import io.tartan.format.IndexLayout;
import io.tartan.format.MaxSim;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardSpec;
import io.tartan.query.load.FileSource;
import io.tartan.query.load.SnapshotLoader;
import io.tartan.query.segment.ChunkedMappedData;
import io.tartan.query.segment.ShardSegment;
import io.tartan.query.segment.ShardSlice;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The memory-mapped serving layout: chunked mappings, the segment cache, and reload sharing, on real index files. */
class ServingLayoutTest {
    @TempDir
    Path dir;

    private OpenOptions cacheAt(String name) {
        return OpenOptions.defaults().withCacheDir(dir.resolve(name), false);
    }

    @Test
    void tinyMappingChunksGiveTheResultsOfOneChunkAndExactScoresOfTheDecompressedVectors() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        Map<String, float[]> decompressed = decompress(fx);
        try (TartanIndex whole = TartanIndex.open(fx.uri(), cacheAt("c1"));
             TartanIndex kb = TartanIndex.open(fx.uri(), cacheAt("c2").withMapChunkBytes(4096));
             TartanIndex tiny = TartanIndex.open(fx.uri(), cacheAt("c3").withMapChunkBytes(64))) {
            ShardSegment seg = tiny.snapshot().slice(0).segment();
            assertTrue(((ChunkedMappedData) seg.data()).chunks() > 100, "64-byte chunks: many per segment");
            assertEquals(1, ((ChunkedMappedData) whole.snapshot().slice(0).segment().data()).chunks());
            for (int i = 0; i < 20; i++) {
                float[] q = fx.query(i * 13 % TestIndex.DOCS, 32);
                for (TartanIndex other : List.of(kb, tiny)) {
                    assertEquals(whole.search(q, 10), other.search(q, 10));
                    assertEquals(whole.search(q, 10, SearchParams.plaid()), other.search(q, 10, SearchParams.plaid()));
                    // nexact 10: stage 3 ranks the candidates, copying cells that straddle chunks
                    SearchParams fewExact = SearchParams.defaults().withNdocs(40);
                    assertEquals(whole.search(q, 10, fewExact), other.search(q, 10, fewExact));
                    assertEquals(whole.searchExact(q, 30), other.searchExact(q, 30));
                    List<String> ids = List.of(TestIndex.docId(i), TestIndex.docId(i + 100), "missing");
                    assertEquals(whole.rerank(q, ids), other.rerank(q, ids));
                }
                for (SearchHit h : tiny.searchExact(q, 30).hits()) {
                    assertEquals(MaxSim.score(q, decompressed.get(h.docId()), TestIndex.DIM), h.score(), 1e-4, h.docId());
                }
            }
        }
    }

    @Test
    void secondOpenMapsTheCacheAndACorruptOrTruncatedSegmentIsRebuilt() throws IOException {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        int shards = new ManifestStore(new Configuration(), new IndexLayout(fx.uri())).readLatest().shards().size();
        float[] q = fx.query(9, 32);
        OpenOptions opts = cacheAt("cache");
        SearchResult first;
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(shards, index.segmentCache().built());
            first = index.searchExact(q, 20);
        }
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(0, index.segmentCache().built(), "nothing rebuilt");
            assertEquals(shards, index.segmentCache().opened());
            assertEquals(first, index.searchExact(q, 20));
        }
        List<Path> segs = segmentFiles(dir.resolve("cache"));
        assertEquals(shards, segs.size());
        // a build killed mid-way leaves a temporary file; the next open of an old one removes it, a fresh one stays
        Path abandoned = Files.writeString(segs.get(0).resolveSibling(".x.tseg.1234.tmp"), "partial");
        Path fresh = Files.writeString(segs.get(0).resolveSibling(".y.tseg.5678.tmp"), "in progress");
        Files.setLastModifiedTime(abandoned, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000L));
        TartanIndex.open(fx.uri(), opts).close();
        assertTrue(Files.notExists(abandoned));
        assertTrue(Files.exists(fresh));

        flipByte(segs.get(0), 60); // a header field: the header checksum catches it
        assertRebuilt(fx, opts, q, first, 1);
        try (RandomAccessFile raf = new RandomAccessFile(segs.get(1).toFile(), "rw")) {
            raf.setLength(raf.length() - 100);
        }
        assertRebuilt(fx, opts, q, first, 1);
        byte[] original = Files.readAllBytes(segs.get(2));
        flipByte(segs.get(2), original.length - 10); // a doc-id byte: only the full checksum sees it
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(0, index.segmentCache().built(), "by default only header, length and offsets are checked");
        }
        assertRebuilt(fx, opts.withVerifyCache(true), q, first, 1);
        assertTrue(java.util.Arrays.equals(original, Files.readAllBytes(segs.get(2))), "rebuilt byte for byte");
        // a segment of another shard under this shard's name is not trusted either
        Files.copy(segs.get(3), segs.get(4), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertRebuilt(fx, opts, q, first, 1);
    }

    private static void assertRebuilt(TestIndex fx, OpenOptions opts, float[] q, SearchResult want, int n) {
        try (TartanIndex index = TartanIndex.open(fx.uri(), opts)) {
            assertEquals(n, index.segmentCache().built());
            assertEquals(want, index.searchExact(q, 20));
        }
    }

    @Test
    void refreshMapsOnlyTheNewShardAndReusesTheMappingsOfTheOthers() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        try (TartanIndex index = TartanIndex.open(fx.uri(), cacheAt("cache"))) {
            IndexSnapshot v1 = index.snapshot();
            int builtBefore = index.segmentCache().built();
            fx.append(30);
            assertTrue(index.refresh());
            IndexSnapshot v2 = index.snapshot();
            assertEquals(TestIndex.DOCS + 30, v2.numDocs());
            assertEquals(builtBefore + 1, index.segmentCache().built(), "only the appended shard is built");
            Map<String, ShardSegment> old = segmentsByPath(v1);
            int shared = 0;
            for (int i = 0; i < v2.numSlices(); i++) {
                ShardSegment s = v2.slice(i).segment();
                if (old.containsKey(s.shardPath())) {
                    assertSame(old.get(s.shardPath()), s, "unchanged shard " + s.shardPath() + " keeps its mapping");
                    shared++;
                }
            }
            assertEquals(v1.numSlices(), shared);
            // the new documents are found
            SearchResult r = index.searchExact(fx.query(0, 32), TestIndex.DOCS + 30);
            assertEquals(30, r.hits().stream().filter(h -> h.docId().startsWith("new-")).count());

            fx.delete(1, 2, 3);
            assertTrue(index.refresh());
            IndexSnapshot v3 = index.snapshot();
            assertEquals(builtBefore + 1, index.segmentCache().built(), "a delete maps nothing new");
            Map<String, ShardSegment> v2segs = segmentsByPath(v2);
            for (int i = 0; i < v3.numSlices(); i++) {
                assertSame(v2segs.get(v3.slice(i).segment().shardPath()), v3.slice(i).segment());
            }
            assertEquals(TestIndex.DOCS + 27, v3.numDocs());
            Set<String> gone = Set.of(TestIndex.docId(1), TestIndex.docId(2), TestIndex.docId(3));
            assertEquals(decompress(fx).entrySet().stream().filter(e -> !gone.contains(e.getKey()))
                    .mapToLong(e -> e.getValue().length / TestIndex.DIM).sum(), v3.numTokens(), "tokens of live documents");
            assertEquals(-1, v3.rowOf(TestIndex.docId(2)));
            assertTrue(v3.rowOf(TestIndex.docId(4)) >= 0);
        }
        // a fresh open maps its own objects
        try (TartanIndex a = TartanIndex.open(fx.uri(), cacheAt("cache")); TartanIndex b = TartanIndex.open(fx.uri(), cacheAt("cache"))) {
            assertNotSame(a.snapshot().slice(0).segment(), b.snapshot().slice(0).segment());
            assertEquals(0, b.segmentCache().built());
        }
    }

    @Test
    void ivfDerivedFromShardCodesEqualsTheIndexIvf() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        fx.append(25);
        fx.delete(7, 8);
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(fx.uri());
        Manifest m = new ManifestStore(conf, layout).readLatest();
        Ivf fromFiles = new SnapshotLoader(new FileSource(io.tartan.query.storage.Storages.open(fx.uri(), null), null, false), 1).ivf(m);
        try (TartanIndex index = TartanIndex.open(fx.uri(), cacheAt("cache"))) {
            IndexSnapshot s = index.snapshot();
            int[] block = new int[4096];
            for (int c = 0; c < s.numCentroids(); c++) {
                TreeSet<Long> derived = new TreeSet<>();
                for (int i = 0; i < s.numSlices(); i++) {
                    ShardSegment seg = s.slice(i).segment();
                    long a = seg.ivfStart(c);
                    int n = (int) (seg.ivfStart(c + 1) - a);
                    seg.ivfRows(a, block, n);
                    for (int j = 0; j < n; j++) {
                        derived.add(seg.pid(block[j]));
                    }
                }
                TreeSet<Long> stored = new TreeSet<>();
                for (int pid : fromFiles.list(c)) {
                    stored.add((long) pid);
                }
                assertEquals(stored, derived, "centroid " + c);
            }
        }
    }

    @Test
    void docIdDictionaryFindsEveryDocumentAndNothingElse() {
        TestIndex fx = TestIndex.build(dir.resolve("idx"));
        try (TartanIndex index = TartanIndex.open(fx.uri(), cacheAt("cache").withMapChunkBytes(128))) {
            IndexSnapshot s = index.snapshot();
            for (int d = 0; d < TestIndex.DOCS; d++) {
                int row = s.rowOf(TestIndex.docId(d));
                assertTrue(row >= 0, TestIndex.docId(d));
                assertEquals(TestIndex.docId(d), s.docId(row));
                assertEquals(d, s.pid(row));
            }
            for (String missing : List.of("", "doc-", "doc-400", "doc-99x", "zzz", "Doc-1", "doc-1\u00e9")) {
                assertEquals(-1, s.rowOf(missing), missing);
            }
        }
    }

    private static Map<String, ShardSegment> segmentsByPath(IndexSnapshot s) {
        Map<String, ShardSegment> m = new HashMap<>();
        for (int i = 0; i < s.numSlices(); i++) {
            ShardSlice sl = s.slice(i);
            m.put(sl.segment().shardPath(), sl.segment());
        }
        return m;
    }

    static List<Path> segmentFiles(Path cache) throws IOException {
        try (Stream<Path> s = Files.walk(cache.resolve("segments"))) {
            return new ArrayList<>(s.filter(p -> p.toString().endsWith(".tseg")).sorted().toList());
        }
    }

    private static void flipByte(Path file, long at) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5a);
        }
    }

    static Map<String, float[]> decompress(TestIndex fx) {
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(fx.uri());
        Manifest m = new ManifestStore(conf, layout).readLatest();
        Map<String, float[]> out = new HashMap<>();
        for (var shard : m.shards()) {
            ShardReader.read(conf, layout, shard, ShardSpec.of(m.settings()), row -> out.put(row.docId(),
                    fx.codec.decompress(row.decodeCodes(m.settings().numCentroids()), row.residuals())));
        }
        return out;
    }
}
