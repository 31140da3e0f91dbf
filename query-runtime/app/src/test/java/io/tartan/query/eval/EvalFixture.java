package io.tartan.query.eval;

import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import org.apache.hadoop.conf.Configuration;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The evaluation fixture collection (test resources {@code io/tartan/query/eval/fixture/}): twelve documents whose
 * MaxSim scores against the fixture's queries are chosen by hand (see docs.tsv), written as a real index.
 *
 * <p>Every distinct token is itself a centroid and the codec's bucket for a zero residual has weight 0, so
 * compression is lossless here and every ranking, PLAID's and exact's, is the hand-computed one.
 */
final class EvalFixture {
    static final int DIM = 16;
    private static final String RESOURCES = "/io/tartan/query/eval/fixture/";

    private EvalFixture() {
    }

    /** Writes the index under {@code dir/index} and the queries and qrels beside it; returns {@code dir}. */
    static Path write(Path dir) {
        Map<String, float[]> docs = docs();
        Map<String, float[]> distinct = new LinkedHashMap<>();
        for (float[] m : docs.values()) {
            for (int t = 0; t < m.length / DIM; t++) {
                float[] row = java.util.Arrays.copyOfRange(m, t * DIM, (t + 1) * DIM);
                distinct.putIfAbsent(java.util.Arrays.toString(row), row);
            }
        }
        float[] centroids = new float[distinct.size() * DIM];
        int c = 0;
        for (float[] row : distinct.values()) {
            System.arraycopy(row, 0, centroids, c++ * DIM, DIM);
        }
        float[] avg = new float[DIM];
        java.util.Arrays.fill(avg, 0.1f);
        // a zero residual falls in bucket 1 (cutoffs -0.5 < 0 ≤ 0), whose weight is 0
        ResidualCodec codec = new ResidualCodec(DIM, 2, centroids, avg, new float[] {-0.5f, 0f, 0.5f},
                new float[] {-0.75f, 0f, 0.25f, 0.75f});
        IndexSettings settings = new IndexSettings(DIM, 2, distinct.size(), 8, 2, "eval-fixture", null,
                IndexSettings.MAXSIM_COSINE);
        String uri = dir.resolve("index").toUri().toString();
        try (LocalIndexWriter w = new LocalIndexWriter(new Configuration(), new IndexLayout(uri), settings, codec, 5)) {
            docs.forEach((id, m) -> w.add(id, m, null));
            w.commit(Map.of());
        }
        copy("queries.jsonl", dir);
        copy("qrels.tsv", dir);
        return dir;
    }

    static String indexUri(Path dir) {
        return dir.resolve("index").toUri().toString();
    }

    /** doc id → token matrix, from docs.tsv. */
    static Map<String, float[]> docs() {
        Map<String, float[]> out = new LinkedHashMap<>();
        for (String line : resource("docs.tsv").split("\n")) {
            if (line.startsWith("#") || line.startsWith("doc_id") || line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            List<float[]> tokens = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                double v = Double.parseDouble(f[1 + p]);
                if (v > 0) {
                    float[] t = new float[DIM];
                    t[p] = (float) v;
                    t[p + 8] = (float) Math.sqrt(1 - v * v);
                    tokens.add(t);
                }
            }
            float[] m = new float[tokens.size() * DIM];
            for (int i = 0; i < tokens.size(); i++) {
                System.arraycopy(tokens.get(i), 0, m, i * DIM, DIM);
            }
            out.put(f[0], m);
        }
        return out;
    }

    private static void copy(String name, Path dir) {
        try {
            Files.writeString(dir.resolve(name), resource(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = EvalFixture.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + RESOURCES + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
