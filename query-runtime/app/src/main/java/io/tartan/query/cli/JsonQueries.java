package io.tartan.query.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchResult;

/** JSON shapes shared by the CLI and the HTTP API: ranked results out (query vectors in: {@code QueryVectors}). */
public final class JsonQueries {
    private JsonQueries() {
    }

    /** Hit fields a client may ask for ({@code "fields"}): the stored text, a snippet of it, the metadata. */
    public static final java.util.Set<String> FIELDS = java.util.Set.of("text", "snippet", "metadata");

    /**
     * {@code [{"rank", "doc_id", "score", <fields>…}…]}: the requested fields from the index's text indexes (absent
     * for a hit whose index stores no text or metadata).
     */
    public static ArrayNode hits(SearchResult r, io.tartan.query.TartanIndex index, java.util.Collection<String> fields) {
        for (String f : fields) {
            if (!FIELDS.contains(f)) {
                throw new IllegalArgumentException("unknown field '" + f + "'; fields are " + new java.util.TreeSet<>(FIELDS));
            }
        }
        ArrayNode a = hits(r);
        if (fields.isEmpty()) {
            return a;
        }
        for (int i = 0; i < r.hits().size(); i++) {
            io.tartan.format.bm25.TextIndexDoc d = index.document(r.hits().get(i));
            if (d == null) {
                continue;
            }
            ObjectNode o = (ObjectNode) a.get(i);
            if (fields.contains("text") && d.text() != null) {
                o.put("text", d.text());
            }
            if (fields.contains("snippet") && d.text() != null) {
                o.put("snippet", io.tartan.query.text.Snippet.of(d.text(), io.tartan.query.text.Snippet.DEFAULT_CHARS));
            }
            if (fields.contains("metadata") && d.metadata() != null) {
                ObjectNode m = o.putObject("metadata");
                d.metadata().forEach(m::put);
            }
        }
        return a;
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
