package io.tartan.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tartan.query.cli.SearchCommand;
import io.tartan.query.server.RequestLimits;
import io.tartan.query.server.SearchServer;
import io.tartan.query.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServerAndCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    static Path dir;
    static TestIndex fixture;
    static TartanIndex index;
    static SearchServer server;
    static HttpClient client = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        fixture = TestIndex.build(dir.resolve("idx"), 70, true);
        index = TartanIndex.open(fixture.uri());
        server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(2, 8)
                .withLimits(RequestLimits.defaults().withMaxBodyBytes(64 * 1024))).start();
    }

    @AfterAll
    static void stop() {
        server.close();
        index.close();
    }

    private static HttpResponse<String> post(String path, String body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String vectorsJson(float[] q) throws Exception {
        int dim = TestIndex.DIM;
        float[][] rows = new float[q.length / dim][dim];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(q, i * dim, rows[i], 0, dim);
        }
        return JSON.writeValueAsString(rows);
    }

    @Test
    void searchOverHttpReturnsWhatTheLibraryReturns() throws Exception {
        float[] q = fixture.query(9, 32);
        HttpResponse<String> r = post("/search", "{\"vectors\": " + vectorsJson(q) + ", \"k\": 7, \"params\": {\"ncells\": 2, \"ndocs\": 300}}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode n = JSON.readTree(r.body());
        SearchResult expected = index.search(q, 7, SearchParams.defaults().withNcells(2).withNdocs(300));
        assertEquals(7, n.get("results").size());
        for (int i = 0; i < 7; i++) {
            JsonNode h = n.get("results").get(i);
            assertEquals(i + 1, h.get("rank").asInt());
            assertEquals(expected.hits().get(i).docId(), h.get("doc_id").asText());
            assertEquals(expected.hits().get(i).score(), h.get("score").floatValue(), 1e-6);
        }
        assertTrue(n.get("latency_ms").asDouble() >= 0);
        // params giving only some knobs: the others keep their defaults (an absent ncells once failed with a 500)
        HttpResponse<String> partial = post("/search", "{\"vectors\": " + vectorsJson(q) + ", \"k\": 7, \"params\": {\"ndocs\": 300}}");
        assertEquals(200, partial.statusCode(), partial.body());
        assertEquals(index.search(q, 7, SearchParams.defaults().withNdocs(300)).hits().get(0).docId(),
                JSON.readTree(partial.body()).get("results").get(0).get("doc_id").asText());
        HttpResponse<String> withFields = post("/search", "{\"query\": \"uniqueword9\", \"k\": 1, \"params\": "
                + "{\"mode\": \"bm25\"}, \"fields\": [\"snippet\", \"metadata\"]}");
        JsonNode hit = JSON.readTree(withFields.body()).get("results").get(0);
        assertTrue(hit.get("snippet").asText().startsWith("document about topic"), hit.toString());
        assertEquals("fr", hit.get("metadata").get("lang").asText());
        assertEquals(400, post("/search", "{\"query\": \"x\", \"params\": {\"mode\": \"bm25\"}, \"fields\": [\"title\"]}")
                .statusCode());

        HttpResponse<String> rr = post("/rerank", "{\"vectors\": " + vectorsJson(q) + ", \"doc_ids\": [\"doc-1\", \"doc-9\"]}");
        assertEquals(200, rr.statusCode(), rr.body());
        JsonNode rn = JSON.readTree(rr.body()).get("results");
        assertEquals(2, rn.size());
        assertEquals(index.rerank(q, List.of("doc-9", "doc-1")).hits().get(0).docId(), rn.get(0).get("doc_id").asText());

        assertEquals(200, get("/health").statusCode());
        JsonNode stats = JSON.readTree(get("/stats").body());
        assertEquals(TestIndex.DOCS, stats.get("documents").asInt());
        assertTrue(stats.get("memory_bytes").get("total").asLong() > 0);
    }

    @Test
    void bm25AndFiltersOverHttpAndCli() throws Exception {
        HttpResponse<String> r = post("/search", "{\"query\": \"uniqueword5 topic1\", \"k\": 3, \"params\": {\"mode\": \"bm25\"}}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals(TestIndex.docId(5), JSON.readTree(r.body()).get("results").get(0).get("doc_id").asText());
        r = post("/search", "{\"query\": \"document\", \"k\": 50, \"params\": {\"mode\": \"bm25\"}, "
                + "\"filter\": \"lang = 'fr' AND year IN (2001, 2003)\"}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode hits = JSON.readTree(r.body()).get("results");
        assertEquals(index.search("document", 50, SearchParams.defaults().withMode(SearchParams.Mode.BM25)
                .withFilter("lang = 'fr' AND year IN (2001, 2003)")).hits().size(), hits.size());
        for (JsonNode h : hits) {
            int d = Integer.parseInt(h.get("doc_id").asText().replaceAll("\\D", ""));
            assertTrue(d % 2 == 1 && (d % 30 == 1 || d % 30 == 3), h.toString());
        }

        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            // bm25 needs no model: none is configured here
            rc = SearchCommand.run("--index", fixture.uri(), "--query", "uniqueword7", "--mode", "bm25", "-k", "3",
                    "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc);
        assertEquals(TestIndex.docId(7), JSON.readTree(buf.toString(StandardCharsets.UTF_8).trim()).get("results").get(0)
                .get("doc_id").asText());
        assertEquals(1, SearchCommand.run("--index", fixture.uri(), "--query", "x", "--mode", "bm25", "--filter",
                "year >= 'x'"));
        assertEquals(1, SearchCommand.run("--index", fixture.uri(), "--query", "x", "--mode", "sideways"));
    }

    @Test
    void badRequestsGetClearErrorsAndTheServerKeepsServing() throws Exception {
        String good = "{\"vectors\": " + vectorsJson(fixture.query(1, 8)) + "}";
        String wrongDim = "{\"vectors\": [[0.1, 0.2, 0.3]]}";
        String[][] cases = {
                {"{\"query\": \"\"}", "400", "non-empty"},
                {"{\"query\": \"hello\"}", "400", "encoder"},
                {"{}", "400", "\"query\""},
                {"{\"vectors\": []}", "400", "non-empty"},
                {wrongDim, "400", "32 numbers"},
                {good.replace("{", "{\"k\": 0, "), "400", "\"k\""},
                {good.replace("{", "{\"k\": -3, "), "400", "\"k\""},
                {good.replace("{", "{\"params\": {\"ncells\": 0}, "), "400", "ncells"},
                {"{\"vectors\": [[1, 2", "400", "malformed JSON"},
                {"not json at all", "400", "malformed JSON"},
                {"", "400", "empty request body"},
                {"[1, 2]", "400", "JSON object"},
                {"{\"vectors\": " + vectorsJson(new float[8_000 * 32]) + "}", "413", "larger than"},
                {"{\"query\": \"x\", \"params\": {\"mode\": \"bm24\"}}", "400", "mode must be one of"},
                {"{\"query\": \"x\", \"params\": {\"mode\": \"hybrid\", \"fusion\": \"sum\"}}", "400", "rrf or relative_score"},
                {"{\"query\": \"x\", \"params\": {\"mode\": \"bm25\"}, \"filter\": \"lang = \"}", "400", "position 8"},
                {good.replace("{", "{\"params\": {\"mode\": \"bm25\"}, "), "400", "needs query text"},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = post("/search", c[0]);
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0].length() > 80 ? c[0].substring(0, 80) : c[0]);
            String err = JSON.readTree(r.body()).get("error").asText();
            assertTrue(err.contains(c[2]), "error '" + err + "' should mention " + c[2]);
            assertEquals(200, post("/search", good).statusCode(), "still serving after: " + err);
        }
        assertEquals(405, get("/search").statusCode());
        assertEquals(404, get("/nope").statusCode());
        assertEquals(400, post("/rerank", good).statusCode());
        assertEquals(200, post("/search", good).statusCode());
    }

    @Test
    void concurrentHttpQueriesMatchSequentialResults() throws Exception {
        List<float[]> qs = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            qs.add(fixture.query(i * 3, 32));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<HttpResponse<String>>> fs = new ArrayList<>();
            for (int rep = 0; rep < 3; rep++) {
                for (float[] q : qs) {
                    String body = "{\"vectors\": " + vectorsJson(q) + "}";
                    fs.add(pool.submit(() -> post("/search", body)));
                }
            }
            // 6 clients never have more requests in flight than 2 workers + a queue of 8: every one is served
            int ok = 0;
            for (int i = 0; i < fs.size(); i++) {
                HttpResponse<String> r = fs.get(i).get();
                assertEquals(200, r.statusCode(), r.body());
                SearchResult expected = index.search(qs.get(i % qs.size()), 10);
                JsonNode res = JSON.readTree(r.body()).get("results");
                for (int j = 0; j < 10; j++) {
                    assertEquals(expected.hits().get(j).docId(), res.get(j).get("doc_id").asText());
                }
                ok++;
            }
            assertEquals(fs.size(), ok);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void cliPrintsJsonAndWritesTrecRuns() throws Exception {
        float[] q1 = fixture.query(4, 32);
        float[] q2 = fixture.query(5, 32);
        Path npy = dir.resolve("q.npy");
        writeNpy(npy, new float[][] {q1, q2}, 32, TestIndex.DIM);
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        int rc;
        try {
            rc = SearchCommand.run("--index", fixture.uri(), "--query-vectors", npy.toString(), "-k", "5", "--json");
        } finally {
            System.setOut(old);
        }
        assertEquals(0, rc);
        String[] lines = buf.toString(StandardCharsets.UTF_8).trim().split("\n");
        assertEquals(2, lines.length);
        JsonNode first = JSON.readTree(lines[0]);
        assertEquals(5, first.get("results").size());
        assertEquals(index.search(q1, 5).hits().get(0).docId(), first.get("results").get(0).get("doc_id").asText());
        assertTrue(first.has("latency_ms"));

        Path queries = dir.resolve("queries.jsonl");
        Files.writeString(queries, "{\"qid\": \"a\", \"vectors\": " + vectorsJson(q1) + "}\n{\"qid\": \"b\", \"vectors\": "
                + vectorsJson(q2) + "}\n{\"qid\": \"c\", \"vectors\": " + HttpTestClient.base64(q1) + "}\n");
        Path run = dir.resolve("run.trec");
        assertEquals(0, SearchCommand.run("--index", fixture.uri(), "--queries", queries.toString(), "--run", run.toString(),
                "--mode", "plaid", "--ncells", "2", "--ndocs", "100", "--centroid-score-threshold", "0.3"));
        List<String> runLines = Files.readAllLines(run);
        assertEquals(30, runLines.size());
        // a query file's base64 vectors read as the same query as its rows
        for (int i = 0; i < 10; i++) {
            assertEquals(runLines.get(i).replaceFirst("^a ", "c "), runLines.get(20 + i));
        }
        String[] f = runLines.get(0).split(" ");
        assertEquals("a", f[0]);
        assertEquals("Q0", f[1]);
        assertEquals("1", f[3]);
        assertEquals("tartan", f[5]);
        assertEquals(index.search(q1, 10, new SearchParams(SearchParams.Mode.PLAID, 2, 0.3f, 100)).hits().get(0).docId(), f[2]);
        assertEquals(1, SearchCommand.run("--index", fixture.uri(), "--query-vectors", npy.toString(), "-k", "0"));
        assertEquals(1, SearchCommand.run("--index", dir.resolve("none").toString(), "--query-vectors", npy.toString()));
    }

    static void writeNpy(Path p, float[][] queries, int nq, int dim) throws Exception {
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + queries.length + ", " + nq + ", " + dim + "), }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + 4 * queries.length * nq * dim).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII)).put((byte) 1).put((byte) 0);
        b.putShort((short) header.length()).put(header.getBytes(StandardCharsets.US_ASCII));
        for (float[] q : queries) {
            for (float v : q) {
                b.putFloat(v);
            }
        }
        Files.write(p, b.array());
    }
}
