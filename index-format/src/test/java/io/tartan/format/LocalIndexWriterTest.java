package io.tartan.format;

import io.tartan.format.codec.CodecFile;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.Ivf;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.CommitConflictException;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardReader;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LocalIndexWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesAnIndexThatReadsBackExactly() {
        Random rnd = new Random(21);
        int dim = 64, k = 32;
        float[] centroids = TestVectors.unitRows(rnd, k, dim);
        ResidualCodec codec = ResidualCodec.train(dim, 2, centroids, TestVectors.clustered(rnd, centroids, dim, 3000, 0.5f, null), null);
        IndexSettings settings = new IndexSettings(dim, 2, k, 220, 32, "test-encoder", "sha256:00", IndexSettings.MAXSIM_COSINE);
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        Configuration conf = new Configuration();
        List<float[]> docs = new ArrayList<>();
        Manifest m;
        try (LocalIndexWriter w = new LocalIndexWriter(conf, layout, settings, codec, 40)) {
            for (int i = 0; i < 100; i++) {
                float[] d = TestVectors.clustered(rnd, centroids, dim, 5 + rnd.nextInt(40), 0.5f, null);
                docs.add(d);
                assertEquals(i, w.add("doc-" + i, d, Map.of("i", "" + i)));
            }
            assertFalse(Files.exists(dir.resolve("metadata")), "nothing visible before the commit");
            m = w.commit(Map.of("source", "test"));
        }
        assertEquals(3, m.shards().size());
        assertEquals(100, m.summary().liveDocuments());

        ManifestStore store = new ManifestStore(conf, layout);
        assertEquals(List.of(1L), store.versions());
        Manifest read = store.readLatest();
        assertEquals(m, read);

        DataFile cf = read.codec();
        ResidualCodec codecBack = CodecFile.read(IndexFiles.readVerified(conf, layout.resolve(cf.path()), cf.sizeBytes(), cf.checksum()), cf.path());
        DataFile ivfFile = read.ivf().get(0);
        Ivf ivf = IvfFile.read(IndexFiles.readVerified(conf, layout.resolve(ivfFile.path()), ivfFile.sizeBytes(), ivfFile.checksum()), ivfFile.path());
        List<ShardRow> rows = new ArrayList<>();
        for (DataFile s : read.shards()) {
            ShardReader.read(conf, layout, s, ShardSpec.of(read.settings()), rows::add);
        }
        assertEquals(100, rows.size());
        for (ShardRow r : rows) {
            int pid = (int) r.pid();
            int[] codes = r.decodeCodes(settings.numCentroids());
            float[] original = docs.get(pid);
            int[] assigned = codec.assign(original);
            java.util.Arrays.sort(assigned);
            assertArrayEquals(assigned, codes, "tokens are stored sorted by code");
            float[] dec = codecBack.decompress(codes, r.residuals());
            // a document's decompressed vectors score it nearly as its raw vectors do
            assertEquals(MaxSim.score(original, original, dim), MaxSim.score(original, dec, dim), 0.1 * codes.length);
            for (int c : codes) {
                int[] list = ivf.list(c);
                assertTrue(java.util.Arrays.binarySearch(list, pid) >= 0, "pid " + pid + " in IVF list " + c);
            }
        }
    }

    @Test
    void concurrentCommitsOfOneVersionHaveExactlyOneWinner() throws Exception {
        Configuration conf = new Configuration();
        ManifestStore store = new ManifestStore(conf, new IndexLayout(dir.toUri().toString()));
        Manifest m = io.tartan.format.manifest.ManifestJsonTest.sample(1);
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch go = new CountDownLatch(1);
        AtomicInteger wins = new AtomicInteger();
        AtomicInteger conflicts = new AtomicInteger();
        List<Future<?>> fs = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            fs.add(pool.submit(() -> {
                go.await();
                try {
                    store.commit(m);
                    wins.incrementAndGet();
                } catch (CommitConflictException e) {
                    conflicts.incrementAndGet();
                }
                return null;
            }));
        }
        go.countDown();
        for (Future<?> f : fs) {
            f.get();
        }
        pool.shutdown();
        assertEquals(1, wins.get());
        assertEquals(writers - 1, conflicts.get());
        assertEquals(m, store.readLatest());
        try (var files = Files.list(dir.resolve("metadata"))) {
            assertEquals(1, files.count(), "no temporary files left behind");
        }
    }

    @Test
    void readingAnEmptyLocationSaysSo() {
        ManifestStore store = new ManifestStore(new Configuration(), new IndexLayout(dir.resolve("nothing").toUri().toString()));
        assertTrue(store.versions().isEmpty());
        IndexFormatException e = assertThrows(IndexFormatException.class, store::readLatest);
        assertTrue(e.getMessage().contains("no index here"), e.getMessage());
    }
}
