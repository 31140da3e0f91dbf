package io.tartan.query;

import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.format.io.Checksums;
import io.tartan.format.io.IndexFiles;
import io.tartan.format.ivf.IvfBuilder;
import io.tartan.format.ivf.IvfFile;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.shard.ShardRow;
import io.tartan.format.shard.ShardSpec;
import io.tartan.format.shard.ShardWriter;
import io.tartan.format.snapshot.SnapshotTransaction;
import org.apache.hadoop.conf.Configuration;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A small real index for tests: documents of unit vectors scattered around known cluster centres (the centres are
 * the codec's centroids), and queries built like gen_synth.py's: most tokens near the centres of a target document.
 */
final class TestIndex {
    static final int DIM = 32;
    static final int CENTRES = 64;
    static final int DOCS = 400;

    final Path root;
    final float[] centres;
    final float[][] docs;
    final int[][] docCentres;
    final ResidualCodec codec;
    final Random rnd = new Random(11);

    private TestIndex(Path root, float[] centres, float[][] docs, int[][] docCentres, ResidualCodec codec) {
        this.root = root;
        this.centres = centres;
        this.docs = docs;
        this.docCentres = docCentres;
        this.codec = codec;
    }

    static TestIndex build(Path root) {
        return build(root, 70);
    }

    /** As {@link #build(Path)}, with {@code shardDocs} documents a shard. */
    static TestIndex build(Path root, int shardDocs) {
        return build(root, shardDocs, false);
    }

    /**
     * With {@code text}, the index has BM25 text indexes: document d's text names its cluster centres
     * ({@link #text}), its metadata is {@code lang} ("en" for even d, "fr" for odd) and {@code year} (2000 + d % 30).
     */
    static TestIndex build(Path root, int shardDocs, boolean text) {
        return build(root, shardDocs, text, false);
    }

    /**
     * As {@link #build(Path)}, but documents {@code DOCS/2 …} are twins of documents {@code 0 …} (the same vectors,
     * so the same scores for any query): ties that only the pid breaks.
     */
    static TestIndex buildWithTwins(Path root) {
        return build(root, 70, false, true);
    }

    private static TestIndex build(Path root, int shardDocs, boolean text, boolean twins) {
        Random rnd = new Random(7);
        float[] centres = unitRows(rnd, CENTRES, DIM);
        float[][] docs = new float[DOCS][];
        int[][] docCentres = new int[DOCS][];
        for (int d = 0; d < DOCS; d++) {
            if (twins && d >= DOCS / 2) {
                docCentres[d] = docCentres[d - DOCS / 2];
                docs[d] = docs[d - DOCS / 2];
                continue;
            }
            int len = 8 + rnd.nextInt(25);
            docCentres[d] = new int[6];
            for (int j = 0; j < 6; j++) {
                docCentres[d][j] = rnd.nextInt(CENTRES);
            }
            docs[d] = near(rnd, centres, docCentres[d], len, 0.7f);
        }
        float[] sample = new float[0];
        for (int d = 0; d < 100; d++) {
            sample = concat(sample, docs[d]);
        }
        ResidualCodec codec = ResidualCodec.train(DIM, 2, centres, sample, null);
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(root.toUri().toString());
        IndexSettings settings = new IndexSettings(DIM, 2, CENTRES, 64, 32, "test", null, IndexSettings.MAXSIM_COSINE,
                text ? IndexSettings.TEXT_BM25 : null);
        try (LocalIndexWriter w = new LocalIndexWriter(conf, layout, settings, codec, shardDocs)) {
            for (int d = 0; d < DOCS; d++) {
                if (text) {
                    w.add(docId(d), text(docCentres[d], d), docs[d], metadata(d));
                } else {
                    w.add(docId(d), docs[d], null);
                }
            }
            w.commit(Map.of());
        }
        return new TestIndex(root, centres, docs, docCentres, codec);
    }

    /** The text of a document about the given centres: a word per centre, and a word only it has. */
    static String text(int[] centres, int d) {
        StringBuilder sb = new StringBuilder("document about");
        for (int c : centres) {
            sb.append(" topic").append(c);
        }
        return sb.append(" uniqueword").append(d).toString();
    }

    static Map<String, String> metadata(int d) {
        return Map.of("lang", d % 2 == 0 ? "en" : "fr", "year", Integer.toString(2000 + d % 30));
    }

    static String docId(int d) {
        return "doc-" + d;
    }

    String uri() {
        return root.toUri().toString();
    }

    /** A query of {@code nq} tokens around the centres of document {@code target}. */
    float[] query(int target, int nq) {
        int[] cs = new int[nq];
        for (int i = 0; i < nq; i++) {
            cs[i] = i < nq * 2 / 3 ? docCentres[target][rnd.nextInt(6)] : rnd.nextInt(CENTRES);
        }
        return near(rnd, centres, cs, nq, 0.8f);
    }

    /** Commits a new snapshot deleting {@code pids}; returns its manifest. */
    Manifest delete(int... pids) {
        Configuration conf = new Configuration();
        ManifestStore store = new ManifestStore(conf, new IndexLayout(uri()));
        return SnapshotTransaction.on(conf, store, store.readLatest(), Manifest.OP_DELETE).deletePids(pids).commit();
    }

    /**
     * Commits a new snapshot appending one shard of {@code n} new documents (ids {@code new-<pid>}, vectors near the
     * centres like the others) and its IVF delta, as an append job does; returns its manifest.
     */
    Manifest append(int n) {
        Configuration conf = new Configuration();
        IndexLayout layout = new IndexLayout(uri());
        ManifestStore store = new ManifestStore(conf, layout);
        Manifest base = store.readLatest();
        IvfBuilder ivf = new IvfBuilder(CENTRES);
        DataFile shard;
        try (ShardWriter w = ShardWriter.create(conf, layout, IndexLayout.newShardPath("append"), ShardSpec.of(base.settings()))) {
            for (int i = 0; i < n; i++) {
                int[] pick = {rnd.nextInt(CENTRES), rnd.nextInt(CENTRES), rnd.nextInt(CENTRES)};
                ResidualCodec.Compressed c = codec.compress(near(rnd, centres, pick, 8 + rnd.nextInt(20), 0.7f));
                long pid = base.summary().nextPid() + i;
                w.write(ShardRow.of(pid, "new-" + pid, c, 1, null));
                ivf.addDocument((int) pid, c.codes());
            }
            shard = w.finish();
        }
        byte[] bytes = IvfFile.write(ivf.build());
        String rel = IndexLayout.newIvfPath();
        IndexFiles.writeNew(conf, layout.resolve(rel), bytes);
        DataFile ivfFile = DataFile.of(rel, DataFile.IVF, bytes.length, CENTRES, 0, Checksums.crc32c(bytes));
        return SnapshotTransaction.on(conf, store, base, Manifest.OP_APPEND).addShards(List.of(shard)).addIvf(ivfFile).commit();
    }

    private static float[] near(Random rnd, float[] centres, int[] pick, int n, float noise) {
        float[] m = new float[n * DIM];
        float sigma = (float) (noise / Math.sqrt(DIM));
        for (int t = 0; t < n; t++) {
            int c = pick[t % pick.length];
            if (pick.length < n) {
                c = pick[rnd.nextInt(pick.length)];
            }
            for (int d = 0; d < DIM; d++) {
                m[t * DIM + d] = centres[c * DIM + d] + sigma * (float) rnd.nextGaussian();
            }
        }
        normalize(m);
        return m;
    }

    static float[] unitRows(Random rnd, int n, int dim) {
        float[] m = new float[n * dim];
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) rnd.nextGaussian();
        }
        normalize(m);
        return m;
    }

    private static void normalize(float[] m) {
        for (int r = 0; r < m.length / DIM; r++) {
            double s = 0;
            for (int d = 0; d < DIM; d++) {
                s += m[r * DIM + d] * m[r * DIM + d];
            }
            float inv = (float) (1 / Math.sqrt(s));
            for (int d = 0; d < DIM; d++) {
                m[r * DIM + d] *= inv;
            }
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
