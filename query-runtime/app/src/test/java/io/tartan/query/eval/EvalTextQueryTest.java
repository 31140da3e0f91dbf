package io.tartan.query.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.encoders.TokenEncoder;
import io.tartan.format.IndexLayout;
import io.tartan.format.LocalIndexWriter;
import io.tartan.format.codec.ResidualCodec;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.cli.EvalCommand;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BEIR-style text queries through the bundled e5-small-v2 encoder, end to end through {@code tartan eval}. */
class EvalTextQueryTest {
    @TempDir
    Path dir;

    @Test
    void textQueriesAreEncodedWithTheBundledModel() throws Exception {
        List<String> docs = List.of(
                "The cat sat on the warm windowsill and purred.",
                "Stock markets fell sharply after the interest rate decision.",
                "A recipe for sourdough bread with a crisp crust.",
                "The spacecraft entered orbit around Jupiter's largest moon.",
                "Photosynthesis converts sunlight, water and carbon dioxide into sugar.",
                "The violinist performed a sonata by Brahms at the concert hall.");
        String uri = dir.resolve("idx").toUri().toString();
        try (ModelQueryEncoder enc = ModelQueryEncoder.open(null)) {
            TokenEncoder te = enc.encoder();
            List<float[]> vecs = te.encodeDocuments(docs).stream().map(e -> e.vectors().clone()).toList();
            int dim = enc.dim();
            int tokens = vecs.stream().mapToInt(v -> v.length).sum();
            float[] all = new float[tokens];
            int off = 0;
            for (float[] v : vecs) {
                System.arraycopy(v, 0, all, off, v.length);
                off += v.length;
            }
            int k = 16;
            ResidualCodec codec = ResidualCodec.train(dim, 2, java.util.Arrays.copyOf(all, k * dim), all, null);
            IndexSettings settings = new IndexSettings(dim, 2, k, 64, 32, enc.encoderId(), null, IndexSettings.MAXSIM_COSINE);
            try (LocalIndexWriter w = new LocalIndexWriter(new Configuration(), new IndexLayout(uri), settings, codec, 10)) {
                for (int d = 0; d < docs.size(); d++) {
                    w.add("d" + d, vecs.get(d), null);
                }
                w.commit(Map.of());
            }
        }
        Path queries = Files.writeString(dir.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "bread baking recipe"}
                {"_id": "q2", "text": "moons of Jupiter and space probes"}
                {"_id": "q3", "text": "   "}
                {"_id": "q4", "text": "a question nobody judged"}
                """);
        Path qrels = Files.writeString(dir.resolve("qrels.tsv"), "query_id\tdoc_id\tscore\nq1\td2\t1\nq2\td3\t1\nq3\td0\t1\n");
        Path out = dir.resolve("eval.json");
        assertEquals(0, EvalCommand.run("--index", uri, "--queries", queries.toString(), "--qrels", qrels.toString(),
                "--exact", "--json", out.toString(), "--ncells", "16"));
        JsonNode n = new ObjectMapper().readTree(Files.readString(out));
        assertEquals(2, n.get("queries").asInt());
        assertEquals(1, n.get("skipped_unjudged").asInt());
        assertEquals(1, n.get("rejected_queries").asInt(), "the blank query text is rejected, not fatal");
        // each query's single relevant document ranks first (as TextQueryTest finds with the same model and docs)
        for (JsonNode m : List.of(n, n.get("exact"))) {
            assertEquals(1.0, m.get("ndcg@10").asDouble(), 1e-9);
            assertEquals(1.0, m.get("mrr@10").asDouble(), 1e-9);
            assertEquals(1.0, m.get("recall@100").asDouble(), 1e-9);
        }
        assertTrue(n.get("encode_p50_ms").asDouble() > 0);
    }
}
