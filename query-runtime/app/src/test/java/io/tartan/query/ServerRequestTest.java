package io.tartan.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tartan.query.server.RequestLimits;
import io.tartan.query.server.SearchServer;
import io.tartan.query.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;

import static io.tartan.query.HttpTestClient.base64;
import static io.tartan.query.HttpTestClient.json;
import static io.tartan.query.HttpTestClient.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Partial {@code params}, {@code "mode": "exact"}, and every request limit, over real HTTP. */
class ServerRequestTest {
    @TempDir
    static Path dir;
    static TestIndex fixture;
    static TartanIndex index;
    static SearchServer server;
    static HttpTestClient http;

    static final RequestLimits LIMITS = RequestLimits.defaults().withMaxK(50).withMaxNdocs(500).withMaxNcells(8)
            .withMaxQueryTokens(40).withMaxRerankDocs(3).withMaxBodyBytes(32 * 1024);

    @BeforeAll
    static void start() {
        fixture = TestIndex.build(dir.resolve("idx"));
        index = TartanIndex.open(fixture.uri());
        server = new SearchServer(index, ServerSettings.defaults(0).withWorkers(2, 8).withLimits(LIMITS)).start();
        http = new HttpTestClient(server.port());
    }

    @AfterAll
    static void stop() {
        server.close();
        index.close();
    }

    private static String body(float[] q, int k, String params) throws Exception {
        return "{\"vectors\": " + vectors(q, TestIndex.DIM) + ", \"k\": " + k + (params == null ? "" : ", \"params\": " + params) + "}";
    }

    private static void assertSameHits(SearchResult expected, JsonNode results) {
        assertEquals(expected.hits().size(), results.size());
        for (int i = 0; i < results.size(); i++) {
            assertEquals(expected.hits().get(i).docId(), results.get(i).get("doc_id").asText(), "rank " + (i + 1));
            assertEquals(expected.hits().get(i).score(), results.get(i).get("score").floatValue(), 1e-6);
        }
    }

    @Test
    void eachParameterAloneTakesTheCliDefaultsForTheRest() throws Exception {
        float[] q = fixture.query(17, 32);
        // params alone → the SearchParams the CLI builds from the same flags (nulls resolve from k and mode)
        Map<String, SearchParams> cases = Map.of(
                "{\"mode\": \"plaid\"}", SearchParams.plaid(),
                "{\"mode\": \"fast\"}", SearchParams.defaults(),
                "{\"ncells\": 2}", SearchParams.defaults().withNcells(2),
                "{\"ndocs\": 5}", SearchParams.defaults().withNdocs(5),
                "{\"ngroups\": 1}", SearchParams.defaults().withNgroups(1),
                "{\"centroid_score_threshold\": 0.3}", SearchParams.defaults().withCentroidScoreThreshold(0.3f),
                "{}", SearchParams.defaults(),
                "{\"mode\": \"PLAID\", \"ndocs\": 40}", SearchParams.plaid().withNdocs(40));
        for (int k : new int[] {5, 40}) {
            for (Map.Entry<String, SearchParams> c : cases.entrySet()) {
                HttpResponse<String> r = http.post("/search", body(q, k, c.getKey()));
                assertEquals(200, r.statusCode(), c.getKey() + " → " + r.body());
                assertSameHits(index.search(q, k, c.getValue()), json(r).get("results"));
            }
        }
    }

    @Test
    void exactModeIsExhaustiveMaxSimOverTheIndex() throws Exception {
        float[] q = fixture.query(23, 32);
        HttpResponse<String> r = http.post("/search", body(q, 20, "{\"mode\": \"exact\"}"));
        assertEquals(200, r.statusCode(), r.body());
        assertSameHits(index.searchExact(q, 20), json(r).get("results"));
        HttpResponse<String> bad = http.post("/search", body(q, 20, "{\"mode\": \"exact\", \"ncells\": 2}"));
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).get("error").asText().contains("does not apply to mode \"exact\""), bad.body());
    }

    @Test
    void badParamsAreNamed() throws Exception {
        float[] q = fixture.query(3, 8);
        String[][] cases = {
                {"{\"ndoc\": 5}", "params.ndoc"},
                {"{\"mode\": \"fastest\"}", "params.mode"},
                {"{\"ncells\": 1.5}", "params.ncells"},
                {"{\"ndocs\": -1}", "params.ndocs"},
                {"{\"ngroups\": -1}", "params.ngroups"},
                {"{\"ngroups\": 1.5}", "params.ngroups"},
                {"{\"centroid_score_threshold\": \"high\"}", "centroid_score_threshold"},
                {"[1]", "\"params\""},
        };
        for (String[] c : cases) {
            HttpResponse<String> r = http.post("/search", body(q, 10, c[0]));
            assertEquals(400, r.statusCode(), c[0]);
            assertTrue(json(r).get("error").asText().contains(c[1]), r.body());
        }
        HttpResponse<String> r = http.post("/search", "{\"vectors\": " + vectors(q, TestIndex.DIM) + ", \"kk\": 3}");
        assertEquals(400, r.statusCode());
        assertTrue(json(r).get("error").asText().contains("unknown field \"kk\""), r.body());
    }

    private static void assertLimit(HttpResponse<String> r, int status, String limit) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        JsonNode n = json(r);
        assertEquals(limit, n.get("limit").asText(), r.body());
        String err = n.get("error").asText();
        assertTrue(err.contains(limit) && err.contains("--" + limit.replace('_', '-')), "names the limit and its flag: " + err);
    }

    @Test
    void everyLimitAnswers400NamingTheLimitAndItsSetting() throws Exception {
        float[] q = fixture.query(5, 32);
        assertLimit(http.post("/search", body(q, 51, null)), 400, "max_k");
        assertEquals(200, http.post("/search", body(q, 50, null)).statusCode());
        assertLimit(http.post("/search", body(q, 10, "{\"ndocs\": 501}")), 400, "max_ndocs");
        assertLimit(http.post("/search", body(q, 10, "{\"ndocs\": 2147483647}")), 400, "max_ndocs");
        assertLimit(http.post("/search", body(q, 10, "{\"ncells\": 9}")), 400, "max_ncells");
        assertLimit(http.post("/search", body(fixture.query(5, 41), 10, null)), 400, "max_query_tokens");
        assertEquals(200, http.post("/search", body(fixture.query(5, 40), 10, null)).statusCode());
        String rerank = "{\"vectors\": " + vectors(q, TestIndex.DIM) + ", \"doc_ids\": [\"doc-1\", \"doc-2\", \"doc-3\", \"doc-4\"]}";
        assertLimit(http.post("/rerank", rerank), 400, "max_rerank_docs");
        assertLimit(http.post("/search", body(new float[300 * TestIndex.DIM], 10, null)), 413, "max_body_bytes");
        assertEquals(200, http.post("/search", body(q, 10, null)).statusCode(), "still serving");
    }

    private static String base64Body(String vectors, int k, String params) {
        return "{\"vectors\": " + vectors + ", \"k\": " + k + (params == null ? "" : ", \"params\": " + params) + "}";
    }

    @Test
    void base64VectorsGiveExactlyTheResultsOfTheArrayForm() throws Exception {
        for (int target : new int[] {2, 77, 301}) {
            for (int nq : new int[] {1, 13, 32}) {
                float[] q = fixture.query(target, nq);
                for (String params : new String[] {null, "{\"mode\": \"plaid\"}", "{\"mode\": \"exact\"}"}) {
                    HttpResponse<String> a = http.post("/search", body(q, 20, params));
                    HttpResponse<String> b = http.post("/search", base64Body(base64(q), 20, params));
                    assertEquals(200, a.statusCode(), a.body());
                    assertEquals(200, b.statusCode(), b.body());
                    assertEquals(json(a).get("results"), json(b).get("results"), "target " + target + ", " + nq + " tokens, " + params);
                }
                // an unpadded string (length not a multiple of 4) decodes to the same bytes
                String unpadded = base64(q).replace("=", "");
                assertEquals(json(http.post("/search", body(q, 10, null))).get("results"),
                        json(http.post("/search", base64Body(unpadded, 10, null))).get("results"));
            }
        }
        float[] q = fixture.query(40, 32);
        assertSameHits(index.searchExact(q, 10), json(http.post("/search", base64Body(base64(q), 10, "{\"mode\": \"exact\"}"))).get("results"));
        String ids = ", \"doc_ids\": [\"doc-40\", \"doc-41\", \"doc-7\"]}";
        HttpResponse<String> a = http.post("/rerank", "{\"vectors\": " + vectors(q, TestIndex.DIM) + ids);
        HttpResponse<String> b = http.post("/rerank", "{\"vectors\": " + base64(q) + ids);
        assertEquals(200, b.statusCode(), b.body());
        assertEquals(3, json(b).get("results").size(), b.body());
        assertEquals(json(a).get("results"), json(b).get("results"));
    }

    @Test
    void malformedVectorsAre400NamingTheProblem() throws Exception {
        float[] q = fixture.query(9, 4);
        float[] nan = q.clone();
        nan[TestIndex.DIM + 5] = Float.NaN;
        float[] inf = q.clone();
        inf[3] = Float.NEGATIVE_INFINITY;
        String[][] cases = {
                // 4 tokens and one float more: not a whole number of rows
                {base64(java.util.Arrays.copyOf(q, q.length + 1)), "not a multiple of 4 · dim = 128"},
                // 6 bytes: not even whole floats
                {"\"AAAAAAAA\"", "decodes to 6 bytes, not a multiple of 4 · dim = 128"},
                {"\"AAAA!AAA\"", "not valid base64"},
                {"\"AAAA-_AA\"", "not valid base64"},
                {"\"AAAA\\nAAAA\"", "not valid base64"},
                {"\"AAAAA\"", "not valid base64"},
                {base64(nan), "\"vectors\"[1][5] is NaN: every component must be a finite float32"},
                {base64(inf), "\"vectors\"[0][3] is -Infinity"},
                {"\"\"", "non-empty array of 32-float arrays, or a base64 string"},
                {"42", "non-empty array of 32-float arrays, or a base64 string"},
                {"[]", "non-empty array of 32-float arrays, or a base64 string"},
                {"[[1, 2]]", "\"vectors\"[0] must be an array of 32 numbers (the index dim), got 2 values"},
                {"[\"x\"]", "\"vectors\"[0] must be an array of 32 numbers (the index dim), got STRING"},
                {"[" + "[" + "1e39, ".repeat(31) + "1]]", "\"vectors\"[0][0] is Infinity"},
                {"[" + "[" + "1, ".repeat(31) + "\"a\"]]", "\"vectors\"[0][31] is not a number"},
        };
        for (String[] c : cases) {
            for (String path : new String[] {"/search", "/rerank"}) {
                String b = path.equals("/search") ? base64Body(c[0], 10, null) : "{\"vectors\": " + c[0] + ", \"doc_ids\": [\"doc-1\"]}";
                HttpResponse<String> r = http.post(path, b);
                assertEquals(400, r.statusCode(), path + " " + c[0] + " → " + r.body());
                assertTrue(json(r).get("error").asText().contains(c[1]), path + " " + c[0] + " → " + r.body());
            }
        }
        HttpResponse<String> both = http.post("/search", "{\"query\": \"x\", \"vectors\": " + base64(q) + "}");
        assertEquals(400, both.statusCode());
        assertTrue(json(both).get("error").asText().contains("not both"), both.body());
    }

    @Test
    void theLimitsHoldForBase64Vectors() throws Exception {
        // 41 tokens of base64 are 5,248 bytes, far inside max_body_bytes: the token limit is the decoded size's
        assertLimit(http.post("/search", base64Body(base64(fixture.query(5, 41)), 10, null)), 400, "max_query_tokens");
        assertLimit(http.post("/rerank", "{\"vectors\": " + base64(fixture.query(5, 41)) + ", \"doc_ids\": [\"doc-1\"]}"),
                400, "max_query_tokens");
        assertEquals(200, http.post("/search", base64Body(base64(fixture.query(5, 40)), 10, null)).statusCode());
        // too many tokens is refused from the string's length, before decoding: a string that is not even base64
        // past its first characters gets the limit, not a decoding error
        String huge = "\"" + "A".repeat(8000) + "!!!!\"";
        assertLimit(http.post("/search", base64Body(huge, 10, null)), 400, "max_query_tokens");
        assertLimit(http.post("/search", base64Body(base64(new float[300 * TestIndex.DIM]), 10, null)), 413, "max_body_bytes");
        assertEquals(200, http.post("/search", base64Body(base64(fixture.query(5, 8)), 10, null)).statusCode(), "still serving");
    }

    @Test
    void aBodySomewhatOverTheLimitIsReadSoTheClientSeesThe413() throws Exception {
        // answering before the body is in makes the kernel reset the connection, which may eat the 413 (CI saw
        // "header parser received no bytes"); repeat so a race shows up
        String tooLarge = body(new float[300 * TestIndex.DIM], 10, null);
        assertTrue(tooLarge.length() > LIMITS.maxBodyBytes() && tooLarge.length() < 2 * LIMITS.maxBodyBytes());
        for (int i = 0; i < 20; i++) {
            assertLimit(http.post("/search", tooLarge), 413, "max_body_bytes");
        }
    }

    @Test
    void ndocsWithinTheLimitIsClampedToTheDocumentCount() throws Exception {
        float[] q = fixture.query(8, 32);
        HttpResponse<String> r = http.post("/search", body(q, 10, "{\"mode\": \"plaid\", \"ndocs\": 500}"));
        assertEquals(200, r.statusCode(), r.body());
        assertSameHits(index.search(q, 10, SearchParams.plaid().withNdocs(TestIndex.DOCS)), json(r).get("results"));
    }

    @Test
    void theQueryTokenLimitDefaultsToFourTimesQueryMaxlen() throws Exception {
        int queryMaxlen = index.snapshot().manifest().settings().queryMaxlen();
        int limit = RequestLimits.defaults().queryTokens(index.snapshot().manifest().settings());
        assertEquals(4 * Math.max(queryMaxlen, 32), limit);
        try (SearchServer s = new SearchServer(index, ServerSettings.defaults(0).withWorkers(1, 4)).start()) {
            HttpTestClient c = new HttpTestClient(s.port());
            assertEquals(200, c.post("/search", body(fixture.query(1, limit), 10, null)).statusCode());
            assertLimit(c.post("/search", body(fixture.query(1, limit + 1), 10, null)), 400, "max_query_tokens");
        }
    }

    @Test
    void searchDefaultsOverTheLimitsAreRefusedAtStart() {
        ServerSettings s = ServerSettings.defaults(0).withLimits(LIMITS).withDefaults(SearchParams.defaults().withNdocs(501));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new SearchServer(index, s));
        assertTrue(e.getMessage().contains("max_ndocs"), e.getMessage());
    }
}
