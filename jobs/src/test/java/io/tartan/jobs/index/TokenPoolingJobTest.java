package io.tartan.jobs.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.FormatVersion;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.UpdateJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.jobs.pool.TokenPooler;
import io.tartan.jobs.update.UpdateSummary;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code pool_factor} end to end in Spark local[2]: IndexJob and UpdateJob pool documents, queries find them. */
class TokenPoolingJobTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("token-pooling-test");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static BuildSummary build(String... args) {
        return IndexJob.run(sc, IndexConfig.parse(args));
    }

    private static Manifest manifest(String index) {
        return new ManifestStore(new Configuration(), new IndexLayout(index)).readLatest();
    }

    @Test
    void textIsPooledToAboutHalfTheTokensAndStaysSearchable() throws IOException {
        Path corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 60, 11);
        String plain = tmp.resolve("plain").toString();
        String pooled = tmp.resolve("pooled").toString();
        BuildSummary p1 = build("--input", corpus.toString(), "--output", plain);
        BuildSummary p2 = build("--input", corpus.toString(), "--output", pooled, "--pool_factor", "2");

        assertEquals(1, p1.poolFactor());
        assertEquals(p1.tokens(), p1.inputTokens());
        assertEquals(p1.tokens(), p1.storedTokens());
        assertNull(manifest(plain).settings().poolFactor(), "no pooling: the settings are written as before");
        assertEquals(FormatVersion.MINOR_TEXT_INDEXES, manifest(plain).formatMinorVersion());

        // same documents, same encoder: the same tokens go in, ⌊n/2⌋ a document come out
        assertEquals(2, p2.poolFactor());
        assertEquals(p1.inputTokens(), p2.inputTokens());
        assertEquals(p2.tokens(), p2.storedTokens());
        assertTrue(p2.storedTokens() <= p2.inputTokens() / 2 && p2.storedTokens() >= p2.inputTokens() / 2 - 60,
                p2.storedTokens() + " stored of " + p2.inputTokens());
        // on 60 documents the codec (centroids) is much of the index, so the saving is less than half here
        assertTrue(p2.bytesPerInputToken() < 0.8 * p1.bytesPerInputToken(),
                p2.bytesPerInputToken() + " vs " + p1.bytesPerInputToken());
        Manifest m = manifest(pooled);
        assertEquals(2, m.settings().poolFactor());
        assertEquals(FormatVersion.MINOR_POOLING, m.formatMinorVersion());
        assertEquals(p2.storedTokens(), m.shards().stream().mapToLong(DataFile::tokenCount).sum());
        assertEquals("2", m.properties().get("build.pool_factor"));

        JsonNode summary = new ObjectMapper().readTree(Path.of(pooled, "metadata", "v1.summary.json").toFile());
        assertEquals(p2.inputTokens(), summary.get("input_tokens").asLong());
        assertEquals(p2.storedTokens(), summary.get("stored_tokens").asLong());
        assertEquals(p2.bytesPerInputToken(), summary.get("bytes_per_input_token").asDouble(), 1e-9);
        assertEquals(p2.tokens(), summary.get("tokens").asLong());
        assertTrue(summary.get("bytes_per_token").asDouble() > 0);

        // the bundled e5-small-v2 is no ColBERT model and misses some topics unpooled too: every query the unpooled index
        // answers on topic, the pooled one answers on topic
        int onTopic = 0;
        try (TartanIndex before = TartanIndex.open(plain); TartanIndex after = TartanIndex.open(pooled)) {
            before.withEncoder(ModelQueryEncoder.open(null));
            after.withEncoder(ModelQueryEncoder.open(null));
            for (int t = 0; t < TextCorpus.QUERIES.size(); t++) {
                String q = TextCorpus.QUERIES.get(t);
                if (topicOfTop(before, q, corpus) != t) {
                    continue;
                }
                onTopic++;
                List<SearchHit> hits = after.search(q, 5, SearchParams.defaults()).hits();
                assertEquals(5, hits.size(), q);
                assertEquals(t, TextCorpus.topicOf(docText(corpus, hits.get(0).docId())), q + " → " + hits);
            }
        }
        assertTrue(onTopic >= 6, onTopic + " queries answered on topic without pooling");
    }

    private static int topicOfTop(TartanIndex idx, String q, Path corpus) throws IOException {
        return TextCorpus.topicOf(docText(corpus, idx.search(q, 1, SearchParams.defaults()).hits().get(0).docId()));
    }

    @Test
    void precomputedVectorsArePooledDocumentByDocument() throws IOException {
        NpyFixture f = new NpyFixture(160, 32, 16, 3);
        Path npy = tmp.resolve("npy");
        f.write(npy);
        String out = tmp.resolve("npy-pooled").toString();
        BuildSummary s = build("--input", npy.toString(), "--output", out, "--pool_factor", "3");

        TokenPooler pooler = new TokenPooler(3);
        long input = f.docs.stream().mapToLong(m -> m.length / f.dim).sum();
        long expected = f.docs.stream().mapToLong(m -> pooler.pool(m, f.dim).length / f.dim).sum();
        assertEquals(input, s.inputTokens());
        assertEquals(expected, s.storedTokens());
        assertTrue(expected <= input / 3, expected + " of " + input);
        assertEquals(3, manifest(out).settings().poolFactor());

        // a query made from a document's tokens still finds it among the pooled vectors
        int found = 0;
        try (TartanIndex idx = TartanIndex.open(out)) {
            for (int d = 0; d < 160; d += 8) {
                if (idx.searchExact(f.queryFrom(d, 16, d), 1).hits().get(0).docId().equals(f.ids.get(d))) {
                    found++;
                }
            }
        }
        assertTrue(found >= 16, found + " of 20 source documents ranked first");
    }

    @Test
    void updatesPoolNewDocumentsAsTheIndexWas() throws IOException {
        Path corpus = TextCorpus.write(tmp.resolve("update-corpus.jsonl"), 40, 5);
        String index = tmp.resolve("update-index").toString();
        build("--input", corpus.toString(), "--output", index, "--pool_factor", "2");
        Path upserts = Files.write(tmp.resolve("upserts.jsonl"), List.of(
                "{\"id\": \"new-1\", \"text\": \"Zebrafish regenerate heart muscle after an injury, and researchers "
                        + "study the zebrafish heart to learn how cardiac tissue regrows.\"}",
                "{\"id\": \"new-2\", \"text\": \"Saturn's rings are made of ice and rock orbiting the planet, with "
                        + "gaps cleared by small moons.\"}"));

        UpdateSummary u = UpdateJob.parse("--index", index, "--upsert", upserts.toString()).run(sc);

        assertEquals(2, u.upserted());
        assertEquals(2, u.poolFactor());
        assertTrue(u.inputTokens() > 20, u.toString());
        assertTrue(u.tokens() <= u.inputTokens() / 2 && u.tokens() >= u.inputTokens() / 2 - 2, u.toString());
        Manifest m = manifest(index);
        assertEquals(2, m.version());
        assertEquals(2, m.settings().poolFactor(), "an update keeps the index's settings");
        JsonNode summary = new ObjectMapper().readTree(Path.of(index, "metadata", "v2.summary.json").toFile());
        assertEquals(u.inputTokens(), summary.get("input_tokens").asLong());
        assertEquals(2, summary.get("pool_factor").asInt());

        try (TartanIndex idx = TartanIndex.open(index)) {
            idx.withEncoder(ModelQueryEncoder.open(null));
            assertEquals("new-1", idx.search("how does a zebrafish heart regrow", 3, SearchParams.defaults())
                    .hits().get(0).docId());
            assertEquals("new-2", idx.search("what are saturn's rings made of", 3, SearchParams.defaults())
                    .hits().get(0).docId());
        }
    }

    private static String docText(Path corpus, String id) throws IOException {
        ObjectMapper json = new ObjectMapper();
        for (String line : Files.readAllLines(corpus)) {
            JsonNode d = json.readTree(line);
            if (d.get("id").asText().equals(id)) {
                return d.get("text").asText();
            }
        }
        throw new AssertionError("no document " + id + " in " + corpus);
    }
}
