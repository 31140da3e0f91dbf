package io.tartan.jobs.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.encoders.EncoderConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The three benchmark families end to end on small data: real IndexJob (Spark local), real index, real queries. */
@Tag("slow")
class BenchCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static Path synth;

    @BeforeAll
    static void data() throws Exception {
        synth = dir.resolve("synth");
        TinySynth.write(synth, 300, 20);
    }

    @Test
    void synthBuildsMeasuresAndCharts() throws Exception {
        Path json = dir.resolve("synth.json");
        Path png = dir.resolve("synth.png");
        Path md = dir.resolve("synth.md");
        assertEquals(0, BenchCommand.run("synth", "--data", synth.toString(), "--work", dir.resolve("work").toString(),
                "--json", json.toString(), "--png", png.toString(), "--md", md.toString()));
        JsonNode n = JSON.readTree(json.toFile());
        for (String key : List.of("build_seconds", "bytes_per_token", "latency_p50_ms", "latency_p95_ms", "recall@10")) {
            assertTrue(n.get(key).isNumber(), key + " in " + n);
        }
        assertEquals(2, n.get("nbits").asInt());
        assertEquals(300, n.get("documents").asInt());
        assertTrue(n.get("build_seconds").asDouble() > 0);
        assertTrue(n.get("build_stage_seconds").size() > 1, "stages: " + n.get("build_stage_seconds"));
        // 2-bit residuals of 32 dims are 8 bytes a token plus the code: far below float32's 128
        double bpt = n.get("bytes_per_token").asDouble();
        assertTrue(bpt > 8 && bpt < 4 * TinySynth.DIM / 2.0, "B/token " + bpt);
        double exact = n.get("exact").get("recall@10").asDouble();
        assertTrue(exact >= 0.8, "exact MaxSim over the 2-bit index should find most of the raw top 10: " + exact);
        assertTrue(n.get("recall@10").asDouble() <= 1 && n.get("plaid").get("recall@10").asDouble() >= 0);
        assertEquals(SynthBench.curveSettings().size(), n.get("curve").size());
        double p50 = n.get("latency_p50_ms").asDouble();
        assertTrue(p50 > 0 && n.get("latency_p95_ms").asDouble() >= p50);
        assertEquals(BenchCharts.WIDTH, ImageIO.read(png.toFile()).getWidth());
        assertTrue(Files.readString(md).contains("reference PLAID"));

        // --reuse measures the same index again without rebuilding: the build figures are the recorded ones
        Path again = dir.resolve("synth-again.json");
        assertEquals(0, BenchCommand.run("synth", "--data", synth.toString(), "--work", dir.resolve("work").toString(),
                "--json", again.toString(), "--reuse", "--no-curve"));
        assertEquals(n.get("build_seconds").asDouble(), JSON.readTree(again.toFile()).get("build_seconds").asDouble(), 0);
    }

    @Test
    void scalingBuildsEachDataSetAndReportsStagesMemoryAndRecall() throws Exception {
        Path small = dir.resolve("synth-small");
        TinySynth.write(small, 150, 20);
        Path json = dir.resolve("scaling.json");
        assertEquals(0, BenchCommand.run("scaling", "--data", small + "," + synth, "--work",
                dir.resolve("work").toString(), "--json", json.toString(), "--png",
                dir.resolve("scaling.png").toString()));
        JsonNode runs = JSON.readTree(json.toFile()).get("runs");
        assertEquals(2, runs.size());
        assertEquals(150, runs.get(0).get("documents").asInt());
        assertEquals(300, runs.get(1).get("documents").asInt());
        assertEquals(2.0, runs.get(1).get("size").asDouble(), 1e-9);
        assertTrue(runs.get(0).get("tokens").asLong() < runs.get(1).get("tokens").asLong());
        for (JsonNode r : runs) {
            assertTrue(r.get("latency_p50_ms").asDouble() > 0);
            assertTrue(r.get("peak_driver_heap_mb").asDouble() > 0, r.toString());
            assertTrue(r.get("build_stage_seconds").has("kmeans") && r.get("build_stage_seconds").has("pass2"));
            double recall = r.get("recall@10").asDouble();
            assertTrue(recall > 0 && recall <= 1, "recall@10 vs exact_top10.tsv: " + recall);
        }
        assertTrue(Files.size(dir.resolve("scaling.png")) > 0);
    }

    @Test
    void filtersMeasureEachSelectivityAgainstFloatMaxSimOverTheAllowedDocuments() throws Exception {
        Path json = dir.resolve("filters.json");
        Path md = dir.resolve("filters.md");
        Path work = dir.resolve("work-filters");
        assertEquals(0, BenchCommand.run("filters", "--data", synth.toString(), "--work", work.toString(),
                "--percent", "50,10", "--json", json.toString(), "--md", md.toString()));
        JsonNode n = JSON.readTree(json.toFile());
        // the float brute force here and TinySynth's double-precision one find the same top 10
        assertEquals(1.0, n.get("truth_agreement_with_exact_top10").asDouble(), 1e-9);
        assertFalse(Files.exists(synth.resolve("metadata.jsonl")), "labels go into --work, not the data set");
        JsonNode runs = n.get("runs");
        assertEquals(3, runs.size());
        assertTrue(runs.get(0).get("filter").isNull());
        assertEquals(300, runs.get(0).get("allowed_documents").asInt());
        assertEquals(1.0, runs.get(0).get("p50_vs_unfiltered").asDouble(), 1e-12);
        List<String> labels = Files.readAllLines(work.resolve("synth-labelled").resolve("metadata.jsonl"));
        int[] percents = {10, 50};
        for (int i = 0; i < percents.length; i++) {
            JsonNode r = runs.get(i + 1);
            int p = percents[i];
            assertEquals("bucket < " + p, r.get("filter").asText());
            long allowed = labels.stream().filter(l -> Integer.parseInt(l.replaceAll("\\D", "")) < p).count();
            assertEquals(allowed, r.get("allowed_documents").asLong());
            double exact = r.get("exact").get("recall@10").asDouble();
            assertTrue(exact >= 0.8, "exhaustive MaxSim over the allowed rows of the 2-bit index: " + exact);
            assertTrue(r.get("recall@10").asDouble() >= 0.8, r.toString());
            double vsExhaustive = r.get("recall@10_vs_exhaustive").asDouble();
            if (allowed <= 256) {
                // no more allowed documents than ndocs: the search scores them all, exactly like exhaustive mode
                assertEquals(1.0, vsExhaustive, 1e-12, r.toString());
            }
            assertTrue(vsExhaustive >= 0.8, r.toString());
            assertTrue(r.get("latency_p50_ms").asDouble() > 0 && r.get("latency_p95_ms").asDouble() > 0);
        }
        assertTrue(Files.readString(md).contains("`bucket < 10` (10%)"), Files.readString(md));
        assertTrue(Files.isRegularFile(work.resolve(FiltersBench.SCORES)));
    }

    @Test
    void textEvaluatesACollectionWithTheBundledModel() throws Exception {
        Path c = Files.createDirectories(dir.resolve("tiny"));
        Files.writeString(c.resolve("corpus.jsonl"), """
                {"id": "d0", "title": "Cats", "text": "The cat sat on the warm windowsill and purred."}
                {"id": "d1", "title": "", "text": "Stock markets fell sharply after the interest rate decision."}
                {"id": "d2", "title": "Bread", "text": "A recipe for sourdough bread with a crisp crust."}
                {"id": "d3", "title": "", "text": "The spacecraft entered orbit around Jupiter's largest moon."}
                {"id": "d4", "title": "", "text": "Photosynthesis converts sunlight, water and carbon dioxide into sugar."}
                {"id": "d5", "title": "", "text": "The violinist performed a sonata by Brahms at the concert hall."}
                """);
        Files.writeString(c.resolve("queries.jsonl"), """
                {"_id": "q1", "text": "bread baking recipe"}
                {"_id": "q2", "text": "moons of Jupiter and space probes"}
                {"_id": "q3", "text": "nobody judged this one"}
                """);
        Files.writeString(c.resolve("qrels.tsv"), "query_id\tdoc_id\tscore\nq1\td2\t1\nq2\td3\t1\n");
        // graded judgements win over qrels.tsv when the collection has them (Cranfield)
        Files.writeString(c.resolve("qrels_gain.tsv"), "query_id\tdoc_id\tscore\nq1\td2\t2\nq2\td3\t1\nq2\td1\t1\n");
        Path json = dir.resolve("text.json");
        Path md = dir.resolve("text.md");
        assertEquals(0, BenchCommand.run("text", "--data", c.toString(), "--work", dir.resolve("work").toString(),
                "--json", json.toString(), "--md", md.toString()));
        JsonNode r = JSON.readTree(json.toFile()).get("collections").get(0);
        assertEquals("tiny", r.get("name").asText());
        assertEquals("qrels_gain.tsv", r.get("qrels").asText());
        assertEquals(6, r.get("documents").asInt());
        assertTrue(r.get("tokens_per_second").asDouble() > 0);
        JsonNode def = r.get("default");
        assertEquals(2, def.get("queries").asInt());
        assertEquals(1, def.get("skipped_unjudged").asInt());
        assertEquals(6, def.get("exact_float_documents").get("scored").asInt(), "the corpus encoded again");
        for (JsonNode m : List.of(def, def.get("exact"), def.get("exact_float"), r.get("plaid"))) {
            double ndcg = m.get("ndcg@10").asDouble();
            assertTrue(ndcg > 0 && ndcg <= 1, m.toString());
        }
        assertEquals(def.get("exact").get("ndcg@10").asDouble() - def.get("ndcg@10").asDouble(),
                r.get("ndcg@10_gap_default_vs_exact").asDouble(), 1e-12);
        assertEquals(def.get("exact_float").get("ndcg@10").asDouble() - def.get("exact").get("ndcg@10").asDouble(),
                r.get("ndcg@10_compression_loss").asDouble(), 1e-12);
        assertTrue(Files.readString(md).contains("tiny (qrels_gain.tsv)"));
        assertTrue(Files.readString(md).contains("uncompressed float vectors"));

        // the same index again, prebuilt: measured as it is, no build and (--no-exact-float) no corpus encoding
        Path built = dir.resolve("work").resolve("text-tiny");
        Path again = dir.resolve("again.json");
        assertEquals(0, BenchCommand.run("text", "--data", c.toString(), "--index", built.toString(),
                "--no-exact-float", "--work", dir.resolve("unused").toString(), "--json", again.toString()));
        assertFalse(Files.exists(dir.resolve("unused")), "nothing built");
        JsonNode r2 = JSON.readTree(again.toFile()).get("collections").get(0);
        assertEquals(6, r2.get("documents").asInt(), "figures from the prebuilt index's build summary");
        assertEquals(def.get("ndcg@10").asDouble(), r2.get("default").get("ndcg@10").asDouble(), 1e-12);
        for (String mode : List.of("bm25", "rerank", "hybrid")) {
            assertEquals(def.get("modes").get(mode).get("ndcg@10").asDouble(),
                    r2.get("default").get("modes").get(mode).get("ndcg@10").asDouble(), 1e-12, mode);
        }
        assertFalse(r2.get("default").has("exact_float"));
        assertFalse(r2.has("ndcg@10_compression_loss"));
        // a model whose vectors differ from the index's (e5 without its prefixes) is refused, naming the checksums
        Path other = Files.writeString(dir.resolve("e5-plain.json"),
                EncoderConfig.bundled().withPrefixes("", "").toJson());
        assertEquals(1, BenchCommand.run("text", "--data", c.toString(), "--index", built.toString(),
                "--no-exact-float", "--model-config", other.toString()));
        assertEquals(1, BenchCommand.run("text", "--data", c.toString(), "--index", built.toString(),
                "--index", built.toString()), "one --index per --data");
    }
}
