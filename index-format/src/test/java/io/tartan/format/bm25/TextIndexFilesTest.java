package io.tartan.format.bm25;

import io.tartan.format.IndexFormatException;
import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.snapshot.Rollback;
import io.tartan.format.snapshot.SnapshotTransaction;
import io.tartan.format.testing.SampleIndex;
import io.tartan.format.TestVectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.lucene.index.DirectoryReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The per-shard text index files (FORMAT.md section 11) and how snapshots list them. */
class TextIndexFilesTest {
    @TempDir
    Path dir;
    final Configuration conf = new Configuration();

    @Test
    void aWrittenTextIndexReadsBackInPidOrderWithTextAndMetadata() throws Exception {
        IndexLayout layout = new IndexLayout(dir.toUri().toString());
        DataFile f;
        try (TextIndexWriter w = new TextIndexWriter(true, TextAnalysis.ENGLISH)) {
            w.add(new TextIndexDoc(3, "a", "Zebrafish regenerate hearts", Map.of("year", "2020", "lang", "en")));
            w.add(new TextIndexDoc(5, "b", "Glaciers carve valleys", null));
            assertThrows(IllegalArgumentException.class, () -> w.add(new TextIndexDoc(4, "c", "late", null)));
            f = w.finish(conf, layout, "data/x.bm25.zip");
        }
        assertEquals(DataFile.TEXT_INDEX, f.content());
        assertEquals(2, f.recordCount());
        assertEquals(3, f.minPid());
        assertEquals(5, f.maxPid());
        byte[] bytes = IndexFiles.readVerified(conf, layout.resolve(f.path()), f.sizeBytes(), f.checksum());
        try (DirectoryReader r = TextIndexFile.open(bytes, f.path())) {
            assertTrue(TextIndexFile.hasText(r));
            assertArrayEquals(new long[] {3, 5}, TextIndexFile.pids(r, f.path()));
            List<TextIndexDoc> docs = TextIndexFile.documents(r, f.path());
            assertEquals(new TextIndexDoc(3, "a", "Zebrafish regenerate hearts", Map.of("year", "2020", "lang", "en")),
                    docs.get(0));
            assertNull(docs.get(1).metadata());
        }
        IndexFormatException e = assertThrows(IndexFormatException.class,
                () -> TextIndexFile.open(new byte[] {1, 2, 3}, "data/bad.bm25.zip"));
        assertTrue(e.getMessage().contains("data/bad.bm25.zip"), e.getMessage());
    }

    @Test
    void aMetadataOnlyIndexHasNoBody() throws Exception {
        try (TextIndexWriter w = new TextIndexWriter(false, TextAnalysis.ENGLISH)) {
            w.add(new TextIndexDoc(0, "a", null, Map.of("k", "v")));
            DataFile f = w.finish(conf, new IndexLayout(dir.toUri().toString()), "data/m.bm25.zip");
            byte[] bytes = IndexFiles.readAll(conf, new IndexLayout(dir.toUri().toString()).resolve(f.path()));
            try (DirectoryReader r = TextIndexFile.open(bytes, f.path())) {
                assertFalse(TextIndexFile.hasText(r));
                assertNull(TextIndexFile.documents(r, f.path()).get(0).text());
            }
        }
    }

    @Test
    void snapshotsListOneTextIndexPerShardThroughAppendAndRollback() {
        IndexLayout layout = new IndexLayout(dir.resolve("idx").toUri().toString());
        Random rnd = new Random(3);
        float[] centroids = TestVectors.unitRows(rnd, SampleIndex.CENTROIDS, SampleIndex.DIM);
        ResidualCodec codec = ResidualCodec.train(SampleIndex.DIM, SampleIndex.NBITS, centroids,
                TestVectors.clustered(rnd, centroids, SampleIndex.DIM, 500, 0.5f, null), null);
        IndexSettings settings = new IndexSettings(SampleIndex.DIM, SampleIndex.NBITS, SampleIndex.CENTROIDS, 64, 32,
                "test", null, IndexSettings.MAXSIM_COSINE, IndexSettings.TEXT_BM25);
        Manifest v1;
        try (LocalIndexWriter w = new LocalIndexWriter(conf, layout, settings, codec, 4)) {
            for (int i = 0; i < 10; i++) {
                w.add("doc-" + i, "text of document " + i,
                        TestVectors.clustered(rnd, centroids, SampleIndex.DIM, 6, 0.5f, null), null);
            }
            assertThrows(IllegalArgumentException.class, () -> w.add("empty", " ",
                    TestVectors.clustered(rnd, centroids, SampleIndex.DIM, 6, 0.5f, null), null));
            v1 = w.commit(Map.of());
        }
        assertEquals(1, v1.formatMinorVersion(), "text indexes need format 1.1");
        assertEquals(3, v1.shards().size());
        assertEquals(3, v1.textIndexByShard().size());
        ManifestStore store = new ManifestStore(conf, layout);

        // deleting changes no file; the text indexes carry over
        Manifest v2 = SnapshotTransaction.on(conf, store, v1, Manifest.OP_DELETE).deletePids(new int[] {2}).commit();
        assertEquals(v1.textIndexes(), v2.textIndexes());
        // a manifest whose shard lost its text index is invalid
        Manifest broken = new Manifest(v2.formatVersion(), v2.formatMinorVersion(), 9, 9L, null, 0, "update",
                v2.settings(), v2.codec(), v2.shards(), v2.ivf(), v2.deletes(), v2.textIndexes().subList(0, 2),
                v2.summary(), Map.of());
        IndexFormatException e = assertThrows(IndexFormatException.class, () -> broken.validate("v9"));
        assertTrue(e.getMessage().contains("has no text index"), e.getMessage());

        Manifest v3 = Rollback.to(store, 1);
        assertEquals(v1.textIndexes(), v3.textIndexes());
        v3.validate("v3");
    }
}
