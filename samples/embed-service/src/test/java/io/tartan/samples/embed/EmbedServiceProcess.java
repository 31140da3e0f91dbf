package io.tartan.samples.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.SearchResult;

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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link EmbedService} in a child JVM on the sample's own runtime class path (tartan-query-runtime and what it brings,
 * nothing from any test scope), as a host would run it; the class path comes from the system properties
 * {@code tartan.sample.classpath} (the service's classes) and {@code tartan.sample.classpathFile} (its runtime
 * dependencies, written by the sample's build). Used by this module's test and by the jobs module's test on the
 * bundled sample's index.
 */
public final class EmbedServiceProcess implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Process process;
    private final int port;

    private EmbedServiceProcess(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the service on {@code index} and waits for its "listening on" line. */
    public static EmbedServiceProcess start(Path index, Path tmp) throws Exception {
        List<String> classpath = runtimeClasspath();
        for (String jar : classpath) {
            assertFalse(jar.matches(".*/(hadoop-|onnxruntime|log4j-core|logback|picocli|spark-|tokenizers).*"),
                    "the core runtime brought " + jar);
        }
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-cp", String.join(java.io.File.pathSeparator, classpath),
                EmbedService.class.getName(), index.toString(), "0")
                .redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        StringBuilder seen = new StringBuilder();
        while ((line = out.readLine()) != null && !line.startsWith("listening on ")) {
            seen.append(line).append('\n');
        }
        if (line == null) {
            p.destroy();
            throw new AssertionError("the service did not start:\n" + seen);
        }
        return new EmbedServiceProcess(p, Integer.parseInt(line.substring("listening on ".length(), line.indexOf(','))));
    }

    /** POST /search with {@code body}; the response. */
    public HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/search"))
                        .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Searches {@code query} (rows of {@code dim} floats) through the service and asserts it answers {@code expected}. */
    public void assertAnswers(float[] query, int dim, int k, SearchResult expected) throws Exception {
        StringBuilder body = new StringBuilder("{\"k\": " + k + ", \"vectors\": [");
        for (int t = 0; t < query.length / dim; t++) {
            body.append(t == 0 ? "[" : ",[");
            for (int j = 0; j < dim; j++) {
                body.append(j == 0 ? "" : ",").append(query[t * dim + j]);
            }
            body.append(']');
        }
        body.append("]}");
        HttpResponse<String> r = post(body.toString());
        assertEquals(200, r.statusCode(), r.body());
        JsonNode hits = JSON.readTree(r.body()).get("hits");
        assertEquals(expected.hits().size(), hits.size(), r.body());
        assertTrue(hits.size() > 0, r.body());
        for (int i = 0; i < hits.size(); i++) {
            assertEquals(expected.hits().get(i).docId(), hits.get(i).get("doc_id").asText());
            assertEquals(expected.hits().get(i).score(), (float) hits.get(i).get("score").asDouble(), 1e-5f);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor();
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
}
