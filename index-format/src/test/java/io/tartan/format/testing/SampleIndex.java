package io.tartan.format.testing;

import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.TestVectors;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import org.apache.hadoop.conf.Configuration;

import java.util.Map;
import java.util.Random;

/**
 * A small, fully deterministic index (same seed → same documents, codec and therefore the same shard bytes), for tests
 * that write one index to two places (a local directory and {@code s3a://}) and compare what reads back.
 */
public final class SampleIndex {
    public static final int DIM = 32;
    public static final int NBITS = 2;
    public static final int CENTROIDS = 16;

    private SampleIndex() {
    }

    /** Writes {@code docs} documents (5–24 tokens each) in shards of {@code docsPerShard} and commits version 1. */
    public static Manifest write(Configuration conf, IndexLayout layout, long seed, int docs, int docsPerShard) {
        Random rnd = new Random(seed);
        float[] centroids = TestVectors.unitRows(rnd, CENTROIDS, DIM);
        ResidualCodec codec = ResidualCodec.train(DIM, NBITS, centroids,
                TestVectors.clustered(rnd, centroids, DIM, 1000, 0.5f, null), null);
        IndexSettings settings = new IndexSettings(DIM, NBITS, CENTROIDS, 220, 32, "test-encoder", "sha256:00",
                IndexSettings.MAXSIM_COSINE);
        try (LocalIndexWriter w = new LocalIndexWriter(conf, layout, settings, codec, docsPerShard)) {
            for (int i = 0; i < docs; i++) {
                w.add("doc-" + i, TestVectors.clustered(rnd, centroids, DIM, 5 + rnd.nextInt(20), 0.5f, null),
                        Map.of("n", Integer.toString(i)));
            }
            return w.commit(Map.of("source", "SampleIndex"));
        }
    }
}
