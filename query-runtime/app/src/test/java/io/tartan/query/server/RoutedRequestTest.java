package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The router's reading of a search body: k and require_complete only, the rest passed on byte for byte. */
class RoutedRequestTest {
    private static final RequestLimits LIMITS = RequestLimits.defaults();
    /** Number text a tree would rewrite (1e-3 as 0.001, 0.10000000 as 0.1): it must reach the partitions as sent. */
    private static final String VECTORS = "[[1e-3, 0.10000000, -2.5E+1], [0, 1, 0.333333343267]]";

    private static RoutedRequest read(String body) throws Exception {
        return RoutedRequest.read(body.getBytes(StandardCharsets.UTF_8), LIMITS);
    }

    @Test
    void aBodyWithoutRequireCompleteGoesOnAsItCame() throws Exception {
        byte[] body = ("{\"vectors\": " + VECTORS + ", \"k\": 7, \"params\": {\"mode\": \"exact\", \"k\": 99}, \"filter\": \"lang = 'en'\"}")
                .getBytes(StandardCharsets.UTF_8);
        RoutedRequest r = RoutedRequest.read(body, LIMITS);
        assertSame(body, r.forward());
        assertEquals(7, r.k());
        assertFalse(r.requireComplete());
        assertEquals(SearchApi.DEFAULT_K, read("{\"vectors\": " + VECTORS + "}").k());
    }

    @Test
    void base64VectorsGoOnAsTheirStringWithOrWithoutRequireComplete() throws Exception {
        String b64 = "\"AACAPwAAAMAAAEBA/w==\"";
        byte[] body = ("{\"vectors\": " + b64 + ", \"k\": 4}").getBytes(StandardCharsets.UTF_8);
        RoutedRequest r = RoutedRequest.read(body, LIMITS);
        assertSame(body, r.forward());
        assertEquals(4, r.k());
        RoutedRequest c = read("{\"vectors\": " + b64 + ", \"require_complete\": true, \"k\": 4}");
        assertTrue(c.requireComplete());
        assertEquals("{\"vectors\": " + b64 + ",\"k\": 4}", new String(c.forward(), StandardCharsets.UTF_8));
    }

    @Test
    void requireCompleteIsTakenOffWhereverItStandsAndTheRestKeepsItsBytes() throws Exception {
        String[] bodies = {
            "{\"require_complete\": true, \"vectors\": " + VECTORS + ", \"k\": 3}",
            "{ \"vectors\": " + VECTORS + " ,\n\t\"require_complete\" : true ,\"k\": 3 }",
            "{\"vectors\": " + VECTORS + ", \"k\": 3, \"require_complete\": true}",
            "{\"require_complete\": false, \"vectors\": " + VECTORS + ", \"require_complete\": true, \"k\": 3}",
            "{\"vectors\": " + VECTORS + ",\"require_complete\":false,\"k\":3,\"require_complete\":true}  ",
        };
        for (String b : bodies) {
            RoutedRequest r = read(b);
            assertTrue(r.requireComplete(), b);
            assertEquals(3, r.k(), b);
            String sent = new String(r.forward(), StandardCharsets.UTF_8);
            ObjectNode expected = (ObjectNode) JsonReplies.JSON.readTree(b);
            expected.remove("require_complete");
            assertEquals(expected, JsonReplies.JSON.readTree(sent), b + " -> " + sent);
            assertTrue(sent.contains(VECTORS), sent);
            assertFalse(sent.contains("require_complete"), sent);
        }
        RoutedRequest only = read("{\"require_complete\": false}");
        assertFalse(only.requireComplete());
        assertArrayEquals("{}".getBytes(StandardCharsets.UTF_8), only.forward());
    }

    @Test
    void aBodyInUtf16IsRewrittenThroughATree() throws Exception {
        String b = "{\"vectors\": " + VECTORS + ", \"require_complete\": true, \"k\": 4}";
        RoutedRequest r = RoutedRequest.read(b.getBytes(StandardCharsets.UTF_16BE), LIMITS);
        assertTrue(r.requireComplete());
        assertEquals(4, r.k());
        JsonNode sent = JsonReplies.JSON.readTree(r.forward());
        assertFalse(sent.has("require_complete"));
        assertEquals(JsonReplies.JSON.readTree(VECTORS), sent.get("vectors"));
    }

    @Test
    void badBodiesAreRefusedAsBeforeWithTheFieldNamed() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("")).getMessage().contains("empty request body"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("  ")).getMessage().contains("JSON object"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("[1, 2]")).getMessage().contains("JSON object"));
        // malformed deep inside the vectors the router does not otherwise read
        assertThrows(JsonProcessingException.class, () -> read("{\"vectors\": [[1, 2,, 3]], \"k\": 3}"));
        assertThrows(JsonProcessingException.class, () -> read("{\"vectors\": [[1, 2], \"k\": 3}"));
        assertThrows(JsonProcessingException.class, () -> read("{\"vectors\": [[1, 2]]"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("{\"k\": 3, \"require_complete\": \"yes\"}"))
                .getMessage().contains("require_complete"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("{\"k\": \"10\"}")).getMessage().contains("\"k\""));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> read("{\"k\": 0}")).getMessage().contains("\"k\""));
        assertEquals("max_k", assertThrows(LimitExceededException.class, () -> read("{\"k\": 1000000}")).limit());
    }

    @Test
    void aTextQueryInABm25ModeOrTheDefaultModeNeedsStatisticsAndGetsThemAddedToItsBytes() throws Exception {
        assertTrue(read("{\"query\": \"cats\"}").bm25(), "no mode: the partitions' default may be bm25");
        for (String m : new String[] {"bm25", "rerank", "HYBRID"}) {
            assertTrue(read("{\"query\": \"cats\", \"params\": {\"mode\": \"" + m + "\"}}").bm25(), m);
        }
        for (String m : new String[] {"fast", "plaid", "exact", "nonsense"}) {
            assertFalse(read("{\"query\": \"cats\", \"params\": {\"mode\": \"" + m + "\"}}").bm25(), m);
        }
        assertFalse(read("{\"vectors\": " + VECTORS + "}").bm25(), "vectors have no text");

        JsonNode stats = JsonReplies.JSON.readTree("{\"version\": 2, \"terms\": {\"cat\": [1, 2]}}");
        String[] bodies = {
            "{\"query\": \"cats\", \"k\": 3}",
            " {\n\"query\" : \"cats\" ,\"k\":3 }\n ",
            "{\"query\": \"cats\", \"require_complete\": true, \"k\": 3}",
        };
        for (String b : bodies) {
            RoutedRequest r = read(b);
            String sent = new String(r.withBm25Statistics(stats), StandardCharsets.UTF_8);
            ObjectNode expected = (ObjectNode) JsonReplies.JSON.readTree(b);
            expected.remove("require_complete");
            expected.set("bm25_statistics", stats);
            assertEquals(expected, JsonReplies.JSON.readTree(sent), b + " -> " + sent);
        }
        RoutedRequest utf16 = RoutedRequest.read("{\"query\": \"cats\"}".getBytes(StandardCharsets.UTF_16LE), LIMITS);
        assertTrue(utf16.bm25());
        assertEquals(stats, JsonReplies.JSON.readTree(utf16.withBm25Statistics(stats)).get("bm25_statistics"));
    }
}
