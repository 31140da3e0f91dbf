package io.tartan.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Real HTTP on 127.0.0.1 for the server tests, and the JSON shapes they send. */
final class HttpTestClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int port;
    private String token;

    HttpTestClient(int port) {
        this.port = port;
    }

    HttpTestClient withToken(String t) {
        this.token = t;
        return this;
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path) throws Exception {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return JSON.readTree(r.body());
    }

    /** {@code [[…], …]} of {@code q}'s rows. */
    static String vectors(float[] q, int dim) throws Exception {
        float[][] rows = new float[q.length / dim][dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(q, i * dim, rows[i], 0, dim);
        }
        return JSON.writeValueAsString(rows);
    }

    /** {@code "…"}: base64 of {@code q} as little-endian float32, numpy's {@code q.astype('<f4').tobytes()}. */
    static String base64(float[] q) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * q.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(q);
        return "\"" + java.util.Base64.getEncoder().encodeToString(b.array()) + "\"";
    }
}
