package io.tartan.query.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;

/** JSON shapes shared by the CLI and the HTTP API: query vectors in, ranked results out. */
public final class JsonQueries {
    private JsonQueries() {
    }

    /** {@code [[…dim floats…], …]} → row-major {@code [nq × dim]}; throws a clear message for anything else. */
    public static float[] vectors(JsonNode n, int dim) {
        if (n == null || !n.isArray() || n.isEmpty()) {
            throw new IllegalArgumentException("\"vectors\" must be a non-empty array of " + dim + "-float arrays");
        }
        float[] out = new float[n.size() * dim];
        for (int i = 0; i < n.size(); i++) {
            JsonNode row = n.get(i);
            if (!row.isArray() || row.size() != dim) {
                throw new IllegalArgumentException("\"vectors\"[" + i + "] must be an array of " + dim
                        + " numbers (the index dim), got " + (row.isArray() ? row.size() + " values" : row.getNodeType()));
            }
            for (int d = 0; d < dim; d++) {
                JsonNode v = row.get(d);
                if (!v.isNumber()) {
                    throw new IllegalArgumentException("\"vectors\"[" + i + "][" + d + "] is not a number");
                }
                out[i * dim + d] = v.floatValue();
            }
        }
        return out;
    }

    /** {@code [{"rank", "doc_id", "score"}…]}. */
    public static ArrayNode hits(SearchResult r) {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        int rank = 1;
        for (SearchHit h : r.hits()) {
            ObjectNode o = a.addObject();
            o.put("rank", rank++);
            o.put("doc_id", h.docId());
            o.put("score", h.score());
        }
        return a;
    }
}
