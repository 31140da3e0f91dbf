package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tartan.query.IndexSnapshot;
import io.tartan.query.SearchParams;
import io.tartan.query.text.Fusion;
import io.tartan.query.SearchResult;
import io.tartan.query.TartanIndex;
import io.tartan.query.cli.JsonQueries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HTTP JSON API on the JDK's built-in server: {@code POST /search}, {@code POST /rerank}, {@code GET /health},
 * {@code GET /stats}.
 *
 * <p>Two pools: a small I/O pool reads request bodies (bounded by {@code maxBodyBytes}, else 413) and hands the work
 * to a fixed worker pool with a bounded queue; when the queue is full the request gets 503 at once instead of
 * waiting. Workers write the response themselves. Bad requests get 4xx with {@code {"error": "…"}}; nothing a client
 * sends stops the server.
 */
public final class SearchServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SearchServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_K = 10_000;

    private final TartanIndex index;
    private final SearchParams defaults;
    private final int maxBodyBytes;
    private final HttpServer http;
    private final ExecutorService io;
    private final ThreadPoolExecutor workers;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong served = new AtomicLong();
    private final AtomicLong clientErrors = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong serverErrors = new AtomicLong();
    private final AtomicLong searchNanos = new AtomicLong();

    /**
     * @param threads      search worker threads
     * @param queue        requests that may wait for a worker before new ones get 503
     * @param maxBodyBytes larger request bodies get 413
     */
    public SearchServer(TartanIndex index, InetSocketAddress address, int threads, int queue, int maxBodyBytes,
            SearchParams defaults) throws IOException {
        this.index = index;
        this.defaults = defaults;
        this.maxBodyBytes = maxBodyBytes;
        AtomicInteger n = new AtomicInteger();
        this.workers = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(Math.max(1, queue)),
                r -> daemon(r, "tartan-search-" + n.incrementAndGet()), new ThreadPoolExecutor.AbortPolicy());
        this.io = Executors.newFixedThreadPool(2, r -> daemon(r, "tartan-http-" + n.incrementAndGet()));
        this.http = HttpServer.create(address, 128);
        http.setExecutor(io);
        http.createContext("/search", ex -> accept(ex, "POST", this::search));
        http.createContext("/rerank", ex -> accept(ex, "POST", this::rerank));
        http.createContext("/health", ex -> accept(ex, "GET", body -> health()));
        http.createContext("/stats", ex -> accept(ex, "GET", body -> stats()));
        http.createContext("/", ex -> {
            requests.incrementAndGet();
            clientErrors.incrementAndGet();
            send(ex, 404, error("no such endpoint: " + ex.getRequestURI().getPath()
                    + " (use POST /search, POST /rerank, GET /health, GET /stats)"));
        });
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    public SearchServer start() {
        http.start();
        LOG.info("serving {} on http://{}:{}/ ({} workers, queue {})", index.uri(), http.getAddress().getHostString(),
                port(), workers.getMaximumPoolSize(), workers.getQueue().remainingCapacity());
        return this;
    }

    public int port() {
        return http.getAddress().getPort();
    }

    /** A request's work: from the request body to the JSON to send with 200. */
    private interface Handler {
        ObjectNode handle(byte[] body) throws Exception;
    }

    private void accept(HttpExchange ex, String method, Handler h) throws IOException {
        requests.incrementAndGet();
        if (!method.equals(ex.getRequestMethod())) {
            clientErrors.incrementAndGet();
            ex.getResponseHeaders().add("Allow", method);
            send(ex, 405, error(ex.getRequestURI().getPath() + " accepts " + method + " only"));
            return;
        }
        byte[] body;
        try {
            body = readBody(ex);
        } catch (TooLarge e) {
            clientErrors.incrementAndGet();
            send(ex, 413, error("request body larger than " + maxBodyBytes + " bytes"));
            return;
        }
        try {
            workers.execute(() -> respond(ex, h, body));
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            send(ex, 503, error("server busy: all " + workers.getMaximumPoolSize() + " workers and the queue are full; retry later"));
        }
    }

    private void respond(HttpExchange ex, Handler h, byte[] body) {
        try {
            ObjectNode out = h.handle(body);
            served.incrementAndGet();
            send(ex, 200, out);
        } catch (JsonProcessingException e) {
            clientErrors.incrementAndGet();
            send(ex, 400, error("malformed JSON: " + e.getOriginalMessage()));
        } catch (IllegalArgumentException | IllegalStateException e) {
            clientErrors.incrementAndGet();
            send(ex, 400, error(e.getMessage()));
        } catch (Exception | Error e) {
            serverErrors.incrementAndGet();
            LOG.error("request {} failed", ex.getRequestURI(), e);
            send(ex, 500, error("internal error: " + e));
        }
    }

    private static final class TooLarge extends Exception {
        TooLarge() {
            super(null, null, false, false);
        }
    }

    /**
     * Reads at most {@code maxBodyBytes}. A larger body is drained (up to a bound) before the 413 goes out, so
     * the client reads the error instead of a connection reset.
     */
    private byte[] readBody(HttpExchange ex) throws IOException, TooLarge {
        try (InputStream in = ex.getRequestBody()) {
            byte[] b = in.readNBytes(maxBodyBytes + 1);
            if (b.length > maxBodyBytes) {
                byte[] sink = new byte[1 << 16];
                long drained = 0;
                int n;
                while (drained < 64L * maxBodyBytes && (n = in.read(sink)) >= 0) {
                    drained += n;
                }
                throw new TooLarge();
            }
            return b;
        }
    }

    private static JsonNode parse(byte[] body) throws IOException {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("empty request body: send a JSON object");
        }
        JsonNode n = JSON.readTree(body);
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException("request body must be a JSON object");
        }
        return n;
    }

    private float[] queryVectors(JsonNode req) {
        int dim = index.snapshot().dim();
        if (req.has("vectors")) {
            return JsonQueries.vectors(req.get("vectors"), dim);
        }
        JsonNode q = req.get("query");
        if (q == null || q.isNull()) {
            throw new IllegalArgumentException("give \"query\" (text) or \"vectors\" ([[" + dim + " floats], …])");
        }
        if (!q.isTextual() || q.asText().isBlank()) {
            throw new IllegalArgumentException("\"query\" must be non-empty text");
        }
        return index.encode(q.asText());
    }

    private ObjectNode search(byte[] body) throws IOException {
        JsonNode req = parse(body);
        int k = 10;
        if (req.has("k")) {
            if (!req.get("k").canConvertToInt() || !req.get("k").isIntegralNumber()) {
                throw new IllegalArgumentException("\"k\" must be an integer");
            }
            k = req.get("k").asInt();
        }
        if (k <= 0 || k > MAX_K) {
            throw new IllegalArgumentException("\"k\" must be between 1 and " + MAX_K + ", got " + k);
        }
        SearchParams p = params(req.get("params"));
        if (req.hasNonNull("filter")) {
            if (!req.get("filter").isTextual()) {
                throw new IllegalArgumentException("\"filter\" must be a string, e.g. \"lang = 'en' AND year >= 2020\"");
            }
            p = p.withFilter(req.get("filter").asText());
        }
        // text queries go to the index as text: BM25 reads it, the MaxSim modes encode it
        String text = req.hasNonNull("query") && req.get("query").isTextual() && !req.get("query").asText().isBlank()
                ? req.get("query").asText() : null;
        float[] q = text == null || req.has("vectors") ? queryVectors(req) : null;
        long t0 = System.nanoTime();
        SearchResult r = text == null ? index.search(q, k, p) : q != null ? index.search(text, q, k, p)
                : index.search(text, k, p);
        return result(r, t0, fields(req));
    }

    private ObjectNode rerank(byte[] body) throws IOException {
        JsonNode req = parse(body);
        JsonNode ids = req.get("doc_ids");
        if (ids == null || !ids.isArray() || ids.isEmpty()) {
            throw new IllegalArgumentException("\"doc_ids\" must be a non-empty array of document ids");
        }
        List<String> docIds = new ArrayList<>();
        ids.forEach(n -> docIds.add(n.asText()));
        float[] q = queryVectors(req);
        long t0 = System.nanoTime();
        return result(index.rerank(q, docIds), t0);
    }

    /** {@code "fields": ["snippet", "metadata", "text"]}: what to return of each hit besides id and score. */
    private static List<String> fields(JsonNode req) {
        JsonNode f = req.get("fields");
        if (f == null || f.isNull()) {
            return List.of();
        }
        if (!f.isArray()) {
            throw new IllegalArgumentException("\"fields\" must be an array of " + JsonQueries.FIELDS);
        }
        List<String> out = new ArrayList<>();
        f.forEach(n -> out.add(n.asText()));
        return out;
    }

    private ObjectNode result(SearchResult r, long t0) {
        return result(r, t0, List.of());
    }

    private ObjectNode result(SearchResult r, long t0, List<String> fields) {
        long ns = System.nanoTime() - t0;
        searchNanos.addAndGet(ns);
        ObjectNode o = JSON.createObjectNode();
        o.set("results", JsonQueries.hits(r, index, fields));
        o.put("latency_ms", Math.round(ns / 1e3) / 1e3);
        o.put("version", r.version());
        return o;
    }

    private SearchParams params(JsonNode p) {
        if (p == null || p.isNull()) {
            return defaults;
        }
        if (!p.isObject()) {
            throw new IllegalArgumentException("\"params\" must be an object {mode, ncells, centroid_score_threshold, ndocs, fusion, alpha, depth}");
        }
        SearchParams.Mode mode = p.has("mode") ? SearchParams.Mode.parse(p.get("mode").asText()) : defaults.mode();
        Integer ncells = p.has("ncells") ? intParam(p, "ncells") : defaults.ncells();
        Integer ndocs = p.has("ndocs") ? intParam(p, "ndocs") : defaults.ndocs();
        Float t = defaults.centroidScoreThreshold();
        if (p.has("centroid_score_threshold")) {
            if (!p.get("centroid_score_threshold").isNumber()) {
                throw new IllegalArgumentException("params.centroid_score_threshold must be a number");
            }
            t = p.get("centroid_score_threshold").floatValue();
        }
        Integer depth = p.has("depth") ? intParam(p, "depth") : defaults.depth();
        Fusion fusion = p.has("fusion") ? Fusion.parse(p.get("fusion").asText())
                : defaults.fusion();
        Float alpha = defaults.alpha();
        if (p.has("alpha")) {
            if (!p.get("alpha").isNumber()) {
                throw new IllegalArgumentException("params.alpha must be a number in [0, 1]");
            }
            alpha = p.get("alpha").floatValue();
        }
        return new SearchParams(mode, ncells, t, ndocs, fusion, alpha, depth, defaults.filter());
    }

    private static Integer intParam(JsonNode p, String name) {
        JsonNode v = p.get(name);
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() <= 0) {
            throw new IllegalArgumentException("params." + name + " must be a positive integer, got " + v);
        }
        return v.asInt();
    }

    private ObjectNode health() {
        ObjectNode o = JSON.createObjectNode();
        o.put("status", "ok");
        o.put("version", index.snapshot().version());
        return o;
    }

    private ObjectNode stats() {
        IndexSnapshot s = index.snapshot();
        ObjectNode o = JSON.createObjectNode();
        o.put("index", index.uri());
        o.put("version", s.version());
        o.put("documents", s.numDocs());
        o.put("tokens", s.numTokens());
        o.put("centroids", s.numCentroids());
        o.put("dim", s.dim());
        o.put("load_ms", s.loadMillis());
        ObjectNode mem = o.putObject("memory_bytes");
        s.memory().forEach(mem::put);
        ObjectNode r = o.putObject("requests");
        r.put("received", requests.get());
        r.put("ok", served.get());
        r.put("client_errors", clientErrors.get());
        r.put("rejected_busy", rejected.get());
        r.put("server_errors", serverErrors.get());
        r.put("mean_search_ms", served.get() == 0 ? 0 : Math.round(searchNanos.get() / 1e3 / served.get()) / 1e3);
        o.put("workers", workers.getMaximumPoolSize());
        o.put("queued", workers.getQueue().size());
        return o;
    }

    private static ObjectNode error(String message) {
        ObjectNode o = JSON.createObjectNode();
        o.put("error", message);
        return o;
    }

    private static void send(HttpExchange ex, int status, ObjectNode body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException e) {
            LOG.debug("client went away before the response: {}", e.toString());
        } finally {
            ex.close();
        }
    }

    @Override
    public void close() {
        http.stop(0);
        workers.shutdownNow();
        io.shutdownNow();
    }
}
