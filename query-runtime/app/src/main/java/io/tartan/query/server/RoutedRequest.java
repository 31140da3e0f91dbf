package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchParams;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What a router needs of a {@code POST /search} body, and the body to send on.
 *
 * <p>The router reads the top-level {@code k} (checked against {@code max_k}) and {@code require_complete} (its
 * own field, which partitions reject), with Jackson's streaming parser: the query vectors, most of the body
 * (32 × 128 floats are ~50 KB of JSON, or one 22 KB string as base64), are tokenised to find where they end but never
 * turned into numbers or a tree; either form goes on as it came.
 * Building the tree and writing it again cost the router about as much as a hop (docs/BENCHMARKS.md, "Partitions and
 * the router"). The body goes on as it came; with {@code require_complete} in it, as its other members' bytes
 * unchanged in a new object. Malformed JSON anywhere in the body is still a 400 here, as the tree parse made it.
 *
 * <p>It also reads {@code query} and {@code params} (both small): a request with query text whose mode is a BM25 one
 * ({@code bm25}, {@code rerank}, {@code hybrid}), or is not given and so is the partitions' default, needs the
 * partitions' BM25 statistics summed before it is searched ({@link #bm25}).
 *
 * @param forward         the body for the partitions
 * @param k               results wanted, within {@code max_k}
 * @param requireComplete whether the request asked for {@code "require_complete": true}
 * @param bm25            whether the partitions may score BM25 for it: the router then gathers the whole index's BM25
 *                        statistics first ({@code POST /bm25_statistics}) and sends them with the search
 */
record RoutedRequest(byte[] forward, int k, boolean requireComplete, boolean bm25) {
    static final String REQUIRE_COMPLETE = "require_complete";

    static RoutedRequest read(byte[] body, RequestLimits limits) throws IOException {
        if (body == null || body.length == 0) {
            throw new IllegalArgumentException("empty request body: send a JSON object");
        }
        ObjectNode seen = JsonReplies.JSON.createObjectNode();
        // each member's byte range [start, end) after the opening brace, kept to drop require_complete without
        // re-encoding the rest; -1 offsets mean a char-based parser (a UTF-16/32 body), where they are not bytes
        List<long[]> members = new ArrayList<>();
        boolean dropped = false;
        long open;
        try (JsonParser p = JsonReplies.JSON.getFactory().createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("request body must be a JSON object");
            }
            open = p.currentLocation().getByteOffset();
            long end = open;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                String name = p.currentName();
                p.nextToken();
                if ("k".equals(name) || REQUIRE_COMPLETE.equals(name) || "query".equals(name) || "params".equals(name)) {
                    // the last of a repeated field counts, as in the tree the partitions build
                    seen.set(name, JsonReplies.JSON.readTree(p));
                } else {
                    p.skipChildren();
                    p.finishToken();
                }
                long start = end;
                end = p.currentLocation().getByteOffset();
                if (REQUIRE_COMPLETE.equals(name)) {
                    dropped = true;
                } else {
                    members.add(new long[] {start, end});
                }
            }
        }
        boolean complete = false;
        JsonNode rc = seen.get(REQUIRE_COMPLETE);
        if (rc != null) {
            if (!rc.isBoolean()) {
                throw new IllegalArgumentException("\"" + REQUIRE_COMPLETE + "\" must be true or false, got " + rc);
            }
            complete = rc.booleanValue();
        }
        int k = SearchApi.k(seen, limits);
        return new RoutedRequest(dropped ? without(body, open, members) : body, k, complete, bm25(seen));
    }

    /** The body as a router sends it ({@link #read}) with {@code k} and {@code requireComplete} given apart. */
    static RoutedRequest of(byte[] body, int k, boolean requireComplete) throws IOException {
        return new RoutedRequest(body, k, requireComplete, bm25(JsonReplies.JSON.readTree(body)));
    }

    /** Query text, and a BM25 mode or none (then the partitions' default mode decides, which may be one). */
    private static boolean bm25(JsonNode req) {
        JsonNode q = req.get("query");
        if (q == null || !q.isTextual()) {
            return false;
        }
        JsonNode mode = req.path("params").path("mode");
        if (!mode.isTextual()) {
            return true;
        }
        try {
            return SearchParams.Mode.parse(mode.asText()).needsText();
        } catch (IllegalArgumentException e) {
            return false; // the partitions answer 400, naming the mode
        }
    }

    /**
     * This request's body with {@code "bm25_statistics"} added: after the other members' bytes as they came, or through
     * a tree for a body that is not UTF-8 (JSON in UTF-8 never holds a zero byte; UTF-16 and UTF-32 do).
     */
    byte[] withBm25Statistics(JsonNode stats) throws IOException {
        byte[] value = JsonReplies.JSON.writeValueAsBytes(stats);
        int close = forward.length - 1;
        while (close >= 0 && isSpace(forward[close])) {
            close--;
        }
        boolean utf8 = close > 0 && forward[close] == '}';
        for (int i = 0; utf8 && i < forward.length; i++) {
            utf8 = forward[i] != 0;
        }
        if (!utf8) {
            ObjectNode tree = (ObjectNode) JsonReplies.JSON.readTree(forward);
            tree.set(Bm25StatisticsJson.FIELD, stats);
            return JsonReplies.JSON.writeValueAsBytes(tree);
        }
        int last = close - 1;
        while (last >= 0 && isSpace(forward[last])) {
            last--;
        }
        boolean empty = last >= 0 && forward[last] == '{';
        ByteArrayOutputStream out = new ByteArrayOutputStream(close + value.length + 32);
        out.write(forward, 0, close);
        out.write((empty ? "" : ",").getBytes(StandardCharsets.US_ASCII));
        out.write(("\"" + Bm25StatisticsJson.FIELD + "\":").getBytes(StandardCharsets.US_ASCII));
        out.write(value);
        out.write('}');
        return out.toByteArray();
    }

    /** The object of {@code members} only: each is the bytes from after the previous member (or "{") to its value's end. */
    private static byte[] without(byte[] body, long open, List<long[]> members) throws IOException {
        if (open < 0 || members.stream().anyMatch(m -> m[1] < 0)) {
            ObjectNode tree = (ObjectNode) JsonReplies.JSON.readTree(body);
            tree.remove(REQUIRE_COMPLETE);
            return JsonReplies.JSON.writeValueAsBytes(tree);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length);
        out.write(body, 0, (int) open);
        boolean first = true;
        for (long[] m : members) {
            int s = (int) m[0];
            // a member's range starts after the previous value: skip the separator (and whitespace) there
            while (s < m[1] && (body[s] == ',' || isSpace(body[s]))) {
                s++;
            }
            if (!first) {
                out.write(',');
            }
            out.write(body, s, (int) m[1] - s);
            first = false;
        }
        out.write('}');
        return out.toByteArray();
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t' || b == '\n' || b == '\r';
    }
}
