package io.tartan.samples.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.format.IndexLayout;
import io.tartan.format.testing.SampleIndex;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs the sample service in a child JVM on its own runtime class path (tartan-query-runtime and what it brings,
 * nothing from the test scope), so the service proves the core opens and searches an index without Hadoop, ONNX
 * Runtime or a logging backend; its answer must equal the runtime's own in this JVM.
 */
class EmbedServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theServiceAnswersAQueryOnTheCoreRuntimeAlone() throws Exception {
        Path index = dir.resolve("index");
        SampleIndex.write(new Configuration(), new IndexLayout(index.toUri().toString()), 5, 120, 40);
        List<String> classpath = runtimeClasspath();
        for (String jar : classpath) {
            assertFalse(jar.matches(".*/(hadoop-|onnxruntime|log4j-core|logback|picocli|spark-|tokenizers).*"),
                    "the core runtime brought " + jar);
        }

        float[] query = queryVectors(new Random(3), 8, SampleIndex.DIM);
        SearchResult expected;
        try (TartanIndex in = TartanIndex.open(index.toString())) {
            expected = in.search(query, 5);
        }

        Process service = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + dir, "-cp", String.join(java.io.File.pathSeparator, classpath),
                EmbedService.class.getName(), index.toString(), "0")
                .redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(service.getInputStream(), StandardCharsets.UTF_8));
            String line;
            StringBuilder seen = new StringBuilder();
            while ((line = out.readLine()) != null && !line.startsWith("listening on ")) {
                seen.append(line).append('\n');
            }
            assertTrue(line != null, "the service did not start:\n" + seen);
            int port = Integer.parseInt(line.substring("listening on ".length(), line.indexOf(',')));

            StringBuilder body = new StringBuilder("{\"k\": 5, \"vectors\": [");
            for (int t = 0; t < query.length / SampleIndex.DIM; t++) {
                body.append(t == 0 ? "[" : ",[");
                for (int j = 0; j < SampleIndex.DIM; j++) {
                    body.append(j == 0 ? "" : ",").append(query[t * SampleIndex.DIM + j]);
                }
                body.append(']');
            }
            body.append("]}");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/search")).timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            JsonNode hits = JSON.readTree(r.body()).get("hits");
            assertEquals(expected.hits().size(), hits.size(), r.body());
            for (int i = 0; i < hits.size(); i++) {
                assertEquals(expected.hits().get(i).docId(), hits.get(i).get("doc_id").asText());
                assertEquals(expected.hits().get(i).score(), (float) hits.get(i).get("score").asDouble(), 1e-5f);
            }

            HttpResponse<String> bad = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/search"))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"vectors\": [[1, 2]]}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
            assertTrue(bad.body().contains(SampleIndex.DIM + " floats expected"), bad.body());
        } finally {
            service.destroy();
            service.waitFor();
        }
    }

    /** This module's classes and its runtime-scope dependencies, as Maven resolved them (see the pom). */
    private static List<String> runtimeClasspath() throws Exception {
        List<String> cp = new ArrayList<>();
        cp.add(System.getProperty("tartan.sample.classpath"));
        String deps = Files.readString(Path.of(System.getProperty("tartan.sample.classpathFile"))).trim();
        for (String p : deps.split(java.io.File.pathSeparator)) {
            if (!p.isEmpty()) {
                cp.add(p);
            }
        }
        return cp;
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
