package io.tartan.format.manifest;

import io.tartan.format.IndexFormatException;
import io.tartan.format.UnsupportedFormatException;
import io.tartan.format.bm25.TextAnalysis;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

public class ManifestJsonTest {
    public static Manifest sample(long version) {
        IndexSettings s = new IndexSettings(128, 2, 16384, 220, 32, "all-MiniLM-L6-v2", "sha256:ab", IndexSettings.MAXSIM_COSINE);
        DataFile codec = DataFile.of("codec/a.tcodec", DataFile.CODEC, 100, 0, 0, "crc32c:0000abcd");
        DataFile shard = new DataFile("data/part-00000-x.parquet", DataFile.SHARD, 5000, 10, 600, "crc32c:12345678", 0, 9);
        DataFile ivf = DataFile.of("ivf/b.tivf", DataFile.IVF, 300, 16384, 550, "crc32c:deadbeef");
        return Manifest.create(version, 42L, version > 1 ? 41L : null, 1_700_000_000_000L, Manifest.OP_BUILD, s, codec,
                List.of(shard), List.of(ivf), List.of(), List.of(), new Summary(10, 10, 0, 600, 5400, 10), Map.of("seed", "123"));
    }

    @Test
    void roundTrip() {
        Manifest m = sample(1);
        byte[] json = ManifestJson.write(m);
        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.contains("\"format-version\" : 1"), text);
        assertTrue(text.contains("\"num-centroids\" : 16384"), text);
        assertEquals(m, ManifestJson.read(json, "v1.manifest.json"));
        assertEquals(sample(2), ManifestJson.read(ManifestJson.write(sample(2)), "v2.manifest.json"));
    }

    @Test
    void poolFactorIsFormat12AndAbsentMeansOne() {
        Manifest plain = sample(1);
        assertEquals(1, plain.settings().poolFactorOrOne());
        assertEquals(plain.settings(), plain.settings().withPoolFactor(1), "factor 1 is written as no field");
        assertTrue(!new String(ManifestJson.write(plain), StandardCharsets.UTF_8).contains("pool-factor"));

        Manifest pooled = Manifest.create(1, 42L, null, 1L, Manifest.OP_BUILD, plain.settings().withPoolFactor(2),
                plain.codec(), plain.shards(), plain.ivf(), List.of(), List.of(), plain.summary(), Map.of());
        assertEquals(2, pooled.formatMinorVersion());
        String text = new String(ManifestJson.write(pooled), StandardCharsets.UTF_8);
        assertTrue(text.contains("\"pool-factor\" : 2"), text);
        Manifest back = ManifestJson.read(text.getBytes(StandardCharsets.UTF_8), "v1.manifest.json");
        assertEquals(pooled, back);
        assertEquals(2, back.settings().poolFactorOrOne());
        assertBad(text.replace("\"pool-factor\" : 2", "\"pool-factor\" : 0")
                .replace("v1.manifest.json", "x"), "pool-factor");
    }

    @Test
    void textAnalysisIsFormat13AndAbsentMeansEnglish() {
        Manifest plain = sample(1);
        IndexSettings bm25 = new IndexSettings(128, 2, 16384, 220, 32, "e5", "sha256:ab", IndexSettings.MAXSIM_COSINE,
                IndexSettings.TEXT_BM25);
        DataFile shard = plain.shards().get(0);
        DataFile text = new DataFile(io.tartan.format.IndexLayout.textIndexPath(shard.path()), DataFile.TEXT_INDEX, 77,
                10, 0, "crc32c:00000001", 0, 9);
        Manifest english = Manifest.create(1, 42L, null, 1L, Manifest.OP_BUILD, bm25, plain.codec(), plain.shards(),
                plain.ivf(), List.of(), List.of(text), plain.summary(), Map.of());
        assertEquals(1, english.formatMinorVersion());
        assertEquals(TextAnalysis.ENGLISH, english.settings().textAnalysisOrDefault());
        assertEquals(bm25, bm25.withTextAnalysis(TextAnalysis.ENGLISH), "the default is written as no field");
        assertTrue(!new String(ManifestJson.write(english), StandardCharsets.UTF_8).contains("text-analysis"));

        Manifest minimal = Manifest.create(1, 42L, null, 1L, Manifest.OP_BUILD,
                bm25.withPoolFactor(2).withTextAnalysis(TextAnalysis.ENGLISH_MINIMAL), plain.codec(), plain.shards(),
                plain.ivf(), List.of(), List.of(text), plain.summary(), Map.of());
        assertEquals(3, minimal.formatMinorVersion());
        String json = new String(ManifestJson.write(minimal), StandardCharsets.UTF_8);
        assertTrue(json.contains("\"text-analysis\" : \"english-minimal\""), json);
        Manifest back = ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "v1.manifest.json");
        assertEquals(minimal, back);
        assertEquals(TextAnalysis.ENGLISH_MINIMAL, back.settings().textAnalysisOrDefault());
        assertEquals(2, back.settings().poolFactorOrOne());

        String unknown = json.replace("english-minimal", "klingon");
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> ManifestJson.read(unknown.getBytes(StandardCharsets.UTF_8), "v1.manifest.json"));
        assertTrue(e.getMessage().contains("klingon") && e.getMessage().contains("english, english-minimal"),
                e.getMessage());
        // a metadata-only text index analyzes nothing: recording an analysis there is a contradiction
        assertEquals(null, new IndexSettings(128, 2, 16384, 220, 32, "p", null, IndexSettings.MAXSIM_COSINE,
                IndexSettings.TEXT_METADATA).withTextAnalysis(TextAnalysis.ENGLISH_MINIMAL).textAnalysis());
        assertBad(json.replace("\"text-index\" : \"bm25\"", "\"text-index\" : \"metadata\""), "text-analysis");
    }

    @Test
    void unknownMajorVersionIsRejectedClearly() {
        String json = new String(ManifestJson.write(sample(1)), StandardCharsets.UTF_8)
                .replace("\"format-version\" : 1", "\"format-version\" : 2");
        UnsupportedFormatException e = assertThrows(UnsupportedFormatException.class,
                () -> ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "v7.manifest.json"));
        assertTrue(e.getMessage().contains("v7.manifest.json") && e.getMessage().contains("2.0"), e.getMessage());
    }

    @Test
    void newerMinorVersionWithUnknownFieldsIsRead() {
        String json = new String(ManifestJson.write(sample(1)), StandardCharsets.UTF_8)
                .replace("\"format-minor-version\" : 0", "\"format-minor-version\" : 3, \"future-field\" : [1, 2]");
        assertEquals(sample(1).snapshotId(), ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "m").snapshotId());
    }

    @Test
    void schemaViolationsAreNamed() {
        String good = new String(ManifestJson.write(sample(1)), StandardCharsets.UTF_8);
        assertBad(good.replace("\"nbits\" : 2", "\"nbits\" : 3"), "nbits");
        assertBad(good.replace("data/part-00000-x.parquet", "/abs/part.parquet"), "relative");
        assertBad(good.replace("\"checksum\" : \"crc32c:12345678\"", "\"checksum\" : \"md5:1\""), "checksum");
        assertBad(good.replace("\"tokens\" : 600", "\"tokens\" : 601"), "disagrees");
        assertBad(good.replace("\"content\" : \"ivf\"", "\"content\" : \"shard\""), "listed as ivf");
        assertBad("[1, 2]", "JSON object");
        assertBad("{not json", "not valid JSON");
        assertBad("{\"format-version\": 1}", "missing");
    }

    private static void assertBad(String json, String expected) {
        IndexFormatException e = assertThrows(IndexFormatException.class,
                () -> ManifestJson.read(json.getBytes(StandardCharsets.UTF_8), "metadata/v1.manifest.json"));
        assertTrue(e.getMessage().contains("metadata/v1.manifest.json"), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
