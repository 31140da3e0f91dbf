package io.tartan.query.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.search.CandidatePool;

/**
 * A {@link CandidatePool} as JSON, the body of a partition's {@code POST /pool} answer that a router merges: its
 * settings and one array a column ({@code pids}, {@code doc_ids}, {@code pruned}, {@code approx}, {@code exact}).
 * Scores are written as Java writes a float (the shortest decimal that reads back as the same float), so the merge
 * compares the partitions' own floats; an exact score not computed (NaN) is {@code null}, as its doc id is.
 */
final class CandidatePoolJson {
    private CandidatePoolJson() {
    }

    static ObjectNode write(CandidatePool p) {
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        o.put("version", p.version());
        o.put("k", p.k());
        o.put("ndocs", p.ndocs());
        o.put("nexact", p.nexact());
        o.put("pruning", p.pruning());
        o.put("ngroups", p.ngroups());
        o.put("candidates", p.candidates());
        ArrayNode pids = o.putArray("pids");
        ArrayNode ids = o.putArray("doc_ids");
        ArrayNode approx = o.putArray("approx");
        ArrayNode exact = o.putArray("exact");
        ArrayNode pruned = p.pruning() ? o.putArray("pruned") : null;
        for (int i = 0; i < p.size(); i++) {
            pids.add(p.pids()[i]);
            ids.add(p.docIds()[i]);
            approx.add(p.approxScores()[i]);
            if (Float.isNaN(p.exactScores()[i])) {
                exact.addNull();
            } else {
                exact.add(p.exactScores()[i]);
            }
            if (pruned != null) {
                pruned.add(p.prunedScores()[i]);
            }
        }
        return o;
    }

    /** @throws IllegalArgumentException naming what is missing or of the wrong length */
    static CandidatePool read(JsonNode o) {
        for (String f : new String[] {"version", "k", "ndocs", "nexact", "pruning", "ngroups", "candidates", "pids",
                "doc_ids", "approx", "exact"}) {
            if (!o.has(f)) {
                throw new IllegalArgumentException("candidate pool without \"" + f + "\"");
            }
        }
        boolean pruning = o.get("pruning").asBoolean();
        int n = o.get("pids").size();
        long[] pids = new long[n];
        String[] ids = new String[n];
        float[] approx = new float[n];
        float[] exact = new float[n];
        float[] pruned = pruning ? new float[n] : null;
        JsonNode jp = o.get("pruned");
        if (o.get("doc_ids").size() != n || o.get("approx").size() != n || o.get("exact").size() != n
                || pruning && (jp == null || jp.size() != n)) {
            throw new IllegalArgumentException("candidate pool of " + n + " pids with columns of other lengths");
        }
        for (int i = 0; i < n; i++) {
            pids[i] = o.get("pids").get(i).asLong();
            JsonNode id = o.get("doc_ids").get(i);
            ids[i] = id.isNull() ? null : id.asText();
            approx[i] = o.get("approx").get(i).floatValue();
            JsonNode e = o.get("exact").get(i);
            exact[i] = e.isNull() ? Float.NaN : e.floatValue();
            if (pruned != null) {
                pruned[i] = jp.get(i).floatValue();
            }
        }
        return new CandidatePool(o.get("version").asLong(), o.get("k").asInt(), o.get("ndocs").asInt(),
                o.get("nexact").asInt(), pruning, o.get("ngroups").asInt(), o.get("candidates").asInt(), pids, ids,
                pruned, approx, exact);
    }
}
