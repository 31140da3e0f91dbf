package io.tartan.query.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tartan.query.text.Bm25Statistics;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link Bm25Statistics} as JSON: what a partition answers to {@code POST /bm25_statistics} (its share) and what a
 * router sends back with the search as {@code "bm25_statistics"} (the sum): {@code version}, {@code max_doc},
 * {@code doc_count}, {@code sum_total_term_freq}, {@code sum_doc_freq}, and {@code terms} mapping each analyzed query
 * term to {@code [doc_freq, total_term_freq]}.
 */
final class Bm25StatisticsJson {
    static final String FIELD = "bm25_statistics";

    private Bm25StatisticsJson() {
    }

    static ObjectNode write(Bm25Statistics s) {
        ObjectNode o = JsonReplies.JSON.createObjectNode();
        o.put("version", s.version());
        o.put("max_doc", s.maxDoc());
        o.put("doc_count", s.docCount());
        o.put("sum_total_term_freq", s.sumTotalTermFreq());
        o.put("sum_doc_freq", s.sumDocFreq());
        ObjectNode terms = o.putObject("terms");
        s.terms().forEach((t, c) -> terms.putArray(t).add(c.docFreq()).add(c.totalTermFreq()));
        return o;
    }

    /** @throws IllegalArgumentException naming the member that is missing or malformed */
    static Bm25Statistics read(JsonNode o) {
        if (o == null || !o.isObject()) {
            throw new IllegalArgumentException("\"" + FIELD + "\" must be an object (a router's sum of the partitions' "
                    + "POST /bm25_statistics answers)");
        }
        JsonNode terms = o.get("terms");
        if (terms == null || !terms.isObject()) {
            throw new IllegalArgumentException("\"" + FIELD + ".terms\" must be an object of [doc_freq, total_term_freq]");
        }
        Map<String, Bm25Statistics.TermCounts> counts = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = terms.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode c = e.getValue();
            if (!c.isArray() || c.size() != 2 || !c.get(0).canConvertToLong() || !c.get(1).canConvertToLong()) {
                throw new IllegalArgumentException("\"" + FIELD + ".terms." + e.getKey() + "\" must be [doc_freq, total_term_freq]");
            }
            counts.put(e.getKey(), new Bm25Statistics.TermCounts(c.get(0).asLong(), c.get(1).asLong()));
        }
        return new Bm25Statistics(count(o, "version"), count(o, "max_doc"), count(o, "doc_count"),
                count(o, "sum_total_term_freq"), count(o, "sum_doc_freq"), counts);
    }

    private static long count(JsonNode o, String name) {
        JsonNode v = o.get(name);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException("\"" + FIELD + "." + name + "\" must be an integer, got " + v);
        }
        return v.asLong();
    }
}
