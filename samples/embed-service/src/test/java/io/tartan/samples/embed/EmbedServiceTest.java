package io.tartan.samples.embed;

import io.tartan.format.IndexLayout;
import io.tartan.format.testing.SampleIndex;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the sample service in a child JVM on its own runtime class path ({@link EmbedServiceProcess}), so the service
 * proves the core opens and searches an index without Hadoop, ONNX Runtime or a logging backend; its answer must
 * equal the runtime's own in this JVM. The jobs module runs it on the bundled sample's index too.
 */
class EmbedServiceTest {
    @TempDir
    Path dir;

    @Test
    void theServiceAnswersAQueryOnTheCoreRuntimeAlone() throws Exception {
        Path index = dir.resolve("index");
        SampleIndex.write(new Configuration(), new IndexLayout(index.toUri().toString()), 5, 120, 40);
        float[] query = queryVectors(new Random(3), 8, SampleIndex.DIM);
        SearchResult expected;
        try (TartanIndex in = TartanIndex.open(index.toString())) {
            expected = in.search(query, 5);
        }
        try (EmbedServiceProcess service = EmbedServiceProcess.start(index, dir)) {
            service.assertAnswers(query, SampleIndex.DIM, 5, expected);
            HttpResponse<String> bad = service.post("{\"vectors\": [[1, 2]]}");
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains(SampleIndex.DIM + " floats expected"), bad.body());
        }
    }

    private static float[] queryVectors(Random rnd, int tokens, int dim) {
        float[] q = new float[tokens * dim];
        for (int t = 0; t < tokens; t++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                q[t * dim + j] = (float) rnd.nextGaussian();
                norm += q[t * dim + j] * q[t * dim + j];
            }
            for (int j = 0; j < dim; j++) {
                q[t * dim + j] /= (float) Math.sqrt(norm);
            }
        }
        return q;
    }
}
