package io.tartan.format.s3;

import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.testing.S3MockServer;
import io.tartan.format.testing.SampleIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An index written to {@code s3a://} reads back exactly as the same index written to a local directory. */
@Tag("slow")
class S3IndexRoundTripTest {
    private static final long SEED = 5;
    private static S3MockServer s3;

    @BeforeAll
    static void startServer() {
        s3 = S3MockServer.start();
    }

    @AfterAll
    static void stopServer() {
        if (s3 != null) {
            s3.close();
        }
    }

    @Test
    void indexOnS3ReadsBackLikeTheSameIndexOnLocalDisk(@TempDir Path dir) {
        Configuration conf = s3.hadoopConf();
        IndexLayout local = new IndexLayout(dir.toUri().toString());
        IndexLayout remote = new IndexLayout("s3a://b1/idx1");
        SampleIndex.write(conf, local, SEED, 120, 50);
        SampleIndex.write(conf, remote, SEED, 120, 50);

        IndexContents want = IndexContents.read(conf, local);
        IndexContents got = IndexContents.read(conf, remote);

        assertEquals(List.of(1L), new ManifestStore(conf, remote).versions());
        assertEquals(want.manifest().settings(), got.manifest().settings());
        assertEquals(want.manifest().summary(), got.manifest().summary());
        assertEquals(3, got.manifest().shards().size());
        // Parquet output is deterministic, so equal sizes and checksums mean byte-identical shards
        for (int i = 0; i < want.manifest().shards().size(); i++) {
            assertSameFile(want.manifest().shards().get(i), got.manifest().shards().get(i));
        }
        assertSameFile(want.manifest().codec(), got.manifest().codec());
        assertSameFile(want.manifest().ivf().get(0), got.manifest().ivf().get(0));

        assertArrayEquals(want.codec().centroids(), got.codec().centroids());
        assertArrayEquals(want.codec().avgResidual(), got.codec().avgResidual());
        assertArrayEquals(want.codec().bucketCutoffs(), got.codec().bucketCutoffs());
        assertArrayEquals(want.codec().bucketWeights(), got.codec().bucketWeights());
        assertEquals(want.ivf(), got.ivf());

        assertEquals(120, got.rows().size());
        for (int i = 0; i < want.rows().size(); i++) {
            ShardRow w = want.rows().get(i);
            ShardRow g = got.rows().get(i);
            assertEquals(w.pid(), g.pid());
            assertEquals(w.docId(), g.docId());
            assertEquals(w.doclen(), g.doclen());
            assertArrayEquals(w.codes(), g.codes(), "codes of " + w.docId());
            assertArrayEquals(w.residuals(), g.residuals(), "residuals of " + w.docId());
            assertEquals(w.metadata(), g.metadata());
        }

        // the bucket holds exactly the files the manifest lists plus the manifest: no temporaries, no renames
        List<String> keys = s3.list("b1", "idx1");
        assertEquals(got.manifest().allFiles().size() + 1, keys.size(), keys.toString());
        assertTrue(keys.contains("idx1/metadata/v1.manifest.json"), keys.toString());
        for (DataFile f : got.manifest().allFiles()) {
            assertTrue(keys.contains("idx1/" + f.path()), f.path() + " in " + keys);
        }
    }

    private static void assertSameFile(DataFile want, DataFile got) {
        assertEquals(want.content(), got.content());
        assertEquals(want.sizeBytes(), got.sizeBytes(), got.path());
        assertEquals(want.checksum(), got.checksum(), got.path());
        assertEquals(want.recordCount(), got.recordCount(), got.path());
        assertEquals(want.tokenCount(), got.tokenCount(), got.path());
    }
}
