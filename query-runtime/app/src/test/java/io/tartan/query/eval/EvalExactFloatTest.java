package io.tartan.query.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.encoders.DocumentText;
import io.tartan.encoders.TokenEncoder;
import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.MaxSim;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.SearchHit;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.EvalCommand;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code tartan eval --exact-float}: the corpus encoded again with the index's encoder and ranked by exact MaxSim over
 * the uncompressed vectors, beside the exhaustive search over the (1-bit, so visibly lossy) index.
 */
class EvalExactFloatTest {
    private static final String[][] DOCS = {
            {"Cats", "The cat sat on the warm windowsill and purred."},
            {"", "Stock markets fell sharply after the interest rate decision."},
            {"Sourdough", "A recipe for sourdough bread with a crisp crust."},
            {"Jupiter", "The spacecraft entered orbit around Jupiter's largest moon."},
            {"", "Photosynthesis converts sunlight, water and carbon dioxide into sugar."},
            {"Concert", "The violinist performed a sonata by Brahms at the concert hall."}};

    @TempDir
    static Path dir;
    static String uri;
    static Path corpus;

    @BeforeAll
    static void buildIndexAndCorpus() throws Exception {
        uri = dir.resolve("idx").toUri().toString();
        List<String> lines = new ArrayList<>();
        try (ModelQueryEncoder enc = ModelQueryEncoder.open(null)) {
            TokenEncoder te = enc.encoder();
            List<String> texts = Arrays.stream(DOCS).map(d -> DocumentText.join(d[0], d[1])).toList();
            List<float[]> vecs = te.encodeDocuments(texts).stream().map(e -> e.vectors().clone()).toList();
            int dim = enc.dim();
            float[] all = vecs.stream().reduce(new float[0], EvalExactFloatTest::concat);
            int k = 8;
            ResidualCodec codec = ResidualCodec.train(dim, 1, Arrays.copyOf(all, k * dim), all, null);
            IndexSettings settings = new IndexSettings(dim, 1, k, te.docMaxlen(), te.queryMaxlen(), te.encoderId(),
                    te.checksum(), IndexSettings.MAXSIM_COSINE);
            try (LocalIndexWriter w = new LocalIndexWriter(new Configuration(), new IndexLayout(uri), settings, codec, 10)) {
                for (int d = 0; d < DOCS.length; d++) {
                    w.add("d" + d, vecs.get(d), null);
                }
                w.commit(Map.of());
            }
        }
        ObjectMapper json = new ObjectMapper();
        for (int d = 0; d < DOCS.length; d++) {
            lines.add(json.writeValueAsString(Map.of("id", "d" + d, "title", DOCS[d][0], "text", DOCS[d][1])));
        }
        lines.add("{\"id\": \"not-indexed\", \"text\": \"A document the index never saw.\"}");
        lines.add("{\"id\": \"broken\", \"text\": ");
        corpus = Files.write(dir.resolve("corpus.jsonl"), lines);
    }

    @Test
    void exactFloatReportsTheSameMetricsAsTheExhaustiveSearchAndCountsTheCorpus() throws Exception {
        Path queries = Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "bread baking recipe"}
                {"_id": "q2", "text": "moons of Jupiter and space probes"}
                """);
        Path qrels = Files.writeString(dir.resolve("qrels.tsv"), "query_id\tdoc_id\tscore\nq1\td2\t1\nq2\td3\t1\n");
        Path out = dir.resolve("eval.json");
        assertEquals(0, EvalCommand.run("--index", uri, "--queries", queries.toString(), "--qrels", qrels.toString(),
                "--exhaustive", "--exact-float", "--corpus", corpus.toString(), "--json", out.toString(),
                "--ncells", "8"));
        JsonNode n = new ObjectMapper().readTree(Files.readString(out));
        List<String> exactKeys = new ArrayList<>();
        n.get("exact").fieldNames().forEachRemaining(exactKeys::add);
        List<String> floatKeys = new ArrayList<>();
        n.get("exact_float").fieldNames().forEachRemaining(floatKeys::add);
        assertEquals(exactKeys, floatKeys);
        for (String key : List.of("ndcg@10", "mrr@10", "recall@100")) {
            assertEquals(1.0, n.get("exact_float").get(key).asDouble(), 1e-9, key);
        }
        assertTrue(n.get("exact_float").get("latency_p50_ms").asDouble() > 0);
        JsonNode docs = n.get("exact_float_documents");
        assertEquals(6, docs.get("scored").asInt());
        assertEquals(1, docs.get("not_in_index").asInt());
        assertEquals(1, docs.get("rejected_lines").asInt(), "the broken line is skipped and counted");
        assertEquals(0, docs.get("index_documents_missing_from_corpus").asInt());
    }

    @Test
    void rankingIsExactMaxSimOverTheEncodersVectorsNotTheIndexs() throws Exception {
        try (TartanIndex idx = TartanIndex.open(uri); ModelQueryEncoder enc = ModelQueryEncoder.open(null);
                TokenEncoder docs = FloatCorpusRanker.documentEncoder(null, idx.snapshot().manifest().settings())) {
            int dim = enc.dim();
            float[] q = enc.encodeQuery("a musician playing classical music");
            List<float[]> vecs = docs.encodeDocuments(Arrays.stream(DOCS).map(d -> DocumentText.join(d[0], d[1]))
                    .toList()).stream().map(e -> e.vectors()).toList();
            float[] scores = new float[DOCS.length];
            for (int d = 0; d < DOCS.length; d++) {
                scores[d] = MaxSim.score(q, vecs.get(d), dim);
            }
            List<String> expected = IntStream.range(0, DOCS.length).boxed()
                    .sorted(Comparator.comparingDouble((Integer d) -> -scores[d])).map(d -> "d" + d).toList();

            FloatCorpusRanker.Result r = new FloatCorpusRanker(docs, idx.snapshot()).rank(corpus, List.of(q), 10,
                    reject -> { });
            assertEquals(expected, r.rankings().get(0));
            // the 1-bit index scores them differently: what --exact-float measures is not the index again
            assertTrue(differs(idx.searchExact(q, 10).hits(), scores), "the index's exhaustive scores are lossy");
        }
    }

    @Test
    void theReEncodeLogsProgressWithCountRateAndEta() throws Exception {
        try (TartanIndex idx = TartanIndex.open(uri); ModelQueryEncoder enc = ModelQueryEncoder.open(null);
                TokenEncoder docs = FloatCorpusRanker.documentEncoder(null, idx.snapshot().manifest().settings())) {
            List<String> lines = new ArrayList<>();
            new FloatCorpusRanker(docs, idx.snapshot(), 0, lines::add).rank(corpus,
                    List.of(enc.encodeQuery("bread")), 10, reject -> { });
            assertTrue(lines.size() >= 2, lines.toString());
            assertTrue(lines.get(0).matches("exact-float: 6/6 documents encoded and scored in \\d+ s \\(\\d+/s\\), ETA \\d+ s"),
                    lines.get(0));
            assertTrue(lines.get(lines.size() - 1).matches("exact-float: 6 documents encoded and scored in \\d+ s \\(\\d+/s\\), done"),
                    lines.toString());
        }
    }

    @Test
    void exactFloatNeedsTheCorpusAndTheIndexsEncoder() throws Exception {
        Path queries = Files.writeString(dir.resolve("q.jsonl"), "{\"_id\": \"q1\", \"text\": \"bread\"}\n");
        Path qrels = Files.writeString(dir.resolve("r.tsv"), "q1\td2\t1\n");
        assertEquals(1, EvalCommand.run("--index", uri, "--queries", queries.toString(), "--qrels", qrels.toString(),
                "--exact-float"));
        IndexSettings other = new IndexSettings(384, 1, 8, 0, 32, "other", "sha256:00", IndexSettings.MAXSIM_COSINE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatCorpusRanker.documentEncoder(null, other));
        assertTrue(e.getMessage().contains("--model-config"), e.getMessage());
    }

    private static boolean differs(List<SearchHit> fromIndex, float[] floatScores) {
        for (SearchHit h : fromIndex) {
            if (Math.abs(h.score() - floatScores[Integer.parseInt(h.docId().substring(1))]) > 1e-4) {
                return true;
            }
        }
        return false;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
