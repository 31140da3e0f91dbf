package io.tartan.query.server;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * What a router needs of a {@code POST /search} body, and the body to send on.
 *
 * <p>The router reads only the top-level {@code k} (checked against {@code max_k}) and {@code require_complete} (its
 * own field, which partitions reject), with Jackson's streaming parser: the query vectors, most of the body
 * (32 × 128 floats are ~50 KB of JSON, or one 22 KB string as base64), are tokenised to find where they end but never
 * turned into numbers or a tree; either form goes on as it came.
 * Building the tree and writing it again cost the router about as much as a hop (docs/BENCHMARKS.md, "Partitions and
 * the router"). The body goes on as it came; with {@code require_complete} in it, as its other members' bytes
 * unchanged in a new object. Malformed JSON anywhere in the body is still a 400 here, as the tree parse made it.
 *
 * @param forward         the body for the partitions
 * @param k               results wanted, within {@code max_k}
 * @param requireComplete whether the request asked for {@code "require_complete": true}
 */
record RoutedRequest(byte[] forward, int k, boolean requireComplete) {
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
                if ("k".equals(name) || REQUIRE_COMPLETE.equals(name)) {
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
        return new RoutedRequest(dropped ? without(body, open, members) : body, k, complete);
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
