package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.encoders.DocumentText;
import io.tartan.encoders.EncoderConfig;
import io.tartan.encoders.EncoderOptions;
import io.tartan.encoders.ExecutionDevice;
import io.tartan.encoders.TokenEncoder;
import io.tartan.encoders.TokenEncoders;
import io.tartan.format.IndexLayout;
import io.tartan.format.manifest.IndexSettings;
import io.tartan.format.manifest.ManifestStore;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.cluster.TextCorpus;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.SearchHit;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shared encoding of {@code tartan bench pooling}: an index built from the encoded vectors is the index a build
 * from the text gives (the encoder's batch composition aside), so each pool factor need not encode again.
 */
class EncodedCorpusTest {
    private static JavaSparkContext sc;
    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        sc = LocalSpark.start("encoded-corpus-test");
    }

    @AfterAll
    static void stop() {
        sc.stop();
    }

    @Test
    void anIndexFromTheEncodedVectorsMatchesOneBuiltFromText() throws IOException {
        Path corpus = TextCorpus.write(tmp.resolve("corpus.jsonl"), 48, 7);
        Files.writeString(corpus, "{\"id\": \"blank\", \"text\": \" \"}\n", StandardOpenOption.APPEND);
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("seed", "5");
        EncodedCorpus enc = EncodedCorpus.of(sc, corpus, settings, tmp.resolve("encoded"), false);
        assertEquals(48, enc.documents());
        assertEquals(1, enc.rejected(), "the blank document is left out, as a text build rejects it");

        // the vectors written are the encoder's, in input order
        TokenEncoder model = TokenEncoders.shared(EncoderConfig.bundled(),
                EncoderOptions.defaultsFor(ExecutionDevice.cpu()));
        float[] first = model.encodeDocument(
                DocumentText.join(field(corpus, "title").get(0), field(corpus, "text").get(0))).vectors();
        int dim = model.dim();
        long[] lens = longs(enc.dir().resolve("doclens.npy"));
        assertEquals(48, lens.length);
        assertEquals(first.length / dim, lens[0]);
        float[] stored = floats(enc.dir().resolve("docs.npy"), first.length);
        for (int i = 0; i < first.length; i++) {
            assertEquals(first[i], stored[i], 1e-5f, "value " + i + " of the first document");
        }
        assertEquals(field(corpus, "id").subList(0, 48), Files.readAllLines(enc.dir().resolve("ids.txt")));
        assertEquals(enc.tokens(), Arrays.stream(lens).sum());

        Map<String, String> fromText = new LinkedHashMap<>(settings);
        fromText.put("input", corpus.toString());
        fromText.put("output", tmp.resolve("from-text").toString());
        BuildSummary a = IndexJob.run(sc, IndexConfig.fromMap(fromText));
        Map<String, String> fromVectors = enc.indexSettings(settings);
        fromVectors.put("output", tmp.resolve("from-vectors").toString());
        BuildSummary b = IndexJob.run(sc, IndexConfig.fromMap(fromVectors));

        assertEquals(a.documents(), b.documents());
        assertEquals(a.inputTokens(), b.inputTokens());
        assertEquals(enc.tokens(), b.inputTokens());
        assertEquals(a.storedTokens(), b.storedTokens());
        IndexSettings sa = settings(tmp.resolve("from-text"));
        IndexSettings sb = settings(tmp.resolve("from-vectors"));
        assertEquals(sa.encoderId(), sb.encoderId());
        assertEquals(sa.docMaxlen(), sb.docMaxlen());
        assertEquals(sa.queryMaxlen(), sb.queryMaxlen());
        assertEquals(sa.dim(), sb.dim());

        // exhaustive MaxSim over each index ranks alike, with the same scores up to the encoder's float noise
        try (TartanIndex x = TartanIndex.open(tmp.resolve("from-text").toString());
                TartanIndex y = TartanIndex.open(tmp.resolve("from-vectors").toString())) {
            x.withEncoder(ModelQueryEncoder.open(null));
            for (String q : TextCorpus.QUERIES) {
                float[] v = x.encode(q);
                List<SearchHit> hx = x.searchExact(v, 5).hits();
                List<SearchHit> hy = y.searchExact(v, 5).hits();
                assertEquals(hx.get(0).docId(), hy.get(0).docId(), q);
                for (int i = 0; i < hx.size(); i++) {
                    assertEquals(hx.get(i).score(), hy.get(i).score(), 2e-3f, q + " rank " + i);
                }
            }
        }
    }

    @Test
    void anEarlierEncodingIsReusedOnlyForTheSameCorpusAndEncoderSettings() throws IOException {
        Path corpus = TextCorpus.write(tmp.resolve("reuse.jsonl"), 12, 3);
        Path dir = tmp.resolve("reused");
        Map<String, String> settings = new LinkedHashMap<>();
        EncodedCorpus first = EncodedCorpus.of(sc, corpus, settings, dir, true);
        assertTrue(first.seconds() > 0);

        EncodedCorpus again = EncodedCorpus.of(sc, corpus, settings, dir, true);
        assertEquals(0, again.seconds(), "taken from the folder, not encoded");
        assertEquals(List.of(first.documents(), first.tokens(), first.encoderId(), first.docMaxlen(),
                first.queryMaxlen()), List.of(again.documents(), again.tokens(), again.encoderId(), again.docMaxlen(),
                again.queryMaxlen()));

        settings.put("doc_maxlen", "16");
        EncodedCorpus shorter = EncodedCorpus.of(sc, corpus, settings, dir, true);
        assertTrue(shorter.seconds() > 0, "another doc_maxlen encodes again");
        assertEquals(16, shorter.docMaxlen());
        assertTrue(shorter.tokens() < first.tokens(), shorter.tokens() + " vs " + first.tokens());
    }

    private static IndexSettings settings(Path index) {
        return new ManifestStore(new Configuration(), new IndexLayout(index.toString())).readLatest().settings();
    }

    private static List<String> field(Path corpus, String name) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(corpus)) {
            out.add(json.readTree(line).path(name).asText(null));
        }
        return out;
    }

    private static long[] longs(Path npy) throws IOException {
        ByteBuffer b = data(npy);
        long[] out = new long[b.remaining() / 8];
        b.asLongBuffer().get(out);
        return out;
    }

    private static float[] floats(Path npy, int n) throws IOException {
        float[] out = new float[n];
        data(npy).asFloatBuffer().get(out);
        return out;
    }

    /** The data after a version-1 .npy header. */
    private static ByteBuffer data(Path npy) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(npy)).order(ByteOrder.LITTLE_ENDIAN);
        int header = (b.get(8) & 0xff) | (b.get(9) & 0xff) << 8;
        return b.position(10 + header).slice().order(ByteOrder.LITTLE_ENDIAN);
    }
}
