package io.tartan.query;

import com.fasterxml.jackson.databind.JsonNode;
import io.tartan.query.search.CandidatePoolMerger;
import io.tartan.query.server.PartitionRouter;
import io.tartan.query.server.RouterSettings;
import io.tartan.query.server.RoutingException;
import io.tartan.query.server.SearchServer;
import io.tartan.query.server.ServerSettings;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.tartan.query.HttpTestClient.base64;
import static io.tartan.query.HttpTestClient.json;
import static io.tartan.query.HttpTestClient.vectors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A router over 3 partition servers of one index, all real HTTP on 127.0.0.1: exact, FAST, PLAID, BM25, rerank and
 * hybrid results equal one node's, and a stopped, slow, mismatched or misconfigured partition is reported.
 */
class RouterTest {
    static final int N = 3;
    @TempDir
    static Path dir;
    static TestIndex fixture;
    static TartanIndex whole;
    static List<TartanIndex> parts = new ArrayList<>();
    static List<float[]> queries = new ArrayList<>();

    @BeforeAll
    static void open() {
        fixture = TestIndex.build(dir.resolve("idx"));
        fixture.delete(5, 133, 134, 398);
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache"), false);
        whole = TartanIndex.open(fixture.uri(), base);
        for (int i = 0; i < N; i++) {
            parts.add(TartanIndex.open(fixture.uri(), base.withPartition(i, N)));
        }
        for (int i = 0; i < 24; i++) {
            queries.add(fixture.query(i * 37 % TestIndex.DOCS, 32));
        }
    }

    @AfterAll
    static void close() {
        parts.forEach(TartanIndex::close);
        whole.close();
    }

    /** Encodes each of a few texts to fixed vectors, alike on every partition (the routing, not the model, is tested). */
    record FixedEncoder(Map<String, float[]> vectors) implements QueryEncoder {
        @Override
        public float[] encodeQuery(String text) {
            float[] v = vectors.get(text);
            if (v == null) {
                throw new IllegalArgumentException("no vectors for '" + text + "'");
            }
            return v;
        }

        @Override
        public int dim() {
            return TestIndex.DIM;
        }

        @Override
        public String encoderId() {
            return "test";
        }
    }

    /** Partition servers and a router over them; closing stops them all. */
    static final class Cluster implements AutoCloseable {
        final List<SearchServer> partitions = new ArrayList<>();
        final List<SlowProxy> proxies = new ArrayList<>();
        PartitionRouter router;
        SearchServer server;
        HttpTestClient http;

        Cluster(List<TartanIndex> indexes, ServerSettings partitionSettings) {
            for (TartanIndex p : indexes) {
                partitions.add(new SearchServer(p, partitionSettings).start());
            }
        }

        List<URI> urls() {
            return partitions.stream().map(s -> URI.create("http://127.0.0.1:" + s.port())).toList();
        }

        Cluster route(RouterSettings rs) {
            router = new PartitionRouter(rs);
            server = new SearchServer(router, ServerSettings.defaults(0).withWorkers(4, 16)).start();
            http = new HttpTestClient(server.port());
            return this;
        }

        @Override
        public void close() {
            if (server != null) {
                server.close();
                router.close();
            }
            partitions.forEach(SearchServer::close);
            proxies.forEach(SlowProxy::close);
        }
    }

    static Cluster cluster() {
        return new Cluster(parts, ServerSettings.defaults(0).withWorkers(2, 16));
    }

    static String body(float[] q, int k, String extra) throws Exception {
        return "{\"vectors\": " + vectors(q, TestIndex.DIM) + ", \"k\": " + k + (extra == null ? "" : ", " + extra) + "}";
    }

    static void assertSameHits(SearchResult expected, JsonNode results, String what) {
        assertEquals(expected.hits().size(), results.size(), what);
        for (int i = 0; i < results.size(); i++) {
            assertEquals(expected.hits().get(i).docId(), results.get(i).get("doc_id").asText(), what + ", rank " + (i + 1));
            assertEquals(expected.hits().get(i).score(), results.get(i).get("score").floatValue(), what + ", rank " + (i + 1));
        }
    }

    @Test
    void requestedFieldsComeThroughTheRouter() throws Exception {
        TestIndex text = TestIndex.build(dir.resolve("text"), 70, true);
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("text-cache"), false);
        List<TartanIndex> textParts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            textParts.add(TartanIndex.open(text.uri(), base.withPartition(i, N)));
        }
        try (Cluster c = new Cluster(textParts, ServerSettings.defaults(0).withWorkers(2, 16))) {
            c.route(RouterSettings.of(c.urls()));
            for (int target : new int[] {3, 200, 390}) {
                String mode = target == 200 ? "fast" : "exact";
                HttpResponse<String> res = c.http.post("/search", body(text.query(target, 16), 10,
                        "\"params\": {\"mode\": \"" + mode + "\"}, \"fields\": [\"snippet\", \"metadata\"]"));
                assertEquals(200, res.statusCode(), res.body());
                JsonNode hits = json(res).get("results");
                assertEquals(10, hits.size());
                for (JsonNode h : hits) {
                    int d = Integer.parseInt(h.get("doc_id").asText().substring("doc-".length()));
                    assertTrue(h.path("snippet").asText().startsWith("document about"), h.toString());
                    assertEquals(TestIndex.metadata(d).get("lang"), h.path("metadata").path("lang").asText(), h.toString());
                    assertEquals(TestIndex.metadata(d).get("year"), h.path("metadata").path("year").asText(), h.toString());
                }
            }
        } finally {
            textParts.forEach(TartanIndex::close);
        }
    }

    /**
     * BM25 through the router: the partitions' shares of the statistics summed in a first round, then each partition
     * scores with the sum, so the merged top k is one node's, ids and scores; also when the partitions' default mode is
     * bm25 and the request names none, with a filter, and when one partition is down (a partial result, scored with
     * the others' own statistics). Shards of 70 documents: the partition boundaries cut two of the six. Rerank and
     * hybrid (both fusions, other depths, requested fields) merge the partitions' text pools to one node's result.
     */
    @Test
    void textModesThroughTheRouterEqualTheSingleNodeResult() throws Exception {
        TestIndex text = TestIndex.build(dir.resolve("bm25"), 70, true);
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("bm25-cache"), false);
        SearchParams bm25 = SearchParams.defaults().withMode(SearchParams.Mode.BM25);
        List<TartanIndex> textParts = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            textParts.add(TartanIndex.open(text.uri(), base.withPartition(i, N)));
        }
        String[] texts = {"topic3 topic17", "document about topic40 uniqueword12", "topic5 topic5 topic9 topic61"};
        try (TartanIndex one = TartanIndex.open(text.uri(), base);
             Cluster c = new Cluster(textParts, ServerSettings.defaults(0).withWorkers(2, 16).withDefaults(bm25))) {
            c.route(RouterSettings.of(c.urls()));
            boolean ownDiffer = false;
            for (String t : texts) {
                for (String extra : new String[] {"\"params\": {\"mode\": \"bm25\"}", null, "\"filter\": \"lang = 'fr'\""}) {
                    SearchParams p = extra != null && extra.contains("filter") ? bm25.withFilter("lang = 'fr'") : bm25;
                    String body = "{\"query\": \"" + t + "\", \"k\": 10" + (extra == null ? "" : ", " + extra) + "}";
                    HttpResponse<String> res = c.http.post("/search", body);
                    assertEquals(200, res.statusCode(), res.body());
                    assertSameHits(one.search(t, 10, p), json(res).get("results"), body);
                }
                List<SearchResult> own = new ArrayList<>();
                textParts.forEach(tp -> own.add(tp.search(t, 10, bm25)));
                ownDiffer |= !SearchResult.merge(own, 10).hits().equals(one.search(t, 10, bm25).hits());
            }
            assertTrue(ownDiffer, "the partitions' own statistics give another result, so the test shows the round");

            // rerank and hybrid: text pools (the partitions encode the text alike: a fixed vector a text here)
            Map<String, float[]> encoded = new LinkedHashMap<>();
            for (int target : new int[] {7, 120, 333}) {
                encoded.put("topic" + text.docCentres[target][0] + " uniqueword" + target, text.query(target, 16));
            }
            textParts.forEach(tp -> tp.withEncoder(new FixedEncoder(encoded)));
            String[] settings = {"\"mode\": \"rerank\"", "\"mode\": \"rerank\", \"depth\": 7", "\"mode\": \"hybrid\"",
                "\"mode\": \"hybrid\", \"fusion\": \"relative_score\", \"alpha\": 0.3, \"depth\": 12"};
            SearchParams[] expected = {SearchParams.defaults().withMode(SearchParams.Mode.RERANK),
                SearchParams.defaults().withMode(SearchParams.Mode.RERANK).withDepth(7),
                SearchParams.defaults().withMode(SearchParams.Mode.HYBRID),
                SearchParams.defaults().withMode(SearchParams.Mode.HYBRID).withFusion(io.tartan.query.text.Fusion.RELATIVE_SCORE)
                    .withAlpha(0.3f).withDepth(12)};
            for (Map.Entry<String, float[]> e : encoded.entrySet()) {
                for (int s = 0; s < settings.length; s++) {
                    String body = "{\"query\": \"" + e.getKey() + "\", \"k\": 10, \"params\": {" + settings[s]
                            + "}, \"fields\": [\"metadata\"]}";
                    HttpResponse<String> res = c.http.post("/search", body);
                    assertEquals(200, res.statusCode(), res.body());
                    JsonNode hits = json(res).get("results");
                    assertSameHits(one.search(e.getKey(), e.getValue(), 10, expected[s]), hits, body);
                    for (JsonNode h : hits) {
                        int d = Integer.parseInt(h.get("doc_id").asText().substring("doc-".length()));
                        assertEquals(TestIndex.metadata(d).get("lang"), h.path("metadata").path("lang").asText(), h.toString());
                    }
                }
            }

            URI down = c.urls().get(0);
            c.partitions.get(0).close();
            String t = texts[0];
            JsonNode j = json(c.http.post("/search", "{\"query\": \"" + t + "\", \"k\": 10}"));
            assertTrue(j.get("partial").asBoolean(), j.toString());
            assertEquals(down.toString(), j.get("failed_partitions").get(0).get("url").asText());
            SearchResult rest = SearchResult.merge(List.of(textParts.get(1).search(t, 10, bm25),
                    textParts.get(2).search(t, 10, bm25)), 10);
            assertSameHits(rest, j.get("results"), "bm25 without partition 0");
        } finally {
            textParts.forEach(TartanIndex::close);
        }
    }

    @Test
    void exactThroughTheRouterEqualsTheSingleNodeResult() throws Exception {
        try (Cluster c = cluster()) {
            c.route(RouterSettings.of(c.urls()));
            for (int i = 0; i < queries.size(); i++) {
                for (int k : new int[] {10, 100}) {
                    HttpResponse<String> res = c.http.post("/search", body(queries.get(i), k, "\"params\": {\"mode\": \"exact\"}"));
                    assertEquals(200, res.statusCode(), res.body());
                    JsonNode j = json(res);
                    assertFalse(j.get("partial").asBoolean());
                    assertEquals(N, j.get("partitions").asInt());
                    assertEquals(0, j.get("failed_partitions").size());
                    assertEquals(whole.snapshot().version(), j.get("version").asLong());
                    assertSameHits(whole.searchExact(queries.get(i), k), j.get("results"), "query " + i + ", k " + k);
                }
            }
        }
    }

    @Test
    void base64VectorsThroughTheRouterGiveExactlyTheArrayResults() throws Exception {
        try (Cluster c = cluster()) {
            c.route(RouterSettings.of(c.urls()));
            for (int i = 0; i < queries.size(); i += 3) {
                float[] q = queries.get(i);
                for (String params : new String[] {"\"params\": {\"mode\": \"exact\"}", "\"params\": {\"mode\": \"fast\"}"}) {
                    HttpResponse<String> a = c.http.post("/search", body(q, 10, params));
                    HttpResponse<String> b = c.http.post("/search", "{\"vectors\": " + base64(q) + ", \"k\": 10, " + params + "}");
                    assertEquals(200, b.statusCode(), b.body());
                    assertFalse(json(b).get("partial").asBoolean(), b.body());
                    assertEquals(json(a).get("results"), json(b).get("results"), "query " + i + ", " + params);
                }
                HttpResponse<String> exact = c.http.post("/search", "{\"vectors\": " + base64(q) + ", \"k\": 10, \"params\": {\"mode\": \"exact\"}, \"require_complete\": true}");
                assertEquals(200, exact.statusCode(), exact.body());
                assertSameHits(whole.searchExact(q, 10), json(exact).get("results"), "query " + i);
            }
            // the router does not read the vectors: a partition's 400 for them is passed on
            HttpResponse<String> bad = c.http.post("/search", "{\"vectors\": \"AAAAAAAA\", \"k\": 10}");
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(json(bad).get("error").asText().contains("not a multiple of 4 · dim"), bad.body());
            assertTrue(json(bad).has("partition_url"), bad.body());
        }
    }

    /**
     * FAST and PLAID through the router are the single node's result, ids and scores (the partitions answer with their
     * candidate pools), in settings where merging the partitions' own top-k lists is not.
     */
    @Test
    void fastAndPlaidThroughTheRouterEqualTheSingleNodeResult() throws Exception {
        Map<String, SearchParams> settings = new LinkedHashMap<>();
        settings.put("\"mode\": \"fast\"", SearchParams.defaults());
        settings.put("\"mode\": \"fast\", \"ndocs\": 24", SearchParams.defaults().withNdocs(24));
        settings.put("\"mode\": \"fast\", \"ngroups\": 2, \"ndocs\": 24",
                SearchParams.defaults().withNgroups(2).withNdocs(24));
        settings.put("\"mode\": \"plaid\"", SearchParams.plaid());
        settings.put("\"mode\": \"plaid\", \"ncells\": 4, \"centroid_score_threshold\": 0.6, \"ndocs\": 40",
                SearchParams.plaid().withNcells(4).withCentroidScoreThreshold(0.6f).withNdocs(40));
        int listsDiffer = 0;
        try (Cluster c = cluster()) {
            c.route(RouterSettings.of(c.urls()));
            for (Map.Entry<String, SearchParams> e : settings.entrySet()) {
                for (int i = 0; i < queries.size(); i++) {
                    float[] q = queries.get(i);
                    for (int k : new int[] {1, 10}) {
                        HttpResponse<String> res = c.http.post("/search", body(q, k, "\"params\": {" + e.getKey() + "}"));
                        assertEquals(200, res.statusCode(), res.body());
                        SearchResult single = whole.search(q, k, e.getValue());
                        assertSameHits(single, json(res).get("results"), e.getKey() + ", query " + i + ", k " + k);
                        List<SearchResult> own = new ArrayList<>();
                        for (TartanIndex p : parts) {
                            own.add(p.search(q, k, e.getValue()));
                        }
                        listsDiffer += SearchResult.merge(own, k).hits().equals(single.hits()) ? 0 : 1;
                    }
                }
            }
        }
        assertTrue(listsDiffer > 0, "no case where the partitions' own top-k lists merge to another result: the test "
                + "would not tell the pools from a top-k merge");
    }

    @Test
    void aPartitionStoppedMidRunIsNamedInAPartialResultOrGives503WhenCompletenessIsRequired() throws Exception {
        try (Cluster c = cluster()) {
            c.route(RouterSettings.of(c.urls()));
            URI stopped = c.urls().get(1);
            for (int i = 0; i < queries.size(); i++) {
                if (i == queries.size() / 2) {
                    c.partitions.get(1).close();
                }
                float[] q = queries.get(i);
                JsonNode j = json(c.http.post("/search", body(q, 10, "\"params\": {\"mode\": \"exact\"}")));
                if (i < queries.size() / 2) {
                    assertFalse(j.get("partial").asBoolean(), j.toString());
                    continue;
                }
                assertTrue(j.get("partial").asBoolean(), j.toString());
                assertEquals(1, j.get("failed_partitions").size());
                assertEquals(stopped.toString(), j.get("failed_partitions").get(0).get("url").asText());
                assertFalse(j.get("failed_partitions").get(0).get("error").asText().isBlank());
                // what is left is exactly the merge of the partitions still up
                SearchResult rest = SearchResult.merge(List.of(parts.get(0).searchExact(q, 10), parts.get(2).searchExact(q, 10)), 10);
                assertSameHits(rest, j.get("results"), "query " + i + " without partition 1");
                JsonNode fast = json(c.http.post("/search", body(q, 10, "\"params\": {\"mode\": \"fast\"}")));
                assertTrue(fast.get("partial").asBoolean(), fast.toString());
                SearchResult restFast = CandidatePoolMerger.result(CandidatePoolMerger.merge(List.of(
                        parts.get(0).candidatePool(q, 10, SearchParams.defaults()),
                        parts.get(2).candidatePool(q, 10, SearchParams.defaults()))));
                assertSameHits(restFast, fast.get("results"), "fast, query " + i + " without partition 1");

                HttpResponse<String> strict = c.http.post("/search", body(q, 10, "\"require_complete\": true"));
                assertEquals(503, strict.statusCode(), strict.body());
                assertTrue(strict.headers().firstValue("Retry-After").isPresent());
                assertEquals(stopped.toString(), json(strict).get("failed_partitions").get(0).get("url").asText());
                assertTrue(json(strict).get("error").asText().contains("require_complete"), strict.body());
            }
        }
        try (Cluster c = cluster()) {
            c.route(RouterSettings.of(c.urls()).withRequireComplete(true));
            c.partitions.get(2).close();
            HttpResponse<String> res = c.http.post("/search", body(queries.get(0), 10, null));
            assertEquals(503, res.statusCode(), res.body());
            assertTrue(res.body().contains("--require-complete"), res.body());
        }
    }

    @Test
    void aSlowPartitionTimesOutAndTheResultIsPartial() throws Exception {
        try (Cluster c = cluster()) {
            SlowProxy slow = new SlowProxy(c.partitions.get(0).port(), 3000);
            c.proxies.add(slow);
            List<URI> urls = new ArrayList<>(c.urls());
            urls.set(0, slow.url());
            c.route(RouterSettings.of(urls).withPartitionTimeoutMs(300));
            float[] q = queries.get(3);
            JsonNode j = json(c.http.post("/search", body(q, 10, "\"params\": {\"mode\": \"exact\"}")));
            assertTrue(j.get("partial").asBoolean(), j.toString());
            assertEquals(slow.url().toString(), j.get("failed_partitions").get(0).get("url").asText());
            assertTrue(j.get("failed_partitions").get(0).get("error").asText().contains("300 ms"), j.toString());
            SearchResult rest = SearchResult.merge(List.of(parts.get(1).searchExact(q, 10), parts.get(2).searchExact(q, 10)), 10);
            assertSameHits(rest, j.get("results"), "without the slow partition");
            // with time enough, the slow partition counts again
            try (PartitionRouter patient = new PartitionRouter(RouterSettings.of(urls).withPartitionTimeoutMs(20_000))) {
                assertFalse(patient.search(body(q, 10, null).getBytes(), 10, true).partial());
            }
        }
    }

    @Test
    void partitionsOfDifferentVersionsOrLayoutsAreReportedNotMerged() throws Exception {
        Path copy = dir.resolve("newer");
        TestIndex newer = TestIndex.build(copy);
        OpenOptions base = OpenOptions.defaults().withCacheDir(dir.resolve("cache2"), false);
        long first;
        try (TartanIndex before = TartanIndex.open(newer.uri(), base)) {
            first = before.snapshot().version();
        }
        newer.delete(7);
        List<TartanIndex> mixed = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            // partition 2 has reloaded to the newer version, the others have not
            mixed.add(TartanIndex.open(newer.uri(), i == 2 ? base.withPartition(i, N) : base.withPartition(i, N).withVersion(first)));
        }
        try (Cluster c = new Cluster(mixed, ServerSettings.defaults(0).withWorkers(2, 8))) {
            c.route(RouterSettings.of(c.urls()));
            HttpResponse<String> res = c.http.post("/search", body(queries.get(0), 10, null));
            assertEquals(503, res.statusCode(), res.body());
            assertTrue(json(res).get("error").asText().contains("version mismatch"), res.body());
            long older = mixed.get(0).snapshot().version();
            long newest = mixed.get(2).snapshot().version();
            assertTrue(older < newest);
            assertEquals(older, json(res).get("versions").get(c.urls().get(0).toString()).asLong());
            assertEquals(newest, json(res).get("versions").get(c.urls().get(2).toString()).asLong());
            assertTrue(String.join("\n", c.router.check()).contains("version mismatch"), c.router.check().toString());
            JsonNode stats = json(c.http.get("/stats"));
            assertTrue(stats.get("problems").get(0).asText().contains("version mismatch"), stats.toString());
        } finally {
            mixed.forEach(TartanIndex::close);
        }
        try (Cluster c = cluster()) {
            // two of the three partitions: the layout is not one index
            c.route(RouterSettings.of(c.urls().subList(0, 2)));
            HttpResponse<String> res = c.http.post("/search", body(queries.get(0), 10, null));
            assertEquals(502, res.statusCode(), res.body());
            assertTrue(json(res).get("error").asText().contains("--partition i/2"), res.body());
        }
        try (Cluster c = new Cluster(List.of(whole), ServerSettings.defaults(0).withWorkers(1, 8));
             Cluster d = cluster()) {
            // a whole-index server among partition servers
            List<URI> urls = new ArrayList<>(d.urls());
            urls.set(1, c.urls().get(0));
            c.route(RouterSettings.of(urls));
            HttpResponse<String> res = c.http.post("/search", body(queries.get(0), 10, null));
            assertEquals(502, res.statusCode(), res.body());
            assertTrue(c.router.check().get(0).contains(urls.get(1).toString()), c.router.check().toString());
        }
    }

    @Test
    void partitionServersReportTheirPartitionAndTheRouterPassesBadRequestsOn() throws Exception {
        try (Cluster c = cluster()) {
            c.route(RouterSettings.of(c.urls()));
            HttpTestClient p1 = new HttpTestClient(c.partitions.get(1).port());
            JsonNode health = json(p1.get("/health"));
            assertEquals(1, health.get("partition").get("index").asInt());
            assertEquals(N, health.get("partition").get("count").asInt());
            assertEquals(N, json(p1.get("/stats")).get("partition").get("count").asInt());
            JsonNode hit = json(p1.post("/search", body(queries.get(0), 3, null)));
            assertEquals(1, hit.get("partition").get("index").asInt());
            assertTrue(hit.get("results").get(0).has("pid"), hit.toString());
            assertEquals(N, json(c.http.get("/health")).get("partitions").asInt());
            assertEquals(0, json(c.http.get("/stats")).get("problems").size());

            HttpResponse<String> bad = c.http.post("/search", body(queries.get(0), 10, "\"params\": {\"ncells\": -1}"));
            assertEquals(400, bad.statusCode(), bad.body());
            assertTrue(json(bad).get("error").asText().contains("ncells"), bad.body());
            HttpResponse<String> bigK = c.http.post("/search", body(queries.get(0), 1_000_000, null));
            assertEquals(400, bigK.statusCode(), bigK.body());
            assertEquals("max_k", json(bigK).get("limit").asText());
            HttpResponse<String> flag = c.http.post("/search", body(queries.get(0), 10, "\"require_complete\": \"yes\""));
            assertEquals(400, flag.statusCode(), flag.body());
            assertEquals(501, c.http.post("/rerank", "{\"vectors\": [[1]], \"doc_ids\": [\"doc-1\"]}").statusCode());
        }
    }

    @Test
    void theRouterSendsItsPartitionTokenAndAPartitionRefusingItIsNamed() throws Exception {
        try (Cluster c = new Cluster(parts, ServerSettings.defaults(0).withWorkers(2, 8).withAuthToken("s3cret"))) {
            c.route(RouterSettings.of(c.urls()).withPartitionToken("s3cret"));
            HttpResponse<String> ok = c.http.post("/search", body(queries.get(1), 10, null));
            assertEquals(200, ok.statusCode(), ok.body());
            assertFalse(json(ok).get("partial").asBoolean());
            try (PartitionRouter wrong = new PartitionRouter(RouterSettings.of(c.urls()).withPartitionToken("nope"))) {
                Exception e = assertThrows(RoutingException.class,
                        () -> wrong.search(body(queries.get(1), 10, null).getBytes(), 10, false));
                assertTrue(e.getMessage().contains("HTTP 401"), e.getMessage());
            }
        }
    }

    @Test
    void everyPartitionUrlIsCheckedOnce() {
        List<URI> twice = List.of(URI.create("http://127.0.0.1:1"), URI.create("http://127.0.0.1:1"));
        assertThrows(IllegalArgumentException.class, () -> RouterSettings.of(twice));
        assertThrows(IllegalArgumentException.class,
                () -> RouterSettings.of(List.of(URI.create("ftp://x/"))));
    }
}
