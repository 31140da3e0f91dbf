package io.tartan.query;

import io.tartan.query.bench.SlowLoris;
import io.tartan.query.eval.LatencyPercentiles;
import io.tartan.query.server.SearchServer;
import io.tartan.query.server.ServerSettings;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.tartan.query.HttpTestClient.json;
import static io.tartan.query.HttpTestClient.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server under load, on 127.0.0.1 with a bounded number of clients and time: overload answered 503 with
 * Retry-After, /health answered while saturated, slow-loris clients not slowing anyone else, graceful shutdown.
 * Latency figures are printed, never asserted (scripts/bench/serve-load.sh measures them).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServerLoadTest {
    @TempDir
    static Path dir;
    static TestIndex fixture;

    @BeforeAll
    static void build() {
        fixture = TestIndex.build(dir.resolve("idx"));
    }

    private static CompletableFuture<HttpResponse<String>> async(HttpTestClient c, String path, String body) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return c.post(path, body);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static int queued(HttpTestClient c) throws Exception {
        return json(c.get("/stats")).get("queued").asInt();
    }

    @Test
    void overloadIsAnswered503WithRetryAfterWhileHealthStaysUp() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            BlockingEncoder enc = new BlockingEncoder(TestIndex.DIM, 1, t -> fixture.query(2, 32));
            index.withEncoder(enc);
            ServerSettings s = ServerSettings.defaults(0).withWorkers(1, 1).withShutdown(5_000, 7);
            try (SearchServer server = new SearchServer(index, s).start()) {
                HttpTestClient c = new HttpTestClient(server.port());
                CompletableFuture<HttpResponse<String>> running = async(c, "/search", "{\"query\": \"first\"}");
                assertTrue(enc.entered.await(30, TimeUnit.SECONDS), "the first request reached the worker");
                CompletableFuture<HttpResponse<String>> waiting = async(c, "/search", "{\"query\": \"second\"}");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (queued(c) < 1) {
                    assertTrue(System.nanoTime() < deadline, "the second request was queued");
                    Thread.sleep(10);
                }
                // worker busy and queue full: the next request is refused at once
                String vectorsBody = "{\"vectors\": " + vectors(fixture.query(3, 32), TestIndex.DIM) + "}";
                HttpResponse<String> refused = c.post("/search", vectorsBody);
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("7", refused.headers().firstValue("Retry-After").orElse(null));
                assertTrue(json(refused).get("error").asText().contains("--queue"), refused.body());
                HttpResponse<String> health = c.get("/health");
                assertEquals(200, health.statusCode(), "health answers while every worker is busy");
                assertEquals(1, json(c.get("/stats")).get("requests").get("rejected_busy").asInt());

                enc.release();
                assertEquals(200, running.get(30, TimeUnit.SECONDS).statusCode());
                assertEquals(200, waiting.get(30, TimeUnit.SECONDS).statusCode());
                assertEquals(200, c.post("/search", vectorsBody).statusCode(), "serving again once the queue drained");
            }
        }
    }

    /**
     * A search runs on the HTTP thread that read its body when a place is free, so with more search threads than
     * Jetty has for its own work, all of them searching must still leave threads to answer /health and /stats.
     */
    @Test
    void moreSearchesAtOnceThanJettysOwnThreadsLeaveHealthAndStatsUp() throws Exception {
        int threads = 40;
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            BlockingEncoder enc = new BlockingEncoder(TestIndex.DIM, threads, t -> fixture.query(2, 32));
            index.withEncoder(enc);
            ExecutorService clients = Executors.newFixedThreadPool(threads);
            try (SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(threads, 4)).start()) {
                HttpTestClient c = new HttpTestClient(server.port());
                List<Future<HttpResponse<String>>> searches = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    searches.add(clients.submit(() -> c.post("/search", "{\"query\": \"q\"}")));
                }
                assertTrue(enc.entered.await(30, TimeUnit.SECONDS), "all " + threads + " searches running at once");
                assertEquals(200, c.get("/health").statusCode(), "health answers while every search thread is busy");
                assertEquals(threads, json(c.get("/stats")).get("active").asInt());
                enc.release();
                for (Future<HttpResponse<String>> f : searches) {
                    assertEquals(200, f.get(30, TimeUnit.SECONDS).statusCode());
                }
                // a search thread leaves the count after its answer is on the wire, so the client may ask first
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int active;
                while ((active = json(c.get("/stats")).get("active").asInt()) != 0 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertEquals(0, active, "every search thread done");
            } finally {
                enc.release();
                clients.shutdownNow();
            }
        }
    }

    @Test
    void aFloodIgnoringRetryAfterDoesNotStarveAWellBehavedClient() throws Exception {
        int flooders = 12;
        int maxFloodRequests = 400;
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            ServerSettings s = ServerSettings.defaults(0).withWorkers(1, 1).withQueueWait(30_000).withShutdown(5_000, 1);
            try (SearchServer server = new SearchServer(index, s).start()) {
                String body = "{\"vectors\": " + vectors(fixture.query(5, 32), TestIndex.DIM) + ", \"params\": {\"mode\": \"exact\"}}";
                java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
                java.util.concurrent.atomic.AtomicInteger floodOk = new java.util.concurrent.atomic.AtomicInteger();
                ExecutorService pool = Executors.newFixedThreadPool(flooders);
                List<Future<?>> flood = new ArrayList<>();
                for (int f = 0; f < flooders; f++) {
                    flood.add(pool.submit(() -> {
                        HttpTestClient c = new HttpTestClient(server.port());
                        // retries at once, whatever the answer: the client a Retry-After cannot slow down
                        for (int i = 0; i < maxFloodRequests && !stop.get(); i++) {
                            if (c.post("/search", body).statusCode() == 200) {
                                floodOk.incrementAndGet();
                            }
                        }
                        return null;
                    }));
                }
                try {
                    HttpTestClient polite = new HttpTestClient(server.port());
                    while (json(polite.get("/stats")).get("requests").get("received").asInt() < 50) {
                        Thread.sleep(10);
                    }
                    for (int q = 0; q < 5; q++) {
                        int status = 0;
                        for (int attempt = 0; attempt < 3 && status != 200; attempt++) {
                            HttpResponse<String> r = polite.post("/search", body);
                            status = r.statusCode();
                            if (status == 503) {
                                Thread.sleep(1000L * Integer.parseInt(r.headers().firstValue("Retry-After").orElse("1")));
                            }
                        }
                        assertEquals(200, status, "well-behaved request " + q + " got through in 3 attempts");
                    }
                } finally {
                    stop.set(true);
                    for (Future<?> f : flood) {
                        f.get(120, TimeUnit.SECONDS);
                    }
                    pool.shutdown();
                }
                assertTrue(floodOk.get() > 0, "the flood is served too, in turn");
            }
        }
    }

    @Test
    void gracefulShutdownLetsRequestsInFlightFinish() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            BlockingEncoder enc = new BlockingEncoder(TestIndex.DIM, 1, t -> fixture.query(4, 32));
            index.withEncoder(enc);
            SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 4).withShutdown(30_000, 1)).start();
            int port = server.port(); // Jetty reports -2 once its connector is closed
            HttpTestClient c = new HttpTestClient(port);
            CompletableFuture<HttpResponse<String>> inFlight = async(c, "/search", "{\"query\": \"in flight\"}");
            assertTrue(enc.entered.await(30, TimeUnit.SECONDS));
            CompletableFuture<Void> closing = CompletableFuture.runAsync(server::close);
            // the server stops taking new work: new connections are refused (or answered 503 while it drains)
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (true) {
                assertTrue(System.nanoTime() < deadline, "the server stopped accepting new requests");
                int status;
                try {
                    status = new HttpTestClient(port).get("/health").statusCode();
                } catch (IOException e) {
                    break;
                }
                if (status == 503) {
                    break;
                }
                Thread.sleep(20);
            }
            assertTrue(!closing.isDone(), "close waits for the request in flight");
            enc.release();
            HttpResponse<String> r = inFlight.get(30, TimeUnit.SECONDS);
            assertEquals(200, r.statusCode(), r.body());
            assertEquals(10, json(r).get("results").size());
            closing.get(30, TimeUnit.SECONDS);
        }
    }

    private static String statusLine(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.append((char) c);
        }
        return b.toString().trim();
    }

    @Test
    void wellBehavedClientsAllSucceedWhileSlowLorisClientsHoldConnections() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri())) {
            ServerSettings s = ServerSettings.defaults(0).withWorkers(2, 64).withTimeouts(10_000, 1024, 5_000);
            try (SearchServer server = new SearchServer(index, s).start()) {
                ExecutorService pool = Executors.newCachedThreadPool();
                List<Socket> loris = new ArrayList<>();
                try {
                    for (int i = 0; i < 4; i++) {
                        loris.add(SlowLoris.open("127.0.0.1", server.port(), i % 2 == 1, 50, pool));
                    }
                    int clients = 8;
                    int perClient = 25;
                    List<Future<long[]>> runs = new ArrayList<>();
                    for (int c = 0; c < clients; c++) {
                        int seed = c;
                        runs.add(pool.submit(() -> {
                            HttpTestClient http = new HttpTestClient(server.port());
                            long[] nanos = new long[perClient];
                            for (int i = 0; i < perClient; i++) {
                                float[] q = fixture.query((seed * perClient + i) % TestIndex.DOCS, 32);
                                long t0 = System.nanoTime();
                                HttpResponse<String> r = http.post("/search", "{\"vectors\": " + vectors(q, TestIndex.DIM) + "}");
                                nanos[i] = System.nanoTime() - t0;
                                assertEquals(200, r.statusCode(), r.body());
                                assertEquals(10, json(r).get("results").size());
                            }
                            return nanos;
                        }));
                    }
                    List<Double> ms = new ArrayList<>();
                    for (Future<long[]> f : runs) {
                        for (long n : f.get(120, TimeUnit.SECONDS)) { // throws if any request was not a 200
                            ms.add(n / 1e6);
                        }
                    }
                    assertEquals(clients * perClient, ms.size());
                    double[] a = ms.stream().mapToDouble(Double::doubleValue).toArray();
                    System.out.printf("load test: %d requests from %d clients beside %d slow-loris: p50 %.2f ms, p99 %.2f ms%n",
                            a.length, clients, loris.size(), LatencyPercentiles.of(a).p50(), LatencyPercentiles.of(a).percentile(99));
                    // slow bodies are cut off by the minimum data rate with 408
                    for (int i = 1; i < loris.size(); i += 2) {
                        assertTrue(statusLine(loris.get(i)).startsWith("HTTP/1.1 408"), "slow body client got 408");
                    }
                    assertEquals(200, new HttpTestClient(server.port()).get("/health").statusCode());
                } finally {
                    for (Socket l : loris) {
                        l.close();
                    }
                    pool.shutdownNow();
                }
            }
        }
    }

    @Test
    void aStalledBodyGets408AfterTheIdleTimeout() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri());
                SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 2)
                        .withTimeouts(500, 1024, 30_000)).start();
                Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            out.write("POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n{\"vec".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long t0 = System.nanoTime();
            String status = statusLine(s);
            assertTrue(status.startsWith("HTTP/1.1 408"), status);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20), "cut off by the idle timeout, not left open");
            assertEquals(200, new HttpTestClient(server.port()).get("/health").statusCode());
        }
    }

    @Test
    void aBodyStillTricklingAtTheBodyTimeoutGets408() throws Exception {
        // no minimum rate: only the body timeout can end it
        try (TartanIndex index = TartanIndex.open(fixture.uri());
                SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 2)
                        .withTimeouts(10_000, 0, 1_000)).start()) {
            ExecutorService pool = Executors.newCachedThreadPool();
            try (Socket s = SlowLoris.open("127.0.0.1", server.port(), true, 20, pool)) {
                long t0 = System.nanoTime();
                String status = statusLine(s);
                assertTrue(status.startsWith("HTTP/1.1 408"), status);
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(20));
            } finally {
                pool.shutdownNow();
            }
            assertEquals(1, json(new HttpTestClient(server.port()).get("/stats")).get("requests").get("timed_out").asInt());
        }
    }

    @Test
    void aChunkedBodyOverTheLimitGets413() throws Exception {
        try (TartanIndex index = TartanIndex.open(fixture.uri());
                SearchServer server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 2)
                        .withLimits(io.tartan.query.server.RequestLimits.defaults().withMaxBodyBytes(1000))).start();
                Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            String chunk = "x".repeat(3000);
            out.write(("POST /search HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(chunk.length()) + "\r\n" + chunk + "\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(statusLine(s).startsWith("HTTP/1.1 413"));
        }
    }
}
