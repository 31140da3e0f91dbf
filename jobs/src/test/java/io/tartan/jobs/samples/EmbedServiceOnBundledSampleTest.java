package io.tartan.jobs.samples;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.jobs.BuildSummary;
import io.tartan.jobs.IndexConfig;
import io.tartan.jobs.IndexJob;
import io.tartan.jobs.maintenance.LocalSpark;
import io.tartan.query.IndexQueryEncoders;
import io.tartan.query.ModelQueryEncoder;
import io.tartan.query.TartanIndex;
import io.tartan.samples.embed.EmbedServiceProcess;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * The README's embedding story end to end: the bundled sample (samples/scifact-mini) built by IndexJob with the
 * bundled encoder, then served by the sample service of samples/embed-service on the core runtime's class path alone
 * (no Hadoop, ONNX Runtime or logging backend), the queries encoded here as a host with its own encoder would.
 */
class EmbedServiceOnBundledSampleTest {
    @TempDir
    Path tmp;

    @Test
    void theSampleServiceAnswersTheBundledSamplesQueries() throws Exception {
        Path sample = Path.of(System.getProperty("tartan.samplesDir"), "scifact-mini");
        Path index = tmp.resolve("scifact-mini-index");
        JavaSparkContext sc = LocalSpark.start("embed-service-sample-test");
        BuildSummary built;
        try {
            built = IndexJob.run(sc, IndexConfig.parse(new String[] {"--input", sample.resolve("corpus.jsonl").toString(),
                    "--output", index.toString()}));
        } finally {
            sc.stop();
        }
        assertEquals(0, built.rejected());
        List<String> queries = new ArrayList<>();
        for (String line : Files.readAllLines(sample.resolve("queries.jsonl")).subList(0, 3)) {
            queries.add(new ObjectMapper().readTree(line).get("text").asText());
        }

        try (TartanIndex in = TartanIndex.open(index.toString());
             ModelQueryEncoder encoder = IndexQueryEncoders.open(in.snapshot().manifest().settings(), null);
             EmbedServiceProcess service = EmbedServiceProcess.start(index, tmp)) {
            assertNotNull(encoder, "the bundled encoder built the sample");
            for (String q : queries) {
                float[] v = encoder.encodeQuery(q);
                service.assertAnswers(v, encoder.dim(), 10, in.search(v, 10));
            }
        }
    }
}
