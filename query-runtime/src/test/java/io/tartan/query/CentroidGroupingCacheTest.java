package io.tartan.query;

import io.tartan.format.kmeans.CentroidGrouping;
import io.tartan.query.search.CentroidGroups;
import io.tartan.query.segment.CentroidGroupingCache;
import io.tartan.query.segment.CentroidGroupingFile;
import io.tartan.query.segment.SegmentCache;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cached centroid grouping of FAST search's {@code ngroups} (FORMAT.md 10.4) on a real index and real cache
 * files: made once per codec, read back bit for bit, and rebuilt whenever the file does not check out.
 */
class CentroidGroupingCacheTest {
    @TempDir
    static Path dir;
    static TestIndex fixture;
    static float[] centroids;

    @BeforeAll
    static void build() {
        fixture = TestIndex.build(dir.resolve("idx"));
        try (TartanIndex index = TartanIndex.open(fixture.uri(), cacheAt(dir.resolve("scratch")))) {
            centroids = index.snapshot().centroids();
        }
    }

    private static OpenOptions cacheAt(Path cache) {
        return OpenOptions.defaults().withCacheDir(cache, false);
    }

    /** Opens the index on {@code cache}, makes its groups, and checks whether they were built or read. */
    private static CentroidGrouping groupsOf(Path cache, int wantBuilt) {
        try (TartanIndex index = TartanIndex.open(fixture.uri(), cacheAt(cache))) {
            CentroidGrouping g = index.snapshot().centroidGroups().grouping();
            CentroidGroupingCache c = index.centroidGroupingCache();
            assertEquals(wantBuilt, c.built(), "groupings built");
            assertEquals(1 - wantBuilt, c.opened(), "grouping files used");
            return g;
        }
    }

    private static Path onlyGroupingFile(Path cache) throws IOException {
        try (Stream<Path> files = Files.list(cache.resolve(SegmentCache.FOLDER))) {
            List<Path> g = files.filter(p -> p.getFileName().toString().endsWith(".tgrp")).toList();
            assertEquals(1, g.size(), "grouping files " + g);
            return g.get(0);
        }
    }

    private static void assertSameBits(CentroidGrouping want, CentroidGrouping got) {
        assertEquals(want.dim(), got.dim());
        int[] a = new int[want.centres().length];
        int[] b = new int[got.centres().length];
        Arrays.setAll(a, i -> Float.floatToRawIntBits(want.centres()[i]));
        Arrays.setAll(b, i -> Float.floatToRawIntBits(got.centres()[i]));
        assertArrayEquals(a, b, "centres");
        assertArrayEquals(want.groupOf(), got.groupOf(), "group of each centroid");
        assertArrayEquals(want.start(), got.start(), "group starts");
        assertArrayEquals(want.members(), got.members(), "members");
    }

    @Test
    void theFileGivesTheGroupsOfAFreshBuildBitForBit() throws IOException {
        Path cache = dir.resolve("bits");
        CentroidGrouping built = groupsOf(cache, 1);
        Path file = onlyGroupingFile(cache);
        String crc = String.format("%08x", CentroidGroupingFile.centroidsCrc(centroids));
        assertTrue(file.getFileName().toString().startsWith("centroids-" + crc + "-k" + TestIndex.CENTRES),
                file.toString());
        CentroidGrouping read = groupsOf(cache, 0);
        CentroidGrouping fresh = CentroidGrouping.of(centroids, TestIndex.DIM, 0, CentroidGroups.SEED);
        assertSameBits(fresh, built);
        assertSameBits(fresh, read);
        assertEquals(CentroidGrouping.defaultGroups(TestIndex.CENTRES), read.groups());
        assertEquals(CentroidGroupingFile.HEADER + 4L * read.groups() * TestIndex.DIM + 4L * TestIndex.CENTRES,
                Files.size(file));
    }

    @Test
    void searchGivesTheSameResultsFromTheFileAsFromABuild() {
        Path cache = dir.resolve("search");
        try (TartanIndex cold = TartanIndex.open(fixture.uri(), cacheAt(cache))) {
            cold.snapshot().centroidGroups();
            assertEquals(1, cold.centroidGroupingCache().built());
            try (TartanIndex warm = TartanIndex.open(fixture.uri(), cacheAt(cache))) {
                warm.snapshot().centroidGroups();
                assertEquals(0, warm.centroidGroupingCache().built());
                assertEquals(1, warm.centroidGroupingCache().opened());
                for (int i = 0; i < 20; i++) {
                    float[] q = fixture.query(i * 17 % TestIndex.DOCS, 17 + i % 16);
                    for (int ngroups : new int[] {1, 2, 3}) {
                        SearchParams p = SearchParams.defaults().withNgroups(ngroups);
                        assertEquals(cold.search(q, 10, p), warm.search(q, 10, p),
                                "query " + i + " ngroups " + ngroups);
                    }
                }
            }
        }
    }

    @Test
    void aCorruptTruncatedOrOtherVersionFileIsRebuiltNeverUsed() throws IOException {
        Path cache = dir.resolve("corrupt");
        CentroidGrouping want = groupsOf(cache, 1);
        Path file = onlyGroupingFile(cache);
        byte[] original = Files.readAllBytes(file);
        List<Consumer<Path>> damage = new ArrayList<>();
        damage.add(p -> flipByte(p, 24)); // the algorithm version: the header checksum catches it
        damage.add(p -> flipByte(p, original.length - 3)); // a group id: only the body checksum sees it
        damage.add(p -> flipByte(p, CentroidGroupingFile.HEADER + 5)); // a centre
        damage.add(p -> setLength(p, original.length - 4));
        damage.add(p -> setLength(p, 10));
        damage.add(p -> rewriteHeaderInt(p, 4, CentroidGroupingFile.VERSION + 1)); // another layout, checksums valid
        damage.add(p -> rewriteHeaderInt(p, 24, CentroidGrouping.ALGORITHM_VERSION + 1)); // another k-means
        damage.add(p -> rewriteHeaderInt(p, 8, 0x12345678)); // the grouping of other centroids
        damage.add(p -> rewriteHeaderInt(p, 40, 0)); // a body checksum that does not match the body
        for (int i = 0; i < damage.size(); i++) {
            damage.get(i).accept(file);
            assertSameBits(want, groupsOf(cache, 1));
            assertArrayEquals(original, Files.readAllBytes(file), "damage " + i + ": rewritten byte for byte");
        }
        assertSameBits(want, groupsOf(cache, 0));
    }

    /**
     * A grouping of other centroids, or made with other parameters, under this one's name is not trusted either.
     * The other centroids differ in one value only: same shape, and a codec file of the same size, whose manifest
     * checksum would be the same too (an envelope file ends with its own CRC32C, FORMAT.md section 5).
     */
    @Test
    void aFileOfOtherCentroidsOrOtherParametersIsRebuilt() throws IOException {
        Path cache = dir.resolve("other");
        CentroidGrouping want = groupsOf(cache, 1);
        Path file = onlyGroupingFile(cache);
        byte[] original = Files.readAllBytes(file);
        float[] other = centroids.clone();
        other[5] = Math.nextUp(other[5]);
        CentroidGroupingCache direct = new CentroidGroupingCache(cache);
        for (Runnable make : List.<Runnable>of(
                () -> direct.grouping(other, TestIndex.DIM, 0, CentroidGroups.SEED),
                () -> direct.grouping(centroids, TestIndex.DIM, 0, CentroidGroups.SEED + 1),
                () -> direct.grouping(centroids, TestIndex.DIM, 4, CentroidGroups.SEED))) {
            make.run();
            Path made;
            try (Stream<Path> files = Files.list(file.getParent())) {
                made = files.filter(p -> p.toString().endsWith(".tgrp") && !p.equals(file)).findFirst().orElseThrow();
            }
            Files.move(made, file, StandardCopyOption.REPLACE_EXISTING);
            assertSameBits(want, groupsOf(cache, 1));
            assertArrayEquals(original, Files.readAllBytes(file));
        }
        assertEquals(3, direct.built());
    }

    /** Processes opening one cache at once each write a whole file or read one; none sees a partial file. */
    @Test
    void concurrentOpenersAllGetTheSameGroupsAndLeaveOneWholeFile() throws Exception {
        Path cache = dir.resolve("concurrent");
        CentroidGrouping want = CentroidGrouping.of(centroids, TestIndex.DIM, 0, CentroidGroups.SEED);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<CentroidGrouping>> got = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                // a cache object each: as separate processes, nothing shared but the directory
                got.add(pool.submit(() -> new CentroidGroupingCache(cache).grouping(centroids, TestIndex.DIM, 0,
                        CentroidGroups.SEED)));
            }
            for (Future<CentroidGrouping> f : got) {
                assertSameBits(want, f.get());
            }
        } finally {
            pool.shutdown();
        }
        try (Stream<Path> files = Files.list(cache.resolve(SegmentCache.FOLDER))) {
            assertEquals(List.of(".tgrp"), files.map(p -> p.getFileName().toString())
                    .map(n -> n.substring(n.lastIndexOf('.'))).toList(), "one grouping file, no temporary left");
        }
        assertSameBits(want, groupsOf(cache, 0));
    }

    /** A cache that cannot be written costs the next start the k-means, not this query. */
    @Test
    void anUnwritableCacheStillGivesTheGroups() throws IOException {
        Path cache = Files.createDirectories(dir.resolve("unwritable"));
        Files.writeString(cache.resolve(SegmentCache.FOLDER), "a file where the folder should be");
        CentroidGroupingCache c = new CentroidGroupingCache(cache);
        assertSameBits(CentroidGrouping.of(centroids, TestIndex.DIM, 0, CentroidGroups.SEED),
                c.grouping(centroids, TestIndex.DIM, 0, CentroidGroups.SEED));
        assertEquals(1, c.built());
    }

    private static void flipByte(Path p, long at) {
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.seek(at);
            int b = raf.read();
            raf.seek(at);
            raf.write(b ^ 0x5a);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void setLength(Path p, long length) {
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(length);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Sets a header field and recomputes the header checksum, so only the field's own check can catch it. */
    private static void rewriteHeaderInt(Path p, int at, int value) {
        try {
            byte[] b = Files.readAllBytes(p);
            ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
            buf.putInt(at, value);
            CRC32C crc = new CRC32C();
            crc.update(b, 0, CentroidGroupingFile.HEADER - 4);
            buf.putInt(CentroidGroupingFile.HEADER - 4, (int) crc.getValue());
            Files.write(p, b);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
