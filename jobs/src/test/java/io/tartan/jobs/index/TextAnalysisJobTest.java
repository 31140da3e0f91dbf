package io.tartan.jobs.index;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.FormatVersion;
import io.tartan.format.IndexLayout;
import io.tartan.format.bm25.TextAnalysis;
import io.tartan.format.manifest.DataFile;
import io.tartan.format.manifest.Manifest;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.jobs.CompactJob;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.IndexJobException;
import io.tartan.jobs.UpdateJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.pattern.PatternTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.similarities.BM25Similarity;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code text_analysis} end to end in Spark local[2]: IndexJob records the profile, readers analyze BM25 queries with
 * it, its rankings equal a Lucene index built by hand with the same chain, and updates and compaction keep it.
 */
class TextAnalysisJobTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Documents where the two profiles must differ; their words are not in {@link TextCorpus}, except "runs". */
    private static final List<String> PROBES = List.of(
            // Porter makes "running" "run"; the plural stemmer leaves it
            "{\"id\": \"stem-a\", \"text\": \"Glaciologists measured the running meltwater over basalt.\"}",
            "{\"id\": \"stem-b\", \"text\": \"Glaciologists run a basalt survey.\"}",
            // a query repeating "quasar" favours quasar-a only when repeated terms weigh by their count
            "{\"id\": \"quasar-a\", \"text\": \"Quasar spectra.\"}",
            "{\"id\": \"pulsar-b\", \"text\": \"Pulsar pulsar spectra.\"}",
            // both profiles fold plurals
            "{\"id\": \"plural\", \"text\": \"Magnetars and pulsars spin.\"}");

    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;
    private static Path corpus;
    private static String english;
    private static String minimal;
    private static final Configuration CONF = new Configuration();

    @BeforeAll
    static void build() throws IOException {
        sc = LocalSpark.start("text-analysis-test");
        corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 60, 11);
        Files.write(corpus, PROBES, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
        english = tmp.resolve("english").toString();
        minimal = tmp.resolve("minimal").toString();
        IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", english, "--min_shards", "2"}));
        IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", minimal, "--min_shards", "2",
                "--text-analysis", "english-minimal"}));
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    private static Manifest manifest(String index) {
        return new ManifestStore(CONF, new IndexLayout(index)).readLatest();
    }

    @Test
    void theProfileIsRecordedOnlyWhenItIsNotTheDefault() throws IOException {
        Manifest d = manifest(english);
        assertNull(d.settings().textAnalysis(), "the default is written as before: an old manifest");
        assertEquals(FormatVersion.MINOR_TEXT_INDEXES, d.formatMinorVersion());
        assertFalse(Files.readString(Path.of(english, "metadata", "v1.manifest.json")).contains("text-analysis"));
        assertEquals(TextAnalysis.ENGLISH, d.settings().textAnalysisOrDefault());

        Manifest m = manifest(minimal);
        assertEquals("english-minimal", m.settings().textAnalysis());
        assertEquals(FormatVersion.MINOR_TEXT_ANALYSIS, m.formatMinorVersion());
        assertEquals("english-minimal", m.properties().get("build.text_analysis"));
        try (TartanIndex idx = TartanIndex.open(minimal)) {
            assertEquals(TextAnalysis.ENGLISH_MINIMAL, idx.snapshot().manifest().settings().textAnalysisOrDefault());
        }
    }

    @Test
    void badProfileNamesListTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexConfig.parse(new String[] {"--input",
                corpus.toString(), "--output", tmp.resolve("never").toString(), "--text_analysis", "porter"}));
        assertTrue(e.getMessage().contains("'porter'") && e.getMessage().contains("english, english-minimal"),
                e.getMessage());
        IllegalArgumentException u = assertThrows(IllegalArgumentException.class, () -> UpdateJob.parse("--index",
                tmp.resolve("no-index").toString(), "--delete", corpus.toString(), "--text-analysis", "snowball")
                .run(sc));
        assertTrue(u.getMessage().contains("english, english-minimal"), u.getMessage());
    }

    @Test
    void precomputedVectorsHaveNoTextToAnalyze() throws IOException {
        Path npy = tmp.resolve("npy");
        new NpyFixture(40, 16, 4, 3).write(npy);
        String out = tmp.resolve("npy-index").toString();
        IndexJobException e = assertThrows(IndexJobException.class, () -> IndexJob.run(sc, IndexConfig.parse(
                new String[] {"--input", npy.toString(), "--output", out, "--text_analysis", "english-minimal"})));
        assertTrue(e.getMessage().contains("precomputed vectors"), e.getMessage());
        assertFalse(Files.exists(Path.of(out, "metadata")), "nothing committed");
    }

    @Test
    void bm25RankingsFollowTheProfileAndEqualLuceneBuiltByHand() throws IOException {
        try (TartanIndex e = TartanIndex.open(english); TartanIndex m = TartanIndex.open(minimal)) {
            // stemming: only Porter conflates "running" with "run"
            assertTrue(bm25(e, "run").containsKey("stem-a"));
            assertFalse(bm25(m, "run").containsKey("stem-a"));
            assertTrue(bm25(m, "run").containsKey("stem-b"));
            // plurals: both fold them
            assertTrue(bm25(e, "pulsar magnetar").containsKey("plural"));
            assertTrue(bm25(m, "pulsar magnetar").containsKey("plural"));
            // a repeated query term: counted twice by english only, which flips the order
            String repeated = "quasar quasar pulsar";
            assertEquals("quasar-a", top(e, repeated));
            assertEquals("pulsar-b", top(m, repeated));

            List<String> queries = new ArrayList<>(TextCorpus.QUERIES);
            queries.addAll(List.of("run", "pulsar magnetar", repeated, "The glaciologists' basalt surveys"));
            for (String q : queries) {
                assertSameScores(hand(handMinimal(), false, q), bm25(m, q), "english-minimal: " + q);
                assertSameScores(hand(new EnglishAnalyzer(), true, q), bm25(e, q), "english: " + q);
            }
            assertNotEquals(bm25(e, repeated), bm25(m, repeated));
        }
    }

    @Test
    void updatesAndCompactionKeepTheProfile() throws IOException {
        String index = tmp.resolve("kept").toString();
        IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", corpus.toString(), "--output", index, "--min_shards", "2",
                "--text_analysis", "english-minimal"}));
        Path upserts = tmp.resolve("upserts.jsonl");
        Files.write(upserts, List.of(
                "{\"id\": \"stem-c\", \"text\": \"Volcanologists were running drills into basalt.\"}",
                "{\"id\": \"stem-d\", \"text\": \"Volcanologists run drills.\"}"), StandardCharsets.UTF_8);

        // asking for another profile fails before anything is written
        long before = manifest(index).version();
        IndexJobException switched = assertThrows(IndexJobException.class, () -> UpdateJob.parse("--index", index,
                "--upsert", upserts.toString(), "--text-analysis", "english").run(sc));
        assertTrue(switched.getMessage().contains("english-minimal") && switched.getMessage().contains("cannot"),
                switched.getMessage());
        assertEquals(before, manifest(index).version());

        // no deletes: deleted rows stay in the text indexes' BM25 statistics until compaction, and the reference
        // index built by hand below holds the live documents only
        UpdateJob.parse("--index", index, "--upsert", upserts.toString(), "--text-analysis", "english-minimal").run(sc);
        Manifest updated = manifest(index);
        assertEquals("english-minimal", updated.settings().textAnalysis());
        assertEquals(FormatVersion.MINOR_TEXT_ANALYSIS, updated.formatMinorVersion());
        Map<String, String> live = bodies(corpus);
        live.put("stem-c", "Volcanologists were running drills into basalt.");
        live.put("stem-d", "Volcanologists run drills.");
        try (TartanIndex idx = TartanIndex.open(index)) {
            // the new shard's text was analyzed with the plural stemmer: "running" is not "run"
            assertTrue(bm25(idx, "run").containsKey("stem-d"));
            assertFalse(bm25(idx, "run").containsKey("stem-c"));
            assertSameScores(handOver(live, "run drills"), bm25(idx, "run drills"), "after update");

            CompactJob.parse("--index", index).run(sc);
            Manifest compacted = manifest(index);
            assertEquals(Manifest.OP_COMPACT, compacted.operation());
            assertEquals(updated.settings(), compacted.settings());
            Set<String> oldText = updated.textIndexes().stream().map(DataFile::path).collect(Collectors.toSet());
            assertTrue(compacted.textIndexes().stream().anyMatch(t -> !oldText.contains(t.path())),
                    "compaction rewrote no text index");
            assertTrue(idx.refresh());
            for (String q : List.of("run drills", "quasar quasar pulsar", TextCorpus.QUERIES.get(1))) {
                assertSameScores(handOver(live, q), bm25(idx, q), "after compaction: " + q);
            }
        }
    }

    @Test
    void rerankAndHybridTakeTheirCandidatesFromTheIndexProfile() throws IOException {
        try (TartanIndex e = TartanIndex.open(english); TartanIndex m = TartanIndex.open(minimal)) {
            e.withEncoder(ModelQueryEncoder.open(null));
            m.withEncoder(ModelQueryEncoder.open(null));
            SearchParams rerank = SearchParams.defaults().withMode(SearchParams.Mode.RERANK);
            Set<String> fromEnglish = ids(e.search("run", 100, rerank).hits());
            Set<String> fromMinimal = ids(m.search("run", 100, rerank).hits());
            assertEquals(bm25(e, "run").keySet(), fromEnglish, "rerank reorders BM25's candidates only");
            assertEquals(bm25(m, "run").keySet(), fromMinimal);
            assertTrue(fromEnglish.contains("stem-a") && !fromMinimal.contains("stem-a"));
        }
    }

    private static Set<String> ids(List<SearchHit> hits) {
        return hits.stream().map(SearchHit::docId).collect(Collectors.toSet());
    }

    private static String top(TartanIndex idx, String q) {
        return idx.search(q, 1, SearchParams.defaults().withMode(SearchParams.Mode.BM25)).hits().get(0).docId();
    }

    /** Every matching document's BM25 score through Tartan. */
    private static Map<String, Float> bm25(TartanIndex idx, String q) {
        Map<String, Float> out = new LinkedHashMap<>();
        for (SearchHit h : idx.search(q, 1000, SearchParams.defaults().withMode(SearchParams.Mode.BM25)).hits()) {
            out.put(h.docId(), h.score());
        }
        return out;
    }

    private static void assertSameScores(Map<String, Float> expected, Map<String, Float> actual, String what) {
        assertEquals(expected.keySet(), actual.keySet(), what);
        expected.forEach((id, s) -> assertEquals(s, actual.get(id), 1e-4f * Math.max(1f, s), what + " " + id));
    }

    /** The reference chain written out here, not taken from TextAnalysis, so a change there cannot pass unseen. */
    private static Analyzer handMinimal() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer t = new PatternTokenizer(Pattern.compile("[A-Za-z0-9_]+"), 0);
                TokenStream s = new StopFilter(new LowerCaseFilter(t), EnglishAnalyzer.ENGLISH_STOP_WORDS_SET);
                return new TokenStreamComponents(t, new EnglishMinimalStemFilter(s));
            }
        };
    }

    private static Map<String, Float> hand(Analyzer a, boolean countWeighted, String q) throws IOException {
        return search(bodies(corpus), a, countWeighted, q);
    }

    private static Map<String, Float> handOver(Map<String, String> docs, String q) throws IOException {
        return search(docs, handMinimal(), false, q);
    }

    /** One Lucene index of {@code docs} with BM25(0.9, 0.4), queried as a bag of words. */
    private static Map<String, Float> search(Map<String, String> docs, Analyzer a, boolean countWeighted, String q)
            throws IOException {
        try (ByteBuffersDirectory dir = new ByteBuffersDirectory()) {
            try (IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(a)
                    .setSimilarity(new BM25Similarity(0.9f, 0.4f)))) {
                for (Map.Entry<String, String> d : docs.entrySet()) {
                    Document doc = new Document();
                    doc.add(new StringField("id", d.getKey(), Field.Store.YES));
                    doc.add(new TextField("body", d.getValue(), Field.Store.NO));
                    w.addDocument(doc);
                }
            }
            Map<String, Integer> counts = new LinkedHashMap<>();
            try (TokenStream ts = a.tokenStream("body", q)) {
                CharTermAttribute t = ts.addAttribute(CharTermAttribute.class);
                ts.reset();
                while (ts.incrementToken()) {
                    counts.merge(t.toString(), 1, Integer::sum);
                }
                ts.end();
            }
            BooleanQuery.Builder b = new BooleanQuery.Builder();
            counts.forEach((term, n) -> {
                TermQuery tq = new TermQuery(new Term("body", term));
                b.add(countWeighted && n > 1 ? new BoostQuery(tq, n) : tq, BooleanClause.Occur.SHOULD);
            });
            try (DirectoryReader r = DirectoryReader.open(dir)) {
                IndexSearcher s = new IndexSearcher(r);
                s.setSimilarity(new BM25Similarity(0.9f, 0.4f));
                Map<String, Float> out = new HashMap<>();
                for (ScoreDoc sd : s.search(b.build(), 1000).scoreDocs) {
                    out.put(s.storedFields().document(sd.doc).get("id"), sd.score);
                }
                return out;
            }
        }
    }

    /** Each document's indexed text: title + " " + text, or the one that is there. */
    private static Map<String, String> bodies(Path jsonl) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Files.readAllLines(jsonl, StandardCharsets.UTF_8)) {
            JsonNode n = JSON.readTree(line);
            String title = n.has("title") ? n.get("title").asText() : "";
            String text = n.get("text").asText();
            out.put(n.get("id").asText(), title.isBlank() ? text : title + " " + text);
        }
        return out;
    }
}
