package io.tartan.samples.embed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * A search service a team might run next to its own query encoder: {@code POST /search} with
 * {@code {"k": 10, "vectors": [[...], ...]}} (one row per query token) answers the top documents. Only
 * tartan-query-runtime and the JDK: no Hadoop, no ONNX Runtime, no logging backend (slf4j stays silent unless the
 * host adds one).
 *
 * <pre>java -cp ... io.tartan.samples.embed.EmbedService INDEX_DIR [PORT]</pre>
 */
public final class EmbedService {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_BODY_BYTES = 1 << 20;
    private static final int MAX_K = 1000;

    private EmbedService() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: EmbedService INDEX_DIR [PORT]");
            System.exit(2);
        }
        TartanIndex index = TartanIndex.open(args[0]);
        index.startPolling(5);  // serve new snapshots as the indexer commits them
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1",
                args.length > 1 ? Integer.parseInt(args[1]) : 8080), 0);
        server.setExecutor(Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors()));
        server.createContext("/search", exchange -> answer(exchange, index));
        server.start();
        System.out.println("listening on " + server.getAddress().getPort() + ", index v" + index.snapshot().version());
    }

    private static void answer(HttpExchange exchange, TartanIndex index) throws IOException {
        try (exchange) {
            if (!"POST".equals(exchange.getRequestMethod())) {
                reply(exchange, 405, error("POST a JSON body"));
                return;
            }
            JsonNode body;
            try (InputStream in = exchange.getRequestBody()) {
                byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
                if (bytes.length > MAX_BODY_BYTES) {
                    reply(exchange, 413, error("body over " + MAX_BODY_BYTES + " bytes"));
                    return;
                }
                body = JSON.readTree(bytes);
            }
            try {
                int k = body.path("k").asInt(10);
                if (k < 1 || k > MAX_K) {
                    throw new IllegalArgumentException("k must be 1.." + MAX_K + ", got " + k);
                }
                SearchResult r = index.search(vectors(body.path("vectors"), index.snapshot().dim()), k);
                ObjectNode out = JSON.createObjectNode().put("version", r.version());
                ArrayNode hits = out.putArray("hits");
                for (SearchHit h : r.hits()) {
                    hits.addObject().put("doc_id", h.docId()).put("score", h.score());
                }
                reply(exchange, 200, out);
            } catch (IllegalArgumentException e) {
                reply(exchange, 400, error(e.getMessage()));
            }
        }
    }

    /** The query token vectors, row-major, each of the index's dim. */
    private static float[] vectors(JsonNode rows, int dim) {
        if (!rows.isArray() || rows.isEmpty()) {
            throw new IllegalArgumentException("vectors: a non-empty array of " + dim + "-float rows expected");
        }
        float[] q = new float[rows.size() * dim];
        for (int i = 0; i < rows.size(); i++) {
            JsonNode row = rows.get(i);
            if (!row.isArray() || row.size() != dim) {
                throw new IllegalArgumentException("vectors[" + i + "]: " + dim + " floats expected");
            }
            for (int j = 0; j < dim; j++) {
                q[i * dim + j] = (float) row.get(j).asDouble();
            }
        }
        return q;
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private static void reply(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
