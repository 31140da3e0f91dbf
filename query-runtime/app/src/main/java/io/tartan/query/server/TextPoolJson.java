package io.tartan.query.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.SearchHit;
import io.tartan.query.SearchParams;
import io.tartan.query.SearchResult;
import io.tartan.query.TextPool;
import io.tartan.query.text.Fusion;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TextPool} as JSON, a partition's {@code POST /pool} answer for rerank and hybrid: {@code version},
 * {@code mode}, {@code depth}, {@code fusion} and {@code alpha} (hybrid), the BM25 list {@code bm25} and either
 * {@code maxsim} (a list) or {@code candidate_pool} ({@link CandidatePoolJson}). A list is {@code {"pids", "doc_ids",
 * "scores"}}, one array a column, scores written as Java writes a float so the merge compares the partitions' floats.
 */
final class TextPoolJson {
    private TextPoolJson() {
    }

    static ObjectNode write(TextPool p) {
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        o.put("version", p.version());
        o.put("mode", p.mode().label());
        o.put("depth", p.depth());
        if (p.fusion() != null) {
            o.put("fusion", p.fusion().label());
            o.put("alpha", p.alpha());
        }
        o.set("bm25", list(p.bm25()));
        if (p.maxsim() != null) {
            o.set("maxsim", list(p.maxsim()));
        }
        if (p.dense() != null) {
            o.set("candidate_pool", CandidatePoolJson.write(p.dense()));
        }
        return o;
    }

    private static ObjectNode list(SearchResult r) {
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        ArrayNode pids = o.putArray("pids");
        ArrayNode ids = o.putArray("doc_ids");
        ArrayNode scores = o.putArray("scores");
        for (SearchHit h : r.hits()) {
            pids.add(h.pid());
            ids.add(h.docId());
            scores.add(h.score());
        }
        o.put("candidates", r.candidates());
        return o;
    }

    /** @throws IllegalArgumentException naming what is missing or malformed */
    static TextPool read(JsonNode o) {
        for (String f : new String[] {"version", "mode", "depth", "bm25"}) {
            if (!o.has(f)) {
                throw new IllegalArgumentException("text pool without \"" + f + "\"");
            }
        }
        long version = o.get("version").asLong();
        Fusion fusion = o.hasNonNull("fusion") ? Fusion.parse(o.get("fusion").asText()) : null;
        return new TextPool(version, SearchParams.Mode.parse(o.get("mode").asText()), o.get("depth").asInt(), fusion,
                o.path("alpha").floatValue(), list(o.get("bm25"), version), o.has("maxsim") ? list(o.get("maxsim"), version) : null,
                o.has("candidate_pool") ? CandidatePoolJson.read(o.get("candidate_pool")) : null);
    }

    private static SearchResult list(JsonNode o, long version) {
        JsonNode pids = o.path("pids");
        JsonNode ids = o.path("doc_ids");
        JsonNode scores = o.path("scores");
        int n = pids.size();
        if (!pids.isArray() || ids.size() != n || scores.size() != n) {
            throw new IllegalArgumentException("text pool list of " + n + " pids with columns of other lengths");
        }
        List<SearchHit> hits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            hits.add(new SearchHit(ids.get(i).asText(), pids.get(i).asLong(), scores.get(i).floatValue()));
        }
        return new SearchResult(hits, version, o.path("candidates").asInt());
    }
}
