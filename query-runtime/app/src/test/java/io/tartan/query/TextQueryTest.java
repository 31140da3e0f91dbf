package io.tartan.query;

import io.tartan.encoders.TokenEncoder;
import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.cli.SearchCommand;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Text queries through the bundled e5-small-v2 encoder (a sentence model, not ColBERT-trained). */
class TextQueryTest {
    @TempDir
    Path dir;

    @Test
    void textQueriesAreEncodedAndSearched() {
        List<String> docs = List.of(
                "The cat sat on the warm windowsill and purred.",
                "Stock markets fell sharply after the interest rate decision.",
                "A recipe for sourdough bread with a crisp crust.",
                "The spacecraft entered orbit around Jupiter's largest moon.",
                "Photosynthesis converts sunlight, water and carbon dioxide into sugar.",
                "The violinist performed a sonata by Brahms at the concert hall.");
        try (ModelQueryEncoder enc = ModelQueryEncoder.open(null)) {
            TokenEncoder te = enc.encoder();
            float[][] vecs = te.encodeDocuments(docs).stream().map(e -> e.vectors().clone()).toArray(float[][]::new);
            int dim = enc.dim();
            float[] all = Arrays.stream(vecs).reduce(new float[0], TextQueryTest::concat);
            int k = 16;
            float[] centroids = Arrays.copyOf(all, k * dim);
            ResidualCodec codec = ResidualCodec.train(dim, 2, centroids, all, null);
            IndexSettings settings = new IndexSettings(dim, 2, k, 64, 32, enc.encoderId(), null, IndexSettings.MAXSIM_COSINE);
            String uri = dir.resolve("idx").toUri().toString();
            try (LocalIndexWriter w = new LocalIndexWriter(new Configuration(), new IndexLayout(uri), settings, codec, 10)) {
                for (int d = 0; d < docs.size(); d++) {
                    w.add("d" + d, vecs[d], null);
                }
                w.commit(Map.of());
            }
            try (TartanIndex index = TartanIndex.open(uri)) {
                index.withEncoder(new QueryEncoder() { // borrowed: the outer try closes the model
                    @Override
                    public float[] encodeQuery(String text) {
                        return enc.encodeQuery(text);
                    }

                    @Override
                    public int dim() {
                        return enc.dim();
                    }

                    @Override
                    public String encoderId() {
                        return enc.encoderId();
                    }
                });
                SearchResult r = index.search("bread baking recipe", 3, SearchParams.defaults().withNcells(16));
                assertEquals("d2", r.hits().get(0).docId(), r.toString());
                assertEquals("d3", index.search("moons of Jupiter and space probes", 1, null).hits().get(0).docId());
            }
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            PrintStream old = System.out;
            System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
            try {
                assertEquals(0, SearchCommand.run("--index", uri, "--query", "a cat purring", "-k", "2", "--json"));
            } finally {
                System.setOut(old);
            }
            assertTrue(buf.toString(StandardCharsets.UTF_8).contains("\"doc_id\":\"d0\""), buf.toString(StandardCharsets.UTF_8));
        }
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
